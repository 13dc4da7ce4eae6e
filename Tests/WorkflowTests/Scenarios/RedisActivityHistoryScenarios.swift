// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
@testable import Workers
@testable import Workflow

/// The Redis store's activity history: each instance's records and, after them in the same list, their ends (one
/// call per step); ends that an earlier version kept in the `hactend:` hash are still read.
struct RedisActivityHistoryScenarios {
    let start = Date(timeIntervalSince1970: 1_000_000)

    func activity(_ id: String, node: String, of instanceID: String, at offset: Double) -> HistoricActivityInstance {
        HistoricActivityInstance(
            id: id, activityID: node, activityName: node, activityType: "serviceTask", processInstanceID: instanceID,
            processDefinitionID: "p:1:x", processDefinitionKey: "p", executionID: "e-\(instanceID)",
            parentActivityInstanceID: instanceID, startTime: start.addingTimeInterval(offset), sequence: Int64(offset))
    }

    func instance(_ id: String, version: Int) -> ProcessInstance {
        var instance = ProcessInstance(id: id, definitionID: "p:1:x", definitionKey: "p", businessKey: nil,
                                       startTime: start, superInstance: nil, scopes: [:])
        instance.version = version
        return instance
    }

    @Test(.enabled(if: TestRedis.client != nil, "needs REDIS_URL"))
    func endsFollowTheirRecordsAndOldEndsAreStillRead() async throws {
        let keys = RedisKeys(namespace: "wf-test-\(IDGenerator.next()):")
        let store = RedisWorkflowStore(TestRedis.client!, keys: keys)
        let id = IDGenerator.next()
        var first = InstanceCommit(instance: instance(id, version: 0), time: start)
        var started = activity("Start:1", node: "Start", of: id, at: 1)
        started.endTime = start.addingTimeInterval(1)
        first.effects = [.activityStarted(started), .activityStarted(activity("A:2", node: "A", of: id, at: 2)),
                         .activityStarted(activity("B:3", node: "B", of: id, at: 3)),
                         .activityStarted(activity("C:4", node: "C", of: id, at: 4))]
        try await store.commit(first)
        // One step ends A and starts D; the next cancels D, which started and ends in the same list.
        var second = InstanceCommit(instance: instance(id, version: 1), time: start)
        second.effects = [.activityEnded(id: "A:2", at: start.addingTimeInterval(5), canceled: false),
                          .activityStarted(activity("D:6", node: "D", of: id, at: 6))]
        try await store.commit(second)
        var third = InstanceCommit(instance: instance(id, version: 2), time: start)
        third.effects = [.activityEnded(id: "D:6", at: start.addingTimeInterval(7), canceled: true)]
        try await store.commit(third)
        // B ended before this version: its end sits in the hash. C's end there is overridden by the list's.
        let prefix = keys.prefix(RedisKeys.partition(of: id))
        _ = try await TestRedis.client!.send("HSET", prefix + "hactend:" + id, "B:3", "1000008.5\u{1F}1", "C:4", "1000009\u{1F}0")
        var fourth = InstanceCommit(instance: instance(id, version: 3), time: start)
        fourth.effects = [.activityEnded(id: "C:4", at: start.addingTimeInterval(10), canceled: false)]
        try await store.commit(fourth)

        let activities = try await store.historicActivityInstances(processInstanceID: id)
        #expect(activities.map(\.id) == ["Start:1", "A:2", "B:3", "C:4", "D:6"], "records in start order, ends not listed")
        #expect(activities.map(\.endTime) == [1, 5, 8.5, 10, 7].map { start.addingTimeInterval($0) })
        #expect(activities.map(\.canceled) == [false, false, true, false, true])
    }
}
