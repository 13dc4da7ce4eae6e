// SPDX-License-Identifier: Apache-2.0
import Foundation
import Workflow

/// `--longpoll true`: how long a parked fetchAndLock takes to answer once a task becomes available, by cause:
/// a new task (start), an unlock, and the end of a lock (a lock shortened by extendLock while the fetch waits).
func benchLongPoll(_ options: Options) async throws {
    let samples = 200
    for cause in ["new task", "unlock", "lock expiry"] {
        var latencies: [Double] = []
        for _ in 0..<samples { latencies.append(try await wakeLatency(cause)) }
        latencies.sort()
        func ms(_ q: Double) -> String { fmt(latencies[min(latencies.count - 1, Int(Double(latencies.count) * q))] * 1000, 2) }
        print("swift long-poll wake (\(cause)): n=\(samples) p50=\(ms(0.5))ms p99=\(ms(0.99))ms max=\(ms(1.0))ms")
    }
}

/// One parked fetch and one cause; seconds from the moment the task became fetchable to the fetch's answer.
private func wakeLatency(_ cause: String) async throws -> Double {
    let (engine, process) = try await oneTaskEngine()
    let request = FetchRequest(workerID: "parked", maxTasks: 1, usePriority: false,
                               topics: [.init(topicName: "bench", lockDuration: 60_000)])
    var taskID: String?
    if cause != "new task" {
        _ = try await engine.startProcessInstance(process, businessKey: nil, variables: [:])
        let holder = FetchRequest(workerID: "holder", maxTasks: 1, usePriority: false, topics: request.topics)
        taskID = try await engine.fetchAndLock(holder).first?.task.id
    }
    let parked = Task { try await engine.fetchAndLock(request, asyncResponseTimeout: 20_000) }
    try await Task.sleep(for: .milliseconds(20))  // let it park
    var available = ContinuousClock.now
    switch cause {
    case "new task": _ = try await engine.startProcessInstance(process, businessKey: nil, variables: [:])
    case "unlock": try await engine.unlock(taskID!)
    default:
        try await engine.extendLock(taskID!, workerID: "holder", newDuration: 30)
        available = ContinuousClock.now + .milliseconds(30)
    }
    let result = try await parked.value
    guard result.count == 1 else { fatalError("the parked fetch got no task (\(cause))") }
    return max(0, (ContinuousClock.now - available).seconds)
}
