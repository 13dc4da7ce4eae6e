// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import Workers
import Workflow

/// A Redis that forgot its scripts (a restart, a failover to a replica, `SCRIPT FLUSH`): every script call of a
/// fetch and a step loads the script again and goes on; nothing fails and nothing runs twice.
struct ScriptReloadScenarios {
    static let one = bpmn("\(start) \(task("work")) \(end) \(chain("start", "work", "end"))")

    @Test(.enabled(if: TestRedis.client != nil, "needs REDIS_URL"))
    func everyScriptCallSurvivesAFlush() async throws {
        let redis = try #require(TestRedis.client)
        let harness = try await Harness(.redis, Self.one)
        let engine = harness.engine
        for _ in 0..<6 { try await harness.start() }
        let priority = FetchRequest(workerID: "w", maxTasks: 2, usePriority: true,
                                    topics: [.init(topicName: "work", lockDuration: 1_000)])
        let plain = FetchRequest(workerID: "w", maxTasks: 2, usePriority: false,
                                 topics: [.init(topicName: "work", lockDuration: 60_000)])
        try await redis.send("SCRIPT", "FLUSH")
        let first = try await engine.fetchAndLock(priority)  // positions, then the lock script
        #expect(first.count == 2)
        try await redis.send("SCRIPT", "FLUSH")
        #expect(try await engine.fetchAndLock(plain).count == 2)  // the per-partition fetch script
        try await harness.advance(seconds: 2)  // the first two locks ran out: due for the promote script
        try await redis.send("SCRIPT", "FLUSH")
        let again = try await engine.fetchAndLock(priority)
        #expect(Set(again.map(\.task.id)) == Set(first.map(\.task.id)), "the expired tasks are back, same ids")
        try await redis.send("SCRIPT", "FLUSH")
        for locked in again { try await engine.complete(locked.task.id, workerID: "w") }  // read and apply scripts
        #expect(try await engine.store.externalTasks().count == 4)
        #expect(try await engine.store.historicProcessInstances().filter { $0.state == .completed }.count == 2)
    }
}
