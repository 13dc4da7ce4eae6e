// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Testing
import Workflow

/// Deployments on every store: a cascading delete takes running instances and the history of ended ones.
struct DeploymentScenarios {
    @Test(arguments: StoreKind.allCases)
    func cascadingDeleteRemovesInstancesAndTheirHistory(kind: StoreKind) async throws {
        let harness = try await Harness(kind, ExternalTaskScenarios.one)
        let engine = harness.engine
        let other = try await engine.deploy(
            name: "other", resources: [.init(name: "q.bpmn", bytes: Array(bpmn("\(start) \(task("keep")) \(end) \(chain("start", "keep", "end"))", id: "q").utf8))])
        let kept = try await harness.start("q")
        let ended = try await harness.start("p", ["prio": .integer(1)])
        let locked = try #require(try await harness.fetch("work"))
        // A closed incident in the ended instance's history: out of retries, then retries set again.
        try await engine.handleFailure(locked.task.id, workerID: "worker", errorMessage: "down", errorDetails: nil,
                                       retries: 0, retryTimeout: 0)
        try await engine.setRetries(locked.task.id, retries: 1)
        try await harness.complete("work")
        let running = try await harness.start("p", ["prio": .integer(1)])
        #expect(try await harness.state(ended) == .completed)
        #expect(try await engine.store.historicIncidents().count == 1)

        let deployment = try #require(engine.deployments().first { $0.name == "test" })
        try await engine.deleteDeployment(deployment.id, cascade: true)
        #expect(try await harness.isRunning(running) == false)
        #expect(try await engine.store.historicProcessInstance(ended) == nil)
        #expect(try await engine.store.historicProcessInstance(running) == nil)
        #expect(try await engine.store.historicActivityInstances(processInstanceID: ended).isEmpty)
        #expect(try await engine.store.historicIncidents().isEmpty)
        #expect(try await engine.store.historicProcessInstances().map(\.id) == [kept], "other deployments keep theirs")
        #expect(try await harness.isRunning(kept))
        #expect(other.isNew)
    }
}
