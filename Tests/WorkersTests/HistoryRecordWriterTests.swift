// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
@testable import Workers
@testable import Workflow

/// The history records written straight are the bytes `RecordEncoder` writes for them, and read back equal.
struct HistoryRecordWriterTests {
    @Test func activityRecordsAreWhatCodableWrites() throws {
        var full = HistoricActivityInstance(
            id: "Task_1:a\"b", activityID: "Task_1", activityName: "Check \"€\"\n", activityType: "serviceTask",
            processInstanceID: "i1", processDefinitionID: "p:1:d", processDefinitionKey: "p", executionID: "e1",
            parentActivityInstanceID: "i1", startTime: Date(timeIntervalSinceReferenceDate: 817_882_310.9626862),
            sequence: 1_796_189_510_962_686)
        full.endTime = Date(timeIntervalSinceReferenceDate: 1e8)
        full.canceled = true
        full.taskID = "t1"
        full.calledProcessInstanceID = "sub"
        let bare = HistoricActivityInstance(
            id: "End:x", activityID: "End", activityName: nil, activityType: "noneEndEvent", processInstanceID: "i1",
            processDefinitionID: "p:1:d", processDefinitionKey: "p", executionID: "e1", parentActivityInstanceID: nil,
            startTime: Date(timeIntervalSinceReferenceDate: -0.5), sequence: 0)
        for activity in [full, bare] {
            let written = HistoryRecordWriter.json(activity)
            #expect(written == String(decoding: try RecordEncoder.encode(activity), as: UTF8.self))
            #expect(try JSONDecoder().decode(HistoricActivityInstance.self, from: Data(written.utf8)) == activity)
        }
    }

    @Test func endRecordsAreWhatCodableWrites() throws {
        let ends = [
            RedisWorkflowStore.HistoricEnd(state: .completed, endTime: Date(timeIntervalSinceReferenceDate: 817_882_159.1022946),
                                           finalVariables: [:]),
            RedisWorkflowStore.HistoricEnd(state: .externallyTerminated, endTime: nil,
                                           finalVariables: ["a": .integer(1), "s": .string("x\"y")]),
            RedisWorkflowStore.HistoricEnd(state: nil, endTime: nil, finalVariables: nil),
        ]
        for end in ends {
            #expect(HistoryRecordWriter.json(end) == String(decoding: try RecordEncoder.encode(end), as: UTF8.self))
        }
    }
}
