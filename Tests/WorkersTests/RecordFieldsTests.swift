// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Testing
@testable import Workers
@testable import Workflow

/// Tasks read from their members (`ExternalTask(fields:)`, what `RecordDecoder` does for tasks) equal what
/// `JSONDecoder` decodes, and a record they cannot read goes to `Decodable`, with its error.
struct RecordFieldsTests {
    static func task(retries: Int? = nil) -> ExternalTask {
        var task = ExternalTask(
            id: "t1", topicName: "etl.load", processInstanceID: "i1", processDefinitionID: "p:1:x",
            processDefinitionKey: "p", processDefinitionVersionTag: "v2", activityID: "Load",
            activityInstanceID: "Load:a1", executionID: "e1", businessKey: "bk \"quoted\" €", tenantID: "acme",
            createTime: Date(timeIntervalSinceReferenceDate: 817_858_730.4230348), priority: -1200, retries: retries,
            extensionProperties: ["pool": "etl_pool", "empty": ""], workerPool: .ioIntensive, slotPool: "etl_pool",
            slots: 3)
        task.sequence = 1_765_000_000_123_456
        return task
    }

    static func fields(_ task: ExternalTask) throws -> (bytes: [UInt8], read: ExternalTask) {
        let bytes = Array(try JSONEncoder().encode(task))
        return (bytes, try ExternalTask(fields: TapeFields(tape: try JSONTape(bytes))))
    }

    @Test func everyFieldReadsAsJSONDecoderReadsIt() throws {
        var failed = Self.task(retries: 3)
        failed.lock(for: "worker-1", until: Date(timeIntervalSinceReferenceDate: 817_858_790.5))
        failed.errorMessage = "boom"
        failed.errorDetails = "line 1\nline 2"
        failed.failures = 2
        failed.suspended = true
        var unset = Self.task()
        unset.errorDetails = "details only"
        for task in [Self.task(), failed, unset] {
            let (bytes, read) = try Self.fields(task)
            #expect(read == task)
            #expect(read == (try JSONDecoder().decode(ExternalTask.self, from: Data(bytes))))
            #expect(read.lockExpirationTime == task.lockExpirationTime && read.retries == task.retries
                && read.errorMessage == task.errorMessage && read.failures == task.failures)
            #expect(try RecordDecoder.decode(ExternalTask.self, from: bytes) == task)
        }
    }

    /// Written by hand: nulls for absent members, whole doubles for integers, members in any order.
    @Test func nullsWholeDoublesAndAnyOrder() throws {
        let text = #"""
            {"slots": 1.0, "workerPool": "GENERAL_PURPOSE", "priority": 5, "id": "t", "topicName": "a",
             "processInstanceID": "i", "processDefinitionID": "d", "processDefinitionKey": "k", "activityID": "x",
             "activityInstanceID": "x:1", "executionID": "e", "createTime": 1e3, "extensionProperties": {},
             "businessKey": null, "retries": null, "version": 4.0, "slotPool": null}
            """#
        let bytes = Array(text.utf8)
        let read = try ExternalTask(fields: TapeFields(tape: try JSONTape(bytes)))
        #expect(read == (try JSONDecoder().decode(ExternalTask.self, from: Data(bytes))))
        #expect(read.slots == 1 && read.version == 4 && read.businessKey == nil && read.retries == nil)
    }

    /// A member missing, of another type or out of range: not read from the members, and `RecordDecoder` throws
    /// as `JSONDecoder` does.
    @Test(arguments: [
        ("slots", "absent"), ("slots", #""3""#), ("slots", "2.5"), ("workerPool", #""GPU""#), ("priority", "true"),
        ("extensionProperties", #"{"a": 1}"#), ("suspended", "1"), ("createTime", "null"), ("id", "7"),
    ])
    func unreadableRecordsGoToDecodable(_ key: String, _ value: String) throws {
        var object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(Self.task())) as? [String: Any])
        object[key] = value == "absent" ? nil : try JSONSerialization.jsonObject(with: Data(value.utf8), options: .fragmentsAllowed)
        let bytes = Array(try JSONSerialization.data(withJSONObject: object))
        #expect(throws: RecordFieldMismatch.self) { try ExternalTask(fields: TapeFields(tape: try JSONTape(bytes))) }
        #expect(throws: DecodingError.self) { try RecordDecoder.decode(ExternalTask.self, from: bytes) }
        #expect(throws: (any Error).self) { try JSONDecoder().decode(ExternalTask.self, from: Data(bytes)) }
    }
}
