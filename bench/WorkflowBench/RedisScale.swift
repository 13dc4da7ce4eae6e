// SPDX-License-Identifier: Apache-2.0
import Foundation
import Workers
import Workflow

/// `--redis-scale redis://HOST:PORT`: fetch-and-lock latency on the Redis store as the queue grows to 1k, 100k
/// and 1M waiting tasks (one-task instances, loaded through the engine), and this process's memory at each size:
/// the state lives in Redis, so the engine's memory should not grow with the queue. Run it against a throwaway
/// server (bench/run.sh starts one): the keys are left behind.
func benchRedisScale(_ options: Options) async throws {
    let client = RedisClient(try RedisEndpoint(url: options.redisScale), threads: 16)
    let keys = RedisKeys(namespace: "wf-bench-\(IDGenerator.next()):")
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("one-task.bpmn")
    let engine = Engine(store: RedisWorkflowStore(client, keys: keys))
    _ = try await engine.deploy(name: "bench", resources: [.init(name: "one-task.bpmn", bytes: Array(try Data(contentsOf: path)))])
    let process = try engine.latestProcess(key: "one_task")
    let request = FetchRequest(workerID: "probe", maxTasks: 1, usePriority: false,
                               topics: [.init(topicName: "bench", lockDuration: 600_000)])
    var loaded = 0
    var baseline: Double?
    for target in options.scaleSizes {
        let began = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            let perDriver = (target - loaded + 15) / 16
            for driver in 0..<16 {
                let count = min(perDriver, max(0, target - loaded - driver * perDriver))
                group.addTask {
                    for _ in 0..<count { _ = try await engine.startProcessInstance(process, businessKey: nil, variables: ["n": .integer(1)]) }
                }
            }
            try await group.waitForAll()
        }
        let loadSeconds = (ContinuousClock.now - began).seconds
        let added = target - loaded
        loaded = target
        var latencies: [Double] = []
        // Fetches lock what they take: half of the smallest queue at most, so every level keeps most of its tasks.
        for _ in 0..<min(2000, options.scaleSizes[0] / 2) {
            let start = ContinuousClock.now
            guard try await engine.fetchAndLock(request).count == 1 else { fatalError("no task fetched") }
            latencies.append((ContinuousClock.now - start).seconds * 1000)
        }
        latencies.sort()
        let p50 = latencies[latencies.count / 2], p99 = latencies[latencies.count * 99 / 100]
        if baseline == nil { baseline = p50 }
        print("redis scale: queued=\(target) load=\(fmt(Double(added) / loadSeconds, 0)) instances/s "
            + "fetch p50=\(fmt(p50, 3))ms p99=\(fmt(p99, 3))ms ratio=\(fmt(p50 / baseline!, 2)) rss=\(fmt(residentMegabytes(), 1))MB")
    }
}

/// This process's resident memory (VmRSS), in MB.
func residentMegabytes() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
    else { return -1 }
    return (Double(line.split(separator: " ").dropFirst().first ?? "") ?? -1) / 1024
}
