// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Workflow

/// `--phases`: the cost of each engine verb on its own, with `n` instances in the store (start all, fetch all,
/// complete all), so a regression shows which verb it is in.
func benchPhases(_ options: Options) async throws {
    let (engine, process) = try await oneTaskEngine()
    let n = options.instances
    var began = ContinuousClock.now
    for _ in 0..<n { _ = try await engine.startProcessInstance(process, businessKey: nil, variables: ["n": .integer(1)]) }
    let start = (ContinuousClock.now - began) / n
    let request = FetchRequest(workerID: "w", maxTasks: 1, usePriority: false,
                               topics: [.init(topicName: "bench", lockDuration: 600_000)])
    var locked: [Engine.LockedTask] = []
    locked.reserveCapacity(n)
    began = ContinuousClock.now
    for _ in 0..<n { locked += try await engine.fetchAndLock(request) }
    let fetch = (ContinuousClock.now - began) / n
    began = ContinuousClock.now
    for task in locked { try await engine.complete(task.task.id, workerID: "w", variables: ["result": .string("ok")]) }
    let complete = (ContinuousClock.now - began) / n
    func micros(_ duration: Duration) -> String { fmt(duration.seconds * 1e6, 1) }
    print("swift phases (µs per instance, \(n) in the store): start=\(micros(start)) fetchAndLock=\(micros(fetch)) "
        + "complete=\(micros(complete))")
}
