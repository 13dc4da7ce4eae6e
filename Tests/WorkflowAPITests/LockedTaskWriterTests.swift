// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Testing
@testable import Workflow
@testable import WorkflowAPI

/// The fetch answer written straight to bytes is byte for byte the JSON of the DTO dictionary, for tasks with and
/// without every optional field, variables of every kind, extension properties asked for or not.
struct LockedTaskWriterTests {
    /// The answer's object as the other DTOs build theirs: the task's DTO and the three fields of a locked task.
    static func reference(_ locked: Engine.LockedTask, extensionProperties: Bool, deserialize: Bool) -> ExpressionValue {
        var fields = DTO.externalTask(locked.task)
        fields["errorDetails"] = DTO.string(locked.task.errorDetails)
        fields["variables"] = VariableCodec.encode(locked.variables, deserialize: deserialize)
        fields["extensionProperties"] = extensionProperties
            ? .object(locked.task.extensionProperties.mapValues { .string($0) }) : .object([:])
        return .object(fields)
    }

    @Test func writesWhatTheDTOWrites() async throws {
        let harness = try await APIHarness()
        let engine = harness.engine
        let process = try engine.latestProcess(key: "two_steps")
        let variables: [String: VariableValue] = [
            "text": .string("a \"quoted\"\nline €"), "n": .integer(-3), "d": .double(2.5), "b": .boolean(false),
            "nothing": .null, "json": .json(["k": [1, "x"]]), "when": .date(Date(timeIntervalSinceReferenceDate: 1e8)),
        ]
        _ = try await engine.startProcessInstance(process, businessKey: "order-7", variables: variables)
        _ = try await engine.startProcessInstance(process, businessKey: nil, variables: [:])
        let request = FetchRequest(workerID: "w \"1\"", maxTasks: 5, usePriority: true,
                                   topics: [.init(topicName: "topic.a", lockDuration: 60_000)])
        var locked = try await engine.fetchAndLock(request)
        #expect(locked.count == 2)
        // A task that failed once: error message, details and retries set.
        try await engine.handleFailure(locked[0].task.id, workerID: "w \"1\"", errorMessage: "boom", errorDetails: "trace\n",
                                       retries: 2, retryTimeout: 0)
        var failed = locked[0].task
        failed.errorMessage = "boom"
        failed.errorDetails = "trace\n"
        failed.retries = 2
        failed.lockExpirationTime = nil
        locked.append(Engine.LockedTask(task: failed, variables: [:]))
        for extensions in [Set<String>(), ["topic.a"]] {
            for deserialize in [Set<String>(), ["topic.a"]] {
                let expected = ExpressionValue.array(locked.map {
                    Self.reference($0, extensionProperties: extensions.contains($0.task.topicName),
                                   deserialize: deserialize.contains($0.task.topicName))
                }).jsonBytes
                let written = LockedTaskWriter.write(locked, extensionTopics: extensions, deserializeTopics: deserialize)
                #expect(String(decoding: written, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
            }
        }
        #expect(LockedTaskWriter.write([], extensionTopics: [], deserializeTopics: []) == Array("[]".utf8))
    }
}
