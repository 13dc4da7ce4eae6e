// SPDX-License-Identifier: Apache-2.0
import Foundation
import Workers
import Workflow

/// `--redis-scale redis://HOST:PORT`: fetch-and-lock latency on the Redis store as the queue grows to 1k, 100k
/// and 1M waiting tasks (one-task instances, loaded through the engine), and this process's memory at each size:
/// the state lives in Redis, so the engine's memory should not grow with the queue. Run it against a throwaway
/// server (bench/run.sh starts one): the keys are left behind.
///
/// This host's speed drifts by up to 2x within minutes, and loading 1M instances takes minutes: a 1k figure taken
/// before the load and a 1M figure taken after compare two different machines. So beside the growing queue, a
/// second namespace on the same server holds a queue kept at the smallest size (each task a probe takes is put
/// back), and the probes alternate between the two: `ratio` compares the growing queue with the small one at the
/// same moment. `ratio-first` compares it with the small queue's p50 at the first size, as a single run would.
/// The probes fetch through engines made anew at each size, so neither side answers from the memo of decoded
/// records that the loading engine keeps (at 1k it holds every task it wrote; at 100k not the oldest ones, which
/// a fetch takes first).
func benchRedisScale(_ options: Options) async throws {
    let client = RedisClient(try RedisEndpoint(url: options.redisScale), threads: 16)
    let run = IDGenerator.next()
    let growing = try await ScaleQueue(client, keys: RedisKeys(namespace: "wf-bench-\(run):"))
    let small = try await ScaleQueue(client, keys: RedisKeys(namespace: "wf-bench-\(run)-small:"))
    try await small.load(options.scaleSizes[0])
    var first: Double?
    for target in options.scaleSizes {
        let began = ContinuousClock.now
        let added = target - growing.loaded
        try await growing.load(target)
        let loadSeconds = (ContinuousClock.now - began).seconds
        let probes = (growing.probe(), small.probe())
        var latencies: (growing: [Double], small: [Double]) = ([], [])
        // Fetches lock what they take: half of the smallest queue at most, so every level keeps most of its tasks.
        for _ in 0..<min(2000, options.scaleSizes[0] / 2) {
            latencies.growing.append(try await growing.fetch(with: probes.0))
            latencies.small.append(try await small.fetch(with: probes.1))
            try await small.refill()
        }
        let (p50, p99) = percentiles(latencies.growing), baseline = percentiles(latencies.small).p50
        if first == nil { first = baseline }
        print("redis scale: queued=\(target) load=\(fmt(Double(added) / loadSeconds, 0)) instances/s "
            + "fetch p50=\(fmt(p50, 3))ms p99=\(fmt(p99, 3))ms ratio=\(fmt(p50 / baseline, 2)) "
            + "rss=\(fmt(residentMegabytes(), 1))MB (queued=\(options.scaleSizes[0]) at the same moment: "
            + "p50=\(fmt(baseline, 3))ms; ratio-first=\(fmt(p50 / first!, 2)))")
    }
}

/// One namespace's queue of one-task instances, and fresh engines that fetch from it.
private final class ScaleQueue: @unchecked Sendable {
    let client: RedisClient
    let keys: RedisKeys
    let engine: Engine
    let process: DeployedProcess
    var loaded = 0
    let request = FetchRequest(workerID: "probe", maxTasks: 1, usePriority: false,
                               topics: [.init(topicName: "bench", lockDuration: 600_000)])

    init(_ client: RedisClient, keys: RedisKeys) async throws {
        self.client = client
        self.keys = keys
        engine = Engine(store: RedisWorkflowStore(client, keys: keys))
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("one-task.bpmn")
        _ = try await engine.deploy(name: "bench", resources: [.init(name: "one-task.bpmn", bytes: Array(try Data(contentsOf: path)))])
        process = try engine.latestProcess(key: "one_task")
    }

    /// Starts instances (16 drivers) until `target` have been started in all.
    func load(_ target: Int) async throws {
        let (engine, process, perDriver) = (engine, process, (target - loaded + 15) / 16)
        let remaining = target - loaded
        try await withThrowingTaskGroup(of: Void.self) { group in
            for driver in 0..<16 {
                let count = min(perDriver, max(0, remaining - driver * perDriver))
                group.addTask {
                    for _ in 0..<count { _ = try await engine.startProcessInstance(process, businessKey: nil, variables: ["n": .integer(1)]) }
                }
            }
            try await group.waitForAll()
        }
        loaded = target
    }

    /// Puts back the task a probe took.
    func refill() async throws {
        _ = try await engine.startProcessInstance(process, businessKey: nil, variables: ["n": .integer(1)])
    }

    /// An engine that shares no memo with the loading one.
    func probe() -> Engine { Engine(store: RedisWorkflowStore(client, keys: keys)) }

    /// One fetch-and-lock of one task through `probe`, in milliseconds.
    func fetch(with probe: Engine) async throws -> Double {
        let start = ContinuousClock.now
        guard try await probe.fetchAndLock(request).count == 1 else { fatalError("no task fetched") }
        return (ContinuousClock.now - start).seconds * 1000
    }
}

/// p50 and p99 of latencies in milliseconds.
private func percentiles(_ values: [Double]) -> (p50: Double, p99: Double) {
    let sorted = values.sorted()
    return (sorted[sorted.count / 2], sorted[sorted.count * 99 / 100])
}

/// This process's resident memory (VmRSS), in MB.
func residentMegabytes() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
    else { return -1 }
    return (Double(line.split(separator: " ").dropFirst().first ?? "") ?? -1) / 1024
}
