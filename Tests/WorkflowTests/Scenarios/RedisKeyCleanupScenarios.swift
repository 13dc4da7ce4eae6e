// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
@testable import Workers
import Workflow

/// What an instance leaves in Redis once it ended: its history, nothing of its run (records, queues, locks, event
/// indexes). Stale index entries would not change what the engine does (it checks them against the instance), so
/// only the keys can tell that every step cleared what it replaced.
struct RedisKeyCleanupScenarios {
    /// The key kinds (namespace, partition tag and instance id taken off) left in a namespace.
    static func kinds(_ namespace: String) async throws -> Set<String> {
        var kinds: Set<String> = []
        var cursor = "0"
        repeat {
            let reply = try await TestRedis.client!.send("SCAN", cursor, "MATCH", namespace + "*", "COUNT", "1000")
            cursor = reply.array[0].string ?? "0"
            for key in reply.array[1].array.compactMap(\.string) {
                let name = key.dropFirst(namespace.count).replacing(/^\{p\d\d\}:/, with: "")
                kinds.insert(String(name.split(separator: ":").first ?? ""))
            }
        } while cursor != "0"
        return kinds
    }

    @Test(.enabled(if: TestRedis.client != nil, "needs REDIS_URL"))
    func anEndedInstanceLeavesOnlyItsHistory() async throws {
        let namespace = "wf-test-\(IDGenerator.next()):"
        let harness = try await Harness(store: RedisWorkflowStore(TestRedis.client!, keys: RedisKeys(namespace: namespace)),
                                        [EventScenarios.waiting])
        let id = try await harness.start("p", ["delay": .string("PT5M")], businessKey: "bk")
        try await harness.complete("send")
        _ = try await harness.engine.correlateMessage("Reply", businessKey: "bk", processInstanceID: nil,
                                                      correlationKeys: [:], processVariables: [:], all: false)
        try await harness.advance(seconds: 301)
        try await harness.complete("done")
        #expect(try await harness.state(id) == .completed)
        let left = try await Self.kinds(namespace)
        #expect(left == ["deployments", "hist", "hend", "hact"], "\(left.sorted())")
    }
}
