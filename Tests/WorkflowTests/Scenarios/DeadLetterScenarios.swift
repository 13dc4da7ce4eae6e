// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Testing
import Workflow

/// Failures on every store: the default exponential back-off, then the dead-letter list and its retry.
struct DeadLetterScenarios {
    @Test(arguments: StoreKind.allCases)
    func failuresBackOffExponentiallyThenDeadLetter(kind: StoreKind) async throws {
        let harness = try await Harness(kind, ExternalTaskScenarios.one)
        let engine = harness.engine
        let instance = try await harness.start("p", ["prio": .integer(1)])
        var task = try #require(try await harness.fetch("work")).task
        // First failure without a retryTimeout: about 1 s (±20%).
        try await engine.handleFailure(task.id, workerID: "worker", errorMessage: "down", errorDetails: nil, retries: 2,
                                       retryTimeout: nil)
        try await harness.advance(seconds: 0.7)
        #expect(try await harness.fetch("work") == nil, "still backing off")
        try await harness.advance(seconds: 0.6)
        task = try #require(try await harness.fetch("work"), "fetchable after the first back-off").task
        // Second failure: about 2 s.
        try await engine.handleFailure(task.id, workerID: "worker", errorMessage: "down", errorDetails: nil, retries: 1,
                                       retryTimeout: nil)
        try await harness.advance(seconds: 1.5)
        #expect(try await harness.fetch("work") == nil, "the back-off doubled")
        try await harness.advance(seconds: 1.0)
        task = try #require(try await harness.fetch("work")).task
        #expect(task.failures == 2)
        #expect(try await engine.deadLetters().isEmpty)

        try await engine.handleFailure(task.id, workerID: "worker", errorMessage: "gone", errorDetails: nil, retries: 0,
                                       retryTimeout: nil)
        let letters = try await engine.deadLetters()
        #expect(letters.map(\.task.id) == [task.id] && letters.first?.incident.processInstanceID == instance)
        #expect(letters.first?.task.errorMessage == "gone")
        #expect(try await harness.fetch("work") == nil, "a dead letter is not fetched")
        try await engine.retryDeadLetter(task.id, retries: 3)
        #expect(try await engine.deadLetters().isEmpty)
        #expect(try await engine.store.incidents().isEmpty, "retrying resolves the incident")
        let again = try #require(try await harness.fetch("work"), "fetchable at once")
        #expect(again.task.retries == 3)
        let notDead = await #expect(throws: WorkflowError.self) { try await engine.retryDeadLetter(task.id) }
        #expect(notDead?.code == .notFound)
    }
}
