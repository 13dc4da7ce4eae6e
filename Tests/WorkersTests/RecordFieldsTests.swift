// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Testing
@testable import Workers
@testable import Workflow

/// Records read from their members (`ExternalTask(fields:)`, `ProcessInstance(fields:)`, what `RecordDecoder` does
/// for the records the store writes) equal what `JSONDecoder` decodes, and a record they cannot read (another member
/// order, a member missing or of another type, a rarer shape) goes to `Decodable`: the same value, or its error.
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
        let bytes = try RecordEncoder.encode(task)
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

    /// Written by hand: nulls for absent members and whole doubles for integers read from the members; the same
    /// record in another member order (as `JSONEncoder` may write it) goes to `Decodable`, with the same result.
    @Test func nullsWholeDoublesAndAnotherOrder() throws {
        let members = [
            #""id": "t""#, #""topicName": "a""#, #""processInstanceID": "i""#, #""processDefinitionID": "d""#,
            #""processDefinitionKey": "k""#, #""activityID": "x""#, #""activityInstanceID": "x:1""#, #""executionID": "e""#,
            #""businessKey": null"#, #""createTime": 1e3"#, #""extensionProperties": {}"#, #""slotPool": null"#,
            #""slots": 1.0"#, #""priority": 5"#, #""retries": null"#, #""workerPool": "GENERAL_PURPOSE""#, #""version": 4.0"#,
        ]
        for (order, text) in [("written", members), ("reversed", members.reversed())].map({ ($0, "{" + $1.joined(separator: ", ") + "}") }) {
            let bytes = Array(text.utf8)
            let foundation = try JSONDecoder().decode(ExternalTask.self, from: Data(bytes))
            #expect(try RecordDecoder.decode(ExternalTask.self, from: bytes) == foundation)
            #expect(foundation.slots == 1 && foundation.version == 4 && foundation.businessKey == nil && foundation.retries == nil)
            if order == "written" {
                #expect(try ExternalTask(fields: TapeFields(tape: try JSONTape(bytes))) == foundation)
            } else {
                #expect(throws: RecordFieldMismatch.self) { try ExternalTask(fields: TapeFields(tape: try JSONTape(bytes))) }
            }
        }
    }

    /// A member missing, of another type, out of range, repeated or unknown: not read from the members, and
    /// `RecordDecoder` gives what `JSONDecoder` gives (an error, or for the last two the same task).
    @Test(arguments: [
        ("slots", "absent"), ("slots", #""3""#), ("slots", "2.5"), ("workerPool", #""GPU""#), ("priority", "true"),
        ("extensionProperties", #"{"a": 1}"#), ("suspended", "1"), ("createTime", "null"), ("id", "7"),
        ("sequence", #"1, "sequence": 2"#), ("sequence", #"1, "other": 2"#),
    ])
    func unreadableRecordsGoToDecodable(_ key: String, _ value: String) throws {
        let written = String(decoding: try RecordEncoder.encode(Self.task()), as: UTF8.self)
        let pattern = try Regex(#""\#(key)":(\{[^}]*\}|[^,}]*)"#)
        let text = value == "absent" ? written.replacing(try Regex(#""\#(key)":[^,}]*,"#), with: "")
                                     : written.replacing(pattern, with: #""\#(key)":\#(value)"#)
        #expect(text != written)
        let bytes = Array(text.utf8)
        #expect(throws: RecordFieldMismatch.self) { try ExternalTask(fields: TapeFields(tape: try JSONTape(bytes))) }
        if let foundation = try? JSONDecoder().decode(ExternalTask.self, from: Data(bytes)) {
            #expect(try RecordDecoder.decode(ExternalTask.self, from: bytes) == foundation, "\(text)")
        } else {
            #expect(throws: DecodingError.self) { try RecordDecoder.decode(ExternalTask.self, from: bytes) }
        }
    }

    static let plainVariables: [String: VariableValue] = [
        "s": .string("text \"quoted\"\n€"), "i": .integer(-7), "sh": .short(12), "l": .long(Int64.max),
        "d": .double(2.5), "whole": .double(3), "b": .boolean(false), "n": .null, "x": .xml("<a/>"),
        "tn": .typedNull("String"), "date": .date(Date(timeIntervalSinceReferenceDate: 817_858_730.4230348)),
        "json": .json(["a": [1, 2.5, "x", .null, true], "b": ["c": 1e20, "whole": 4]]),
    ]

    /// An instance with a token in every state, a sub-process scope and plain variables in both.
    static func instance() -> ProcessInstance {
        var instance = ProcessInstance(
            id: "i1", definitionID: "p:1:x", definitionKey: "p", businessKey: "bk", startTime: Date(timeIntervalSinceReferenceDate: 8e8),
            superInstance: nil, scopes: [
                "i1": Scope(id: "i1", kind: .process, parentID: nil, ownerTokenID: nil, variables: plainVariables),
            ])
        instance.scopes["sub"] = Scope(id: "sub", kind: .subProcess, parentID: "i1", ownerTokenID: "t8", variables: ["k": .long(1)])
        let states: [TokenState] = [.active, .waitingTask("x1"), .waitingUserTask("u1"), .waitingTimer, .waitingMessage,
                                    .waitingEventGateway, .waitingJoin, .waitingScope("sub"), .waitingCall("c1"), .incident("n1")]
        for (n, state) in states.enumerated() {
            instance.tokens["t\(n)"] = Token(id: "t\(n)", nodeID: "node\(n)", scopeID: n == 0 ? "sub" : "i1", state: state,
                                             local: n == 1 ? ["in": .string("v")] : [:], activityInstanceID: "node\(n):a\(n)",
                                             isLoopIteration: n == 2, arrivedVia: n == 3 ? nil : "f\(n)")
        }
        instance.version = 7
        instance.sequence = 42
        return instance
    }

    @Test func instancesOfCommonShapesReadAsJSONDecoderReadsThem() throws {
        let instance = Self.instance()
        let bytes = try RecordEncoder.encode(instance)
        let read = try ProcessInstance(fields: TapeFields(tape: try JSONTape(bytes)))
        #expect(read == instance)
        #expect(read == (try JSONDecoder().decode(ProcessInstance.self, from: Data(bytes))))
        #expect(read.tokens.values.map(\.state) == instance.tokens.values.map(\.state))
        #expect(read.variables == Self.plainVariables && read.scopes["sub"]?.parentID == "i1")
        #expect(try RecordDecoder.decode(ProcessInstance.self, from: bytes) == instance)
    }

    /// Shapes the reader leaves to `Decodable`: what `RecordDecoder` gives for them is still `JSONDecoder`'s.
    @Test(arguments: ["object", "bytes", "timer", "message", "parent", "loop"])
    func rarerInstanceShapesGoToDecodable(_ shape: String) throws {
        var instance = Self.instance()
        switch shape {
        case "object":
            instance.scopes["i1"]?.variables["o"] = .object(serialized: "{}", objectTypeName: "java.util.HashMap", serializationDataFormat: nil)
        case "bytes": instance.scopes["i1"]?.variables["y"] = .bytes([1, 2])
        case "timer":
            instance.timers["tm"] = TimerSubscription(id: "tm", tokenID: "t3", nodeID: "timer", dueDate: Date(timeIntervalSinceReferenceDate: 9e8),
                                                     spec: .date(Date(timeIntervalSinceReferenceDate: 9e8)), firedCount: 0)
        case "message": instance.messages["m"] = MessageSubscription(id: "m", messageName: "go", tokenID: "t4", nodeID: "catch")
        case "parent":
            instance = ProcessInstance(id: "i2", definitionID: "p:1:x", definitionKey: "p", businessKey: nil, startTime: Date(timeIntervalSinceReferenceDate: 8e8),
                                       superInstance: ParentLink(instanceID: "i1", tokenID: "t9"), scopes: ["i2": Scope(id: "i2", kind: .process, parentID: nil, ownerTokenID: nil, variables: [:])])
        default: instance.scopes["sub"]?.loop = LoopState(items: nil, total: 2, started: 1, completed: 0, outputs: [:])
        }
        let bytes = try RecordEncoder.encode(instance)
        #expect(throws: RecordFieldMismatch.self) { try ProcessInstance(fields: TapeFields(tape: try JSONTape(bytes))) }
        #expect(try RecordDecoder.decode(ProcessInstance.self, from: bytes) == (try JSONDecoder().decode(ProcessInstance.self, from: Data(bytes))))
        #expect(try RecordDecoder.decode(ProcessInstance.self, from: bytes) == instance)
    }
}
