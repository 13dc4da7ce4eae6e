// SPDX-License-Identifier: Apache-2.0
//
// WorkflowBench: in-process benchmarks of the engine, printed in the same shape as bench/spiff_bench.py.
//   parse:     every well-formed .bpmn / .bpmn20.xml file of ../shared/bpmn-corpus through BPMNParser (MB/s)
//   instances: bench/one-task.bpmn on the embedded store: start, fetchAndLock, complete (instances/s)
//   runtime:   the pure state machine alone (no store), for the same process
//   cores:     (`--only cores`) how long a cache line takes between two cores (to read the multi-driver figures)
//   json:      (`--only json`) the engine's JSON reader and writer beside JSONSerialization
// Usage: WorkflowBench [--corpus DIR] [--instances N] [--repeat R] [--concurrency C] [--skip-parse true]
//                      [--phases true] [--batch N] [--longpoll true] [--rounds R]
//   --batch:    workers fetch up to N tasks per call (default 1)
//   --longpoll: latency from a task becoming fetchable to a parked fetchAndLock's answer
import BPMN
import Foundation
import Workflow

struct Options {
    var corpus = "../shared/bpmn-corpus"
    var instances = 50_000
    var repeatCount = 3
    var concurrency = 4
    var skipParse = false
    var phases = false
    var batch = 1
    var longPoll = false
    /// `--redis-scale URL`: only the Redis queue-size benchmark, against that server.
    var redisScale = ""
    var scaleSizes = [1_000, 100_000, 1_000_000]
    /// `--only runtime|instances`: just that benchmark (for profiling).
    var only = ""
    var verify = true
    /// `--rounds R`: each instance benchmark R times, on a fresh engine each, then the best (as `timeit` takes the
    /// best of its repeats: interference only ever slows a round down).
    var rounds = 1

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let flag = iterator.next() {
            let value = iterator.next() ?? ""
            switch flag {
            case "--corpus": corpus = value
            case "--instances": instances = Int(value) ?? instances
            case "--repeat": repeatCount = Int(value) ?? repeatCount
            case "--concurrency": concurrency = Int(value) ?? concurrency
            case "--skip-parse": skipParse = value == "true"
            case "--phases": phases = value == "true"
            case "--batch": batch = max(1, Int(value) ?? batch)
            case "--longpoll": longPoll = value == "true"
            case "--redis-scale": redisScale = value
            case "--only": only = value
            case "--verify": verify = value != "false"
            case "--rounds": rounds = max(1, Int(value) ?? rounds)
            case "--scale-sizes": scaleSizes = value.split(separator: ",").compactMap { Int($0) }
            default: FileHandle.standardError.write(Data("unknown option \(flag)\n".utf8))
            }
        }
    }
}

func benchParse(_ options: Options) throws {
    let index = try String(contentsOfFile: options.corpus + "/INDEX.tsv", encoding: .utf8)
    let paths = index.split(separator: "\n").dropFirst().compactMap { line -> String? in
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
        let path = String(fields[0])
        guard fields[4] == "yes", path.hasSuffix(".bpmn") || path.hasSuffix(".bpmn20.xml") else { return nil }
        return path
    }
    let blobs = try paths.map { (name: $0, bytes: Array(try Data(contentsOf: URL(fileURLWithPath: options.corpus + "/" + $0)))) }
    let totalBytes = blobs.reduce(0) { $0 + $1.bytes.count }
    var parsed = 0, rejected = 0
    let began = ContinuousClock.now
    for pass in 0..<options.repeatCount {
        for blob in blobs {
            do {
                _ = try BPMNParser.parse(blob.bytes, resourceName: blob.name)
                if pass == 0 { parsed += 1 }
            } catch {
                if pass == 0 { rejected += 1 }
            }
        }
    }
    let seconds = (ContinuousClock.now - began).seconds
    let bytes = totalBytes * options.repeatCount
    print("swift parse: files=\(blobs.count * options.repeatCount) bytes=\(bytes) seconds=\(fmt(seconds, 3)) "
        + "MB/s=\(fmt(Double(bytes) / seconds / 1e6, 2))")
    print("  (per pass: parsed=\(parsed) rejected=\(rejected); repeat=\(options.repeatCount))")
}

/// Runs `count` instances of the one-task process through start, fetch-and-lock and complete, `batch` at a time
/// (a worker fetching up to `batch` tasks per call, as the Java client does with its default `maxTasks` of 10).
/// Drivers share the topic, so one may lock another's tasks; each completes whatever it locked, and every driver
/// drains the queue at its end.
func drive(_ engine: Engine, process: DeployedProcess, count: Int, batch: Int, worker: String) async throws {
    let request = FetchRequest(workerID: worker, maxTasks: batch, usePriority: false,
                               topics: [.init(topicName: "bench", lockDuration: 60_000)])
    var started = 0
    while started < count {
        let round = min(batch, count - started)
        for _ in 0..<round {
            _ = try await engine.startProcessInstance(process, businessKey: nil, variables: ["n": .integer(1)])
        }
        started += round
        for locked in try await engine.fetchAndLock(request) {
            try await engine.complete(locked.task.id, workerID: worker, variables: ["result": .string("ok")])
        }
    }
    while case let tasks = try await engine.fetchAndLock(request), !tasks.isEmpty {
        for locked in tasks {
            try await engine.complete(locked.task.id, workerID: worker, variables: ["result": .string("ok")])
        }
    }
}

/// A fresh engine on the embedded store with bench/one-task.bpmn deployed.
func oneTaskEngine() async throws -> (Engine, DeployedProcess) {
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("one-task.bpmn")
    let engine = Engine(store: MemoryWorkflowStore())
    let bytes = Array(try Data(contentsOf: path))
    _ = try await engine.deploy(name: "bench", resources: [.init(name: "one-task.bpmn", bytes: bytes)])
    return (engine, try engine.latestProcess(key: "one_task"))
}

func benchInstances(_ options: Options) async throws {
    for concurrency in [1, options.concurrency] {
        var best = 0.0
        for _ in 0..<options.rounds {
            best = max(best, try await benchInstances(options, concurrency: concurrency))
        }
        if options.rounds > 1 {
            print("swift instances best of \(options.rounds): concurrency=\(concurrency) batch=\(options.batch) "
                + "instances/s=\(fmt(best, 1))")
        }
    }
    print("  (bench/one-task.bpmn on the embedded store: start -> fetchAndLock -> complete, history kept)")
}

/// One round on a fresh engine; returns its instances/s.
func benchInstances(_ options: Options, concurrency: Int) async throws -> Double {
    let (engine, process) = try await oneTaskEngine()
    try await drive(engine, process: process, count: 1000, batch: options.batch, worker: "warmup")
    let perDriver = options.instances / concurrency
    let began = ContinuousClock.now
    let cpuBegan = processCPUSeconds()
    try await withThrowingTaskGroup(of: Void.self) { group in
        for driver in 0..<concurrency {
            group.addTask {
                try await drive(engine, process: process, count: perDriver, batch: options.batch, worker: "w\(driver)")
            }
        }
        try await group.waitForAll()
    }
    let seconds = (ContinuousClock.now - began).seconds
    let cpu = processCPUSeconds() - cpuBegan
    let n = perDriver * concurrency
    let rate = Double(n) / seconds
    print("swift instances: n=\(n) concurrency=\(concurrency) seconds=\(fmt(seconds, 3)) "
        + "batch=\(options.batch) instances/s=\(fmt(rate, 1)) cpu=\(fmt(cpu / seconds * 100, 0))%")
    // Checked after the figure is printed (and skipped with `--verify false`, for profiles of the run alone:
    // then the engine is kept, so tearing down its history stays out of the profile too).
    guard options.verify else {
        _ = Unmanaged.passRetained(engine)
        return rate
    }
    let running = try await engine.store.instances(definitionKey: nil).count
    let completed = try await engine.store.historicProcessInstances().filter { $0.state == .completed }.count
    guard running == 0, completed == perDriver * concurrency + 1000 else {
        fatalError("expected every instance completed, found running=\(running) completed=\(completed)")
    }
    return rate
}

/// CPU time of the whole process (every thread), to show how much of the machine a run used.
func processCPUSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

func fmt(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// The pure state machine alone (no store, no async): what one instance costs the runtime itself.
func benchRuntime(_ options: Options) async throws {
    let (_, process) = try await oneTaskEngine()
    let began = ContinuousClock.now
    for _ in 0..<options.instances {
        var runtime = try Runtime.start(process: process, businessKey: nil, variables: ["n": .integer(1)], now: Date())
        guard case .createExternalTask(let task)? = runtime.effects.first(where: {
            if case .createExternalTask = $0 { true } else { false }
        }) else { fatalError("no task") }
        runtime = Runtime(instance: runtime.instance, process: process, now: Date())
        try runtime.completeExternalTask(task.id, variables: ["result": .string("ok")], localVariables: [:])
        guard runtime.instance.isEnded else { fatalError("not ended") }
    }
    let seconds = (ContinuousClock.now - began).seconds
    print("swift runtime only: n=\(options.instances) seconds=\(fmt(seconds, 3)) instances/s=\(fmt(Double(options.instances) / seconds, 1))")
}

let options = Options(CommandLine.arguments)
if !options.redisScale.isEmpty {
    try await benchRedisScale(options)
    exit(0)
}
if options.only == "cores" {
    benchCoreLatency()
    exit(0)
}
if options.only == "json" {
    try benchJSONCoding()
    try await benchRecordDecoding()
    exit(0)
}
if options.only == "runtime" {
    try await benchRuntime(options)
    exit(0)
}
if !options.skipParse { try benchParse(options) }
try await benchInstances(options)
if options.only == "instances" { exit(0) }
try await benchRuntime(options)
if options.phases { try await Task { try await benchPhases(options) }.value }
if options.longPoll { try await benchLongPoll(options) }
