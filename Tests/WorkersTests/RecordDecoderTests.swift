// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Testing
@testable import Workers
@testable import Workflow

/// The store's record decoder gives what `JSONDecoder` gives, for the records the engine writes, and fails where
/// it fails.
struct RecordDecoderTests {
    static let model = """
        <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="t">
          <process id="p" isExecutable="true">
            <startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="t1"/>
            <serviceTask id="t1" camunda:type="external" camunda:topic="work" camunda:taskPriority="3"/>
            <sequenceFlow id="f2" sourceRef="t1" targetRef="e"/><endEvent id="e"/>
          </process>
        </definitions>
        """

    /// Every kind of variable the engine keeps, whole and fractional numbers, nested JSON.
    static let variables: [String: VariableValue] = [
        "s": .string("text \"quoted\"\n€"), "i": .integer(-7), "sh": .short(12), "l": .long(Int64.max),
        "d": .double(2.5), "whole": .double(3), "tiny": .double(1e-300), "b": .boolean(true),
        "date": .date(Date(timeIntervalSinceReferenceDate: 817_858_730.4230348)), "x": .xml("<a/>"), "n": .null,
        "tn": .typedNull("String"), "bytes": .bytes([0, 1, 254, 255]),
        "json": .json(["a": [1, 2.5, "x", .null, true], "b": ["c": 1e20]]),
        "o": .object(serialized: "{\"k\":1}", objectTypeName: "java.util.HashMap", serializationDataFormat: "application/json"),
        "f": .file(FileValue(bytes: Array("hello".utf8), filename: "h.txt", mimeType: "text/plain", encoding: nil)),
    ]

    static func same<Value: Codable & Equatable>(_ value: Value) throws {
        let bytes = Array(try JSONEncoder().encode(value))
        let ours = try RecordDecoder.decode(Value.self, from: bytes)
        let foundation = try JSONDecoder().decode(Value.self, from: Data(bytes))
        #expect(ours == foundation, "\(Value.self): \(String(decoding: bytes, as: UTF8.self))")
    }

    @Test func tasksAndInstancesDecodeAsJSONDecoderDecodesThem() async throws {
        let engine = Engine(store: MemoryWorkflowStore())
        _ = try await engine.deploy(name: "d", resources: [.init(name: "p.bpmn", bytes: Array(Self.model.utf8))])
        let started = try await engine.startProcessInstance(try engine.latestProcess(key: "p"), businessKey: "bk",
                                                            variables: Self.variables)
        let request = FetchRequest(workerID: "w", maxTasks: 1, usePriority: true, topics: [.init(topicName: "work", lockDuration: 60_000)])
        let locked = try #require(try await engine.fetchAndLock(request).first)
        try Self.same(locked.task)
        try Self.same(try #require(try await engine.store.instance(started.id)))
        try await engine.handleFailure(locked.task.id, workerID: "w", errorMessage: "boom", errorDetails: "trace", retries: 2,
                                       retryTimeout: 0)
        try Self.same(try #require(try await engine.store.externalTask(locked.task.id)))
        for value in Self.variables.values { try Self.same(value) }
        try Self.same(Self.variables)
    }

    @Test func numbersAndJSONAsJSONDecoderReadsThem() throws {
        for text in ["[2.0, 1e2, 2.5, -0.0, 1e20, 12, -3]", #"{"a": {"b": [1.0, {"c": 4e0}]}}"#, "0.1", "null"] {
            let bytes = Array(text.utf8)
            #expect(try RecordDecoder.decode(ExpressionValue.self, from: bytes)
                == JSONDecoder().decode(ExpressionValue.self, from: Data(bytes)), "\(text)")
        }
        #expect(try RecordDecoder.decode([Int].self, from: Array("[2.0, 1e2]".utf8)) == [2, 100])
        #expect(try RecordDecoder.decode(Double.self, from: Array("7".utf8)) == 7)
        #expect(try RecordDecoder.decode(Int?.self, from: Array("null".utf8)) == nil)
    }

    @Test(arguments: [
        ("[2.5]", "a fraction as an integer"), ("[40000]", "out of Int16"), (#"["1"]"#, "a string as an integer"),
        (#"{"id": 1}"#, "an object for an array"), ("[1,", "malformed JSON"), ("", "nothing"), ("[true]", "a bool as an integer"),
    ])
    func mismatchesThrowDecodingErrors(_ text: String, _ why: String) {
        #expect(throws: DecodingError.self, "\(why)") { try RecordDecoder.decode([Int16].self, from: Array(text.utf8)) }
        #expect(throws: (any Error).self, "\(why): JSONDecoder fails too") {
            try JSONDecoder().decode([Int16].self, from: Data(text.utf8))
        }
    }

    @Test func aRecordWithoutARequiredFieldThrows() throws {
        #expect(throws: DecodingError.self) { try RecordDecoder.decode(ExternalTask.self, from: Array(#"{"id":"t"}"#.utf8)) }
        #expect(throws: DecodingError.self) { try RecordDecoder.decode(ProcessInstance.self, from: Array("[]".utf8)) }
    }
}
