// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Testing
import Workflow

/// Drives one engine on one store with a manual clock: deploy, start, play workers, inspect.
struct Harness {
    let engine: Engine
    let clock: ManualClock

    init(_ kind: StoreKind, _ models: String...) async throws {
        try await self.init(store: kind.make(), models)
    }

    init(store: any WorkflowStore, _ models: [String]) async throws {
        clock = ManualClock()
        engine = Engine(store: store, clock: clock)
        let resources = models.enumerated().map { Engine.Resource(name: "model\($0.offset).bpmn", bytes: Array($0.element.utf8)) }
        _ = try await engine.deploy(name: "test", resources: resources)
    }

    @discardableResult
    func start(_ key: String = "p", _ variables: [String: VariableValue] = [:], businessKey: String? = nil)
        async throws -> String
    {
        try await engine.startProcessInstance(engine.latestProcess(key: key), businessKey: businessKey, variables: variables).id
    }

    /// Fetches and locks the first task of a topic.
    func fetch(_ topic: String, worker: String = "worker", lock: Int64 = 60_000) async throws -> Engine.LockedTask? {
        let request = FetchRequest(workerID: worker, maxTasks: 1, usePriority: true,
                                   topics: [.init(topicName: topic, lockDuration: lock)])
        return try await engine.fetchAndLock(request).first
    }

    /// Fetches a task of the topic and completes it; fails the test if there is none.
    func complete(_ topic: String, _ variables: [String: VariableValue] = [:],
                  sourceLocation: SourceLocation = #_sourceLocation) async throws {
        guard let locked = try await fetch(topic) else {
            Issue.record("no task for topic \(topic); open: \(try await openTopics())", sourceLocation: sourceLocation)
            return
        }
        try await engine.complete(locked.task.id, workerID: "worker", variables: variables)
    }

    /// Topics of all open external tasks, sorted.
    func openTopics(_ instanceID: String? = nil) async throws -> [String] {
        try await engine.store.externalTasks().filter { instanceID == nil || $0.processInstanceID == instanceID }
            .map(\.topicName).sorted()
    }

    func isRunning(_ id: String) async throws -> Bool { try await engine.store.instance(id) != nil }

    func state(_ id: String) async throws -> HistoricProcessInstance.State? {
        try await engine.store.historicProcessInstance(id)?.state
    }

    func variables(_ id: String) async throws -> [String: VariableValue] {
        try await engine.store.instance(id)?.variables ?? [:]
    }

    /// Activity ids that ended (not cancelled) in an instance, in order.
    func completedActivities(_ id: String) async throws -> [String] {
        try await engine.store.historicActivityInstances(processInstanceID: id)
            .filter { $0.endTime != nil && !$0.canceled }.map(\.activityID)
    }

    func advance(seconds: TimeInterval) async throws {
        clock.advance(by: seconds)
        try await engine.fireDueTimers()
    }
}

/// Builds a BPMN document around process content (Camunda 7 namespaces declared).
func bpmn(_ content: String, id: String = "p", extra: String = "") -> String {
    """
    <?xml version="1.0" encoding="UTF-8"?>
    <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
      xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
      targetNamespace="http://example.com/test">
      \(extra)
      <bpmn:process id="\(id)" isExecutable="true">
    \(content)
      </bpmn:process>
    </bpmn:definitions>
    """
}

/// An external service task.
func task(_ id: String, _ topic: String? = nil, attributes: String = "", body: String = "") -> String {
    "<bpmn:serviceTask id=\"\(id)\" camunda:type=\"external\" camunda:topic=\"\(topic ?? id)\" \(attributes)>\(body)</bpmn:serviceTask>"
}

/// A sequence flow, optionally with a condition.
func flow(_ source: String, _ target: String, _ condition: String? = nil, id: String? = nil) -> String {
    let flowID = id ?? "f_\(source)_\(target)"
    guard let condition else { return "<bpmn:sequenceFlow id=\"\(flowID)\" sourceRef=\"\(source)\" targetRef=\"\(target)\"/>" }
    return "<bpmn:sequenceFlow id=\"\(flowID)\" sourceRef=\"\(source)\" targetRef=\"\(target)\">"
        + "<bpmn:conditionExpression>\(condition.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;"))</bpmn:conditionExpression></bpmn:sequenceFlow>"
}

/// A chain of sequence flows through the given ids.
func chain(_ ids: String...) -> String {
    zip(ids, ids.dropFirst()).map { flow($0, $1) }.joined(separator: "\n")
}

let start = "<bpmn:startEvent id=\"start\"/>"
let end = "<bpmn:endEvent id=\"end\"/>"
