// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Testing
@testable import Workflow

/// The memory store's append-only history: records found by id across chunks, activities in start order with their
/// ids rebuilt exactly, ends stamped on the right record, and deletes compacting the logs without losing the rest.
struct HistoryLogTests {
    let start = Date(timeIntervalSince1970: 1_000_000)

    func instance(_ id: String) -> ProcessInstance {
        ProcessInstance(id: id, definitionID: "p:1:x", definitionKey: "p", businessKey: nil, startTime: start,
                        superInstance: nil, scopes: [:])
    }

    func activity(_ id: String, node: String, of instanceID: String, parent: String? = nil, at offset: Double)
        -> HistoricActivityInstance
    {
        HistoricActivityInstance(
            id: id, activityID: node, activityName: "name of \(node)", activityType: "serviceTask",
            processInstanceID: instanceID, processDefinitionID: "p:1:x", processDefinitionKey: "p",
            executionID: "e-\(instanceID)", parentActivityInstanceID: parent ?? instanceID,
            startTime: start.addingTimeInterval(offset), sequence: Int64(offset))
    }

    /// Starts an instance with two activities (the second still running), the way the engine's first step does.
    func begin(_ log: inout HistoryLog, _ id: String) {
        var commit = InstanceCommit(instance: instance(id), time: start)
        commit.historicInstance = HistoricProcessInstance(
            id: id, businessKey: nil, processDefinitionID: "p:1:x", processDefinitionKey: "p",
            processDefinitionName: nil, processDefinitionVersion: 1, startTime: start, endTime: nil,
            startActivityID: "Start", deleteReason: nil, superProcessInstanceID: nil, rootProcessInstanceID: id,
            state: .active)
        var started = activity("Start:\(id)-1", node: "Start", of: id, at: 1)
        started.endTime = start.addingTimeInterval(1)
        commit.effects = [.activityStarted(started), .activityStarted(activity("Task_1:\(id)-2", node: "Task_1", of: id, at: 2))]
        log.record(commit, finalVariables: nil)
    }

    /// Ends the task activity and the instance.
    func finish(_ log: inout HistoryLog, _ id: String) {
        var ended = instance(id)
        ended.isEnded = true
        var commit = InstanceCommit(instance: ended, time: start)
        commit.effects = [.activityEnded(id: "Task_1:\(id)-2", at: start.addingTimeInterval(3), canceled: false)]
        commit.historicEnd = (.completed, start.addingTimeInterval(3))
        log.record(commit, finalVariables: ["result": .string(id)])
    }

    @Test func recordsAreFoundAcrossChunksWithTheirActivitiesInOrder() {
        var log = HistoryLog()
        let count = ChunkedLog<HistoryLog.Entry>.chunkSize + 500
        for index in 0..<count { begin(&log, "i\(index)") }
        for index in stride(from: 0, to: count, by: 2) { finish(&log, "i\(index)") }

        for id in ["i0", "i1", "i4095", "i4096", "i\(count - 1)"] {
            let record = log.instance(id)
            let ended = Int(id.dropFirst())! % 2 == 0
            #expect(record?.id == id)
            #expect(record?.state == (ended ? .completed : .active), "\(id)")
            #expect(record?.finalVariables == (ended ? ["result": .string(id)] : [:]))
            let activities = log.activities(of: id)
            #expect(activities.map(\.id) == ["Start:\(id)-1", "Task_1:\(id)-2"])
            #expect(activities.map(\.activityName) == ["name of Start", "name of Task_1"])
            #expect(activities.allSatisfy { $0.parentActivityInstanceID == id && $0.processInstanceID == id })
            #expect(activities[0].endTime == start.addingTimeInterval(1), "ended in its own start record")
            #expect(activities[1].endTime == (ended ? start.addingTimeInterval(3) : nil), "\(id)")
        }
        #expect(log.instance("unknown") == nil)
        #expect(log.instances.count == count)
        #expect(log.activities(of: nil).count == 2 * count)
    }

    @Test func idsOfAnotherFormAndLinksAreKeptWhole() {
        var log = HistoryLog()
        begin(&log, "a")
        var commit = InstanceCommit(instance: instance("a"), time: start)
        var odd = activity("not-of-node-form", node: "Task_2", of: "a", parent: "Sub:a-9", at: 4)
        odd.calledProcessInstanceID = "child"
        commit.effects = [
            .activityStarted(odd), .activityStarted(activity("Task_22:x", node: "Task_2", of: "a", at: 5)),
            .activityEnded(id: "not-of-node-form", at: start.addingTimeInterval(6), canceled: true),
        ]
        log.record(commit, finalVariables: nil)

        let activities = log.activities(of: "a")
        #expect(activities.map(\.id) == ["Start:a-1", "Task_1:a-2", "not-of-node-form", "Task_22:x"])
        #expect(activities[2].parentActivityInstanceID == "Sub:a-9")
        #expect(activities[2].calledProcessInstanceID == "child")
        #expect(activities[2].canceled && activities[2].endTime == start.addingTimeInterval(6))
        #expect(activities[3].endTime == nil, "a node id that only starts like another's is not matched")
    }

    @Test func deletesCompactTheLogsAndKeepTheRest() {
        var log = HistoryLog()
        for index in 0..<1_000 {
            begin(&log, "d\(index)")
            if index < 900 { finish(&log, "d\(index)") }
        }
        log.delete("d950")  // still running: kept
        for index in 0..<600 { log.delete("d\(index)") }  // past half: the logs are rewritten

        #expect(log.instance("d10") == nil)
        #expect(log.activities(of: "d10").isEmpty)
        #expect(log.instances.count == 400)
        #expect(log.instance("d950")?.state == .active)
        #expect(log.activities(of: nil).count == 800)
        finish(&log, "d950")  // a running instance's record is still found after the rewrite
        #expect(log.instance("d950")?.state == .completed)
        #expect(log.activities(of: "d950").last?.endTime == start.addingTimeInterval(3))
        #expect(log.instance("d899")?.finalVariables == ["result": .string("d899")])
    }
}
