// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Testing
@testable import Workers
@testable import Workflow

/// The store's record encoder writes JSON that reads back (by `JSONDecoder` and by `RecordDecoder`) as
/// `JSONEncoder`'s output does, and refuses what `JSONEncoder` refuses.
struct RecordEncoderTests {
    static func readsBackAsJSONEncoderOutput<Value: Codable & Equatable>(_ value: Value) throws {
        let ours = try RecordEncoder.encode(value)
        let reference = try JSONEncoder().encode(value)
        let expected = try JSONDecoder().decode(Value.self, from: reference)
        #expect(try JSONDecoder().decode(Value.self, from: Data(ours)) == expected, "\(String(decoding: ours, as: UTF8.self))")
        #expect(try RecordDecoder.decode(Value.self, from: ours) == expected)
    }

    @Test func tasksInstancesAndVariablesReadBack() async throws {
        let engine = Engine(store: MemoryWorkflowStore())
        _ = try await engine.deploy(name: "d", resources: [.init(name: "p.bpmn", bytes: Array(RecordDecoderTests.model.utf8))])
        let started = try await engine.startProcessInstance(try engine.latestProcess(key: "p"), businessKey: nil,
                                                            variables: RecordDecoderTests.variables)
        let request = FetchRequest(workerID: "w", maxTasks: 1, usePriority: true, topics: [.init(topicName: "work", lockDuration: 60_000)])
        let locked = try #require(try await engine.fetchAndLock(request).first)
        try Self.readsBackAsJSONEncoderOutput(locked.task)
        try Self.readsBackAsJSONEncoderOutput(try #require(try await engine.store.instance(started.id)))
        try await engine.handleFailure(locked.task.id, workerID: "w", errorMessage: "boom", errorDetails: nil, retries: 0,
                                       retryTimeout: 0)
        try Self.readsBackAsJSONEncoderOutput(try #require(try await engine.store.externalTask(locked.task.id)))
        for incident in try await engine.store.incidents() { try Self.readsBackAsJSONEncoderOutput(incident) }
        for value in RecordDecoderTests.variables.values { try Self.readsBackAsJSONEncoderOutput(value) }
        try Self.readsBackAsJSONEncoderOutput(RecordDecoderTests.variables)
    }

    struct Plain: Codable, Equatable {
        var data = Data([0, 1, 2, 250])
        var url = URL(string: "https://example.com/a?b=c")!
        var optional: String? = nil
        var nested: [String: [Int]] = ["a": [1, 2], "": []]
        var date = Date(timeIntervalSinceReferenceDate: 12.5)
    }

    struct Empty: Codable, Equatable {}

    @Test func foundationTypesAndShapesAsJSONEncoderWritesThem() throws {
        try Self.readsBackAsJSONEncoderOutput(Plain())
        #expect(try RecordEncoder.encode(Empty()) == Array("{}".utf8))
        #expect(String(decoding: try RecordEncoder.encode(Plain(optional: nil)), as: UTF8.self).contains("optional") == false,
                "an absent optional is left out, as JSONEncoder leaves it out")
        #expect(try RecordEncoder.encode([1, 2]) == Array("[1,2]".utf8))
    }

    @Test func nonFiniteNumbersAreRefused() {
        #expect(throws: EncodingError.self) { try RecordEncoder.encode([Double.nan]) }
        #expect(throws: EncodingError.self) { try RecordEncoder.encode(ExpressionValue.array([.double(.infinity)])) }
        #expect(throws: (any Error).self) { try JSONEncoder().encode([Double.nan]) }
    }
}
