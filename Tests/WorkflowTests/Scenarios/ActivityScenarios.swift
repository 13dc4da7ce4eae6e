// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Testing
import Workflow

/// Sub-processes, call activities, multi-instance, user tasks and variable mappings, run on every store.
struct ActivityScenarios {
    static let child = bpmn("""
        \(start) \(task("childWork")) <bpmn:exclusiveGateway id="ok" default="fine"/>
        <bpmn:endEvent id="fail"><bpmn:errorEventDefinition errorRef="CE"/></bpmn:endEvent> \(end)
        \(chain("start", "childWork", "ok")) \(flow("ok", "fail", "${broken}"))
        <bpmn:sequenceFlow id="fine" sourceRef="ok" targetRef="end"/>
        """, id: "child", extra: "<bpmn:error id=\"CE\" errorCode=\"CHILD_FAILED\"/>")

    static let parent = bpmn("""
        \(start)
        <bpmn:callActivity id="call" calledElement="child">
          <bpmn:extensionElements>
            <camunda:in source="orderId" target="order"/>
            <camunda:in sourceExpression="${amount * 2}" target="doubled"/>
            <camunda:in businessKey="#{execution.processBusinessKey}"/>
            <camunda:out source="result" target="childResult"/>
          </bpmn:extensionElements>
        </bpmn:callActivity>
        <bpmn:boundaryEvent id="childFailed" attachedToRef="call"><bpmn:errorEventDefinition errorRef="CE"/></bpmn:boundaryEvent>
        \(task("after")) \(task("recover")) \(end) <bpmn:endEvent id="end2"/>
        \(chain("start", "call", "after", "end")) \(chain("childFailed", "recover", "end2"))
        """, id: "parent", extra: "<bpmn:error id=\"CE\" errorCode=\"CHILD_FAILED\"/>")

    @Test(arguments: StoreKind.allCases)
    func callActivityMapsVariablesBothWays(kind: StoreKind) async throws {
        let harness = try await Harness(kind, Self.child, Self.parent)
        let id = try await harness.start("parent", ["orderId": .string("o-7"), "amount": .integer(21),
                                                    "broken": .boolean(false)], businessKey: "bk")
        let locked = try #require(try await harness.fetch("childWork"))
        #expect(locked.task.processDefinitionKey == "child")
        #expect(locked.task.businessKey == "bk")
        #expect(locked.variables["order"] == .string("o-7"))
        #expect(locked.variables["doubled"] == .integer(42))
        #expect(locked.variables["amount"] == nil, "only mapped variables cross into the child")
        try await harness.engine.complete(locked.task.id, workerID: "worker", variables: [
            "result": .string("shipped"), "broken": .boolean(false),
        ])
        #expect(try await harness.openTopics(id) == ["after"])
        #expect(try await harness.variables(id)["childResult"] == .string("shipped"))
        let history = try await harness.engine.store.historicProcessInstances()
        #expect(history.first { $0.processDefinitionKey == "child" }?.superProcessInstanceID == id)
    }

    @Test(arguments: StoreKind.allCases)
    func childErrorReachesTheCallActivityBoundary(kind: StoreKind) async throws {
        let harness = try await Harness(kind, Self.child, Self.parent)
        let id = try await harness.start("parent", ["orderId": .string("o-8"), "amount": .integer(1)])
        try await harness.complete("childWork", ["broken": .boolean(true)])
        #expect(try await harness.openTopics(id) == ["recover"])
        let child = try await harness.engine.store.historicProcessInstances().first { $0.processDefinitionKey == "child" }
        #expect(child?.state == .internallyTerminated)
    }

    @Test(arguments: StoreKind.allCases)
    func parallelMultiInstanceOverACollection(kind: StoreKind) async throws {
        let model = bpmn("""
            \(start)
            \(task("pack", body: """
                <bpmn:multiInstanceLoopCharacteristics camunda:collection="${items}" camunda:elementVariable="item"/>
                """))
            \(task("ship")) \(end) \(chain("start", "pack", "ship", "end"))
            """)
        let harness = try await Harness(kind, model)
        let id = try await harness.start("p", ["items": .json(["a", "b", "c"])])
        var seen: [String] = []
        for _ in 0..<3 {
            let locked = try #require(try await harness.fetch("pack"))
            if case .string(let item) = locked.variables["item"] { seen.append(item) }
            #expect(locked.variables["nrOfInstances"] == .integer(3))
            try await harness.engine.complete(locked.task.id, workerID: "worker")
        }
        #expect(seen.sorted() == ["a", "b", "c"])
        #expect(try await harness.openTopics(id) == ["ship"])
    }

    @Test(arguments: StoreKind.allCases)
    func wideParallelMultiInstanceCompletesOutOfOrder(kind: StoreKind) async throws {
        let model = bpmn("""
            \(start)
            \(task("item", body: "<bpmn:multiInstanceLoopCharacteristics><bpmn:loopCardinality>40</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>"))
            \(task("after")) \(end) \(chain("start", "item", "after", "end"))
            """)
        let harness = try await Harness(kind, model)
        let id = try await harness.start()
        var locked: [Engine.LockedTask] = []
        while let task = try await harness.fetch("item") { locked.append(task) }
        #expect(locked.count == 40)
        for task in locked.reversed() { try await harness.engine.complete(task.task.id, workerID: "worker") }
        #expect(try await harness.openTopics(id) == ["after"])
        #expect(try await harness.engine.store.instance(id)?.tokens.count == 1)
    }

    @Test(arguments: StoreKind.allCases)
    func sequentialMultiInstanceWithCompletionCondition(kind: StoreKind) async throws {
        let model = bpmn("""
            \(start)
            \(task("attempt", body: """
                <bpmn:multiInstanceLoopCharacteristics isSequential="true">
                  <bpmn:loopCardinality>${tries}</bpmn:loopCardinality>
                  <bpmn:completionCondition>${nrOfCompletedInstances >= 2}</bpmn:completionCondition>
                </bpmn:multiInstanceLoopCharacteristics>
                """))
            \(task("after")) \(end) \(chain("start", "attempt", "after", "end"))
            """)
        let harness = try await Harness(kind, model)
        let id = try await harness.start("p", ["tries": .integer(5)])
        #expect(try await harness.openTopics(id) == ["attempt"], "sequential: one at a time")
        let first = try #require(try await harness.fetch("attempt"))
        #expect(first.variables["loopCounter"] == .integer(0))
        try await harness.engine.complete(first.task.id, workerID: "worker")
        let second = try #require(try await harness.fetch("attempt"))
        #expect(second.variables["loopCounter"] == .integer(1))
        try await harness.engine.complete(second.task.id, workerID: "worker")
        #expect(try await harness.openTopics(id) == ["after"], "completion condition ends the loop after two")
    }

    @Test(arguments: StoreKind.allCases)
    func zeebeDialectWithFeelAndOutputCollection(kind: StoreKind) async throws {
        let model = bpmn("""
            \(start)
            <bpmn:serviceTask id="score">
              <bpmn:extensionElements><zeebe:taskDefinition type="scoring" retries="5"/></bpmn:extensionElements>
              <bpmn:multiInstanceLoopCharacteristics>
                <bpmn:extensionElements>
                  <zeebe:loopCharacteristics inputCollection="=applicants" inputElement="applicant"
                    outputCollection="scores" outputElement="=score"/>
                </bpmn:extensionElements>
              </bpmn:multiInstanceLoopCharacteristics>
            </bpmn:serviceTask>
            <bpmn:exclusiveGateway id="enough" default="reject"/>
            \(task("accept")) \(task("rejectTask")) \(end) <bpmn:endEvent id="end2"/>
            \(chain("start", "score", "enough")) \(flow("enough", "accept", "=count(scores) >= 2 and threshold < 10"))
            <bpmn:sequenceFlow id="reject" sourceRef="enough" targetRef="rejectTask"/>
            \(flow("accept", "end")) \(flow("rejectTask", "end2"))
            """)
        let harness = try await Harness(kind, model)
        let id = try await harness.start("p", ["applicants": .json(["ann", "bob"]), "threshold": .integer(5)])
        for _ in 0..<2 {
            let locked = try #require(try await harness.fetch("scoring"))
            #expect(locked.task.retries == 5)
            guard case .string(let name) = locked.variables["applicant"] else {
                Issue.record("no applicant")
                return
            }
            try await harness.engine.complete(locked.task.id, workerID: "worker", localVariables: [
                "score": .integer(name == "ann" ? 7 : 9),
            ])
        }
        #expect(try await harness.openTopics(id) == ["accept"])
        #expect(try await harness.variables(id)["scores"] == .json([7, 9]))
    }

    @Test(arguments: StoreKind.allCases)
    func userTaskAndInputOutputMappings(kind: StoreKind) async throws {
        let model = bpmn("""
            \(start)
            <bpmn:userTask id="approve"/>
            \(task("charge", body: """
                <bpmn:extensionElements><camunda:inputOutput>
                  <camunda:inputParameter name="cents">${amount * 100}</camunda:inputParameter>
                  <camunda:outputParameter name="receipt">${'R-' == 'R-' ? txId : 'none'}</camunda:outputParameter>
                </camunda:inputOutput></bpmn:extensionElements>
                """))
            \(end) \(chain("start", "approve", "charge", "end"))
            """)
        let harness = try await Harness(kind, model)
        let id = try await harness.start("p", ["amount": .integer(12)])
        let userTask = try #require(try await harness.engine.store.userTasks().first)
        #expect(userTask.activityID == "approve")
        try await harness.engine.completeUserTask(userTask.id, variables: ["approved": .boolean(true)])
        let locked = try #require(try await harness.fetch("charge"))
        #expect(locked.variables["cents"] == .integer(1200))
        try await harness.engine.complete(locked.task.id, workerID: "worker", localVariables: ["txId": .string("t-1")])
        let history = try await harness.engine.store.historicProcessInstance(id)
        #expect(history?.state == .completed)
    }
}
