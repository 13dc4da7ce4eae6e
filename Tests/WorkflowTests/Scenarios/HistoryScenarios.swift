// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Testing
import Workflow

/// History on every store: variables of executions and scopes that ended stay in the variable history.
struct HistoryScenarios {
    @Test(arguments: StoreKind.allCases)
    func localVariablesOfEndedExecutionsAndSubProcessesAreKept(kind: StoreKind) async throws {
        let model = bpmn("""
            \(start) \(task("work")) <bpmn:subProcess id="sub">
              <bpmn:extensionElements><camunda:inputOutput>
                <camunda:inputParameter name="inner">${'scoped'}</camunda:inputParameter>
              </camunda:inputOutput></bpmn:extensionElements>
              <bpmn:startEvent id="s1"/> \(task("inside")) <bpmn:endEvent id="e1"/> \(chain("s1", "inside", "e1"))
            </bpmn:subProcess> \(end) \(chain("start", "work", "sub", "end"))
            """)
        let harness = try await Harness(kind, model)
        let engine = harness.engine
        let id = try await harness.start()
        let locked = try #require(try await harness.fetch("work"))
        try await engine.complete(locked.task.id, workerID: "worker", variables: ["global": .integer(1)],
                                  localVariables: ["receipt": .string("r-1")])
        #expect(try await harness.variables(id)["receipt"] == nil, "a local variable does not reach the process")
        var retired = try await engine.store.retiredVariables(processInstanceID: id)
        #expect(retired.map(\.name) == ["receipt"] && retired.first?.value == .string("r-1"))
        #expect(retired.first?.executionID == locked.task.executionID)
        #expect(retired.first?.activityInstanceID == locked.task.activityInstanceID)
        try await harness.complete("inside")
        #expect(try await harness.state(id) == .completed)
        retired = try await engine.store.retiredVariables(processInstanceID: id)
        #expect(retired.map(\.name) == ["receipt", "inner"], "the sub-process scope's variable is kept as it ends")
        let all = try await engine.historicVariableInstances().filter { $0.processInstanceID == id }
        #expect(Set(all.map(\.name)) == ["receipt", "inner", "global"])
    }

    /// A sub-process's input mappings live in its scope: tasks inside see them, and completing a task with the
    /// same name updates the sub-process's variable, not a process variable.
    @Test(arguments: StoreKind.allCases)
    func subProcessInputsAreVariablesOfItsScope(kind: StoreKind) async throws {
        let model = bpmn("""
            \(start) <bpmn:subProcess id="sub">
              <bpmn:extensionElements><camunda:inputOutput>
                <camunda:inputParameter name="sv">${'in'}</camunda:inputParameter>
                <camunda:outputParameter name="out">${sv}</camunda:outputParameter>
              </camunda:inputOutput></bpmn:extensionElements>
              <bpmn:startEvent id="s1"/> \(task("inside")) <bpmn:endEvent id="e1"/> \(chain("s1", "inside", "e1"))
            </bpmn:subProcess> \(end) \(chain("start", "sub", "end"))
            """)
        let harness = try await Harness(kind, model)
        let id = try await harness.start()
        let locked = try #require(try await harness.fetch("inside"))
        #expect(locked.variables["sv"] == .string("in"), "the inner task sees the sub-process's input")
        try await harness.engine.complete(locked.task.id, workerID: "worker", variables: ["sv": .string("changed")])
        #expect(try await harness.state(id) == .completed)
        let final = try await harness.engine.store.historicProcessInstance(id)?.finalVariables
        #expect(final == ["out": .string("changed")], "sv was the sub-process's; its output mapping read the new value")
    }
}
