// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Testing
import Workflow

/// Gateway semantics, run on every store.
struct GatewayScenarios {
    static let exclusive = bpmn("""
        \(start)
        <bpmn:exclusiveGateway id="xor" default="toSmall"/>
        \(task("big")) \(task("medium")) \(task("small")) \(end)
        \(flow("start", "xor"))
        <bpmn:sequenceFlow id="toSmall" sourceRef="xor" targetRef="small"/>
        \(flow("xor", "big", "${amount > 1000}"))
        \(flow("xor", "medium", "${amount > 100}"))
        \(chain("big", "end")) \(flow("medium", "end")) \(flow("small", "end"))
        """)

    /// Transient variables (Camunda's `valueInfo.transient`) steer the step they come with and are never stored.
    @Test(arguments: StoreKind.allCases)
    func transientVariablesDecideButAreNotKept(kind: StoreKind) async throws {
        let harness = try await Harness(kind, Self.exclusive)
        let engine = harness.engine
        let id = try await engine.startProcessInstance(
            engine.latestProcess(key: "p"), businessKey: nil, variables: ["amount": .integer(5000), "kept": .boolean(true)],
            transient: ["amount"]).id
        #expect(try await harness.openTopics(id) == ["big"], "the condition saw the transient value")
        #expect(try await harness.variables(id) == ["kept": .boolean(true)], "and it was not stored")
        let task = try #require(try await harness.fetch("big")).task
        try await engine.complete(task.id, workerID: "worker", variables: ["secret": .string("s"), "result": .integer(1)],
                                  transient: ["secret"])
        #expect(try await harness.state(id) == .completed)
        #expect(try await engine.store.historicProcessInstance(id)?.finalVariables == ["kept": .boolean(true), "result": .integer(1)])
    }

    /// Every activity a step starts and ends is in the instance's history, in order: a step starts and ends several
    /// at once (start event, gateway and task; task and end event), which a store may write in one call each.
    @Test(arguments: StoreKind.allCases)
    func activityHistoryHoldsEveryActivityOfEachStep(kind: StoreKind) async throws {
        let harness = try await Harness(kind, Self.exclusive)
        let id = try await harness.start("p", ["amount": .integer(5000)])
        let started = try await harness.engine.store.historicActivityInstances(processInstanceID: id)
        #expect(started.map(\.activityID) == ["start", "xor", "big"])
        #expect(started.map { $0.endTime != nil } == [true, true, false])
        let task = try #require(try await harness.fetch("big")).task
        try await harness.engine.complete(task.id, workerID: "worker")
        let ended = try await harness.engine.store.historicActivityInstances(processInstanceID: id)
        #expect(ended.map(\.activityID) == ["start", "xor", "big", "end"])
        #expect(ended.allSatisfy { $0.endTime != nil && !$0.canceled })
        #expect(try await harness.completedActivities(id) == ["start", "xor", "big", "end"])
    }

    @Test(arguments: StoreKind.allCases)
    func exclusiveTakesFirstMatchElseDefault(kind: StoreKind) async throws {
        let harness = try await Harness(kind, Self.exclusive)
        let big = try await harness.start("p", ["amount": .integer(5000)])
        let medium = try await harness.start("p", ["amount": .integer(500)])
        let small = try await harness.start("p", ["amount": .integer(5)])
        #expect(try await harness.openTopics(big) == ["big"])
        #expect(try await harness.openTopics(medium) == ["medium"])
        #expect(try await harness.openTopics(small) == ["small"])
    }

    @Test(arguments: StoreKind.allCases)
    func exclusiveWithoutMatchOrDefaultRaisesIncident(kind: StoreKind) async throws {
        let model = bpmn("""
            \(start) <bpmn:exclusiveGateway id="xor"/> \(task("a")) \(end)
            \(flow("start", "xor")) \(flow("xor", "a", "${ok}")) \(flow("a", "end"))
            """)
        let harness = try await Harness(kind, model)
        let id = try await harness.start("p", ["ok": .boolean(false)])
        #expect(try await harness.isRunning(id))
        let incidents = try await harness.engine.store.incidents()
        #expect(incidents.count == 1)
        #expect(incidents.first?.activityID == "xor")
        #expect(incidents.first?.type == Incident.failedExpression)
        #expect(incidents.first?.message?.contains("No outgoing sequence flow") == true)
        // An unknown variable in a condition is an incident too, never a crash.
        let unknown = try await harness.start("p")
        let messages = try await harness.engine.store.incidents().filter { $0.processInstanceID == unknown }
        #expect(messages.first?.message?.contains("Cannot resolve identifier 'ok'") == true)
    }

    @Test(arguments: StoreKind.allCases)
    func parallelJoinWaitsForEveryBranch(kind: StoreKind) async throws {
        let model = bpmn("""
            \(start) <bpmn:parallelGateway id="fork"/> <bpmn:parallelGateway id="join"/>
            \(task("a")) \(task("b")) \(task("c")) \(task("after")) \(end)
            \(flow("start", "fork")) \(flow("fork", "a")) \(flow("fork", "b")) \(flow("fork", "c"))
            \(flow("a", "join")) \(flow("b", "join")) \(flow("c", "join")) \(chain("join", "after", "end"))
            """)
        let harness = try await Harness(kind, model)
        let id = try await harness.start()
        #expect(try await harness.openTopics(id) == ["a", "b", "c"])
        try await harness.complete("b")
        try await harness.complete("a")
        #expect(try await harness.openTopics(id) == ["c"])
        try await harness.complete("c")
        #expect(try await harness.openTopics(id) == ["after"])
        try await harness.complete("after")
        #expect(try await harness.isRunning(id) == false)
        #expect(try await harness.state(id) == .completed)
        #expect(try await harness.completedActivities(id).filter { $0 == "join" }.count == 1)
    }

    static let inclusive = bpmn("""
        \(start) <bpmn:inclusiveGateway id="split" default="toC"/> <bpmn:inclusiveGateway id="merge"/>
        \(task("a")) \(task("b")) \(task("c")) \(task("after")) \(end)
        \(flow("start", "split"))
        \(flow("split", "a", "${wantA}")) \(flow("split", "b", "${wantB}"))
        <bpmn:sequenceFlow id="toC" sourceRef="split" targetRef="c"/>
        \(flow("a", "merge")) \(flow("b", "merge")) \(flow("c", "merge")) \(chain("merge", "after", "end"))
        """)

    @Test(arguments: StoreKind.allCases)
    func inclusiveJoinWaitsOnlyForTokensThatCanArrive(kind: StoreKind) async throws {
        let harness = try await Harness(kind, Self.inclusive)
        let both = try await harness.start("p", ["wantA": .boolean(true), "wantB": .boolean(true)])
        #expect(try await harness.openTopics(both) == ["a", "b"])
        try await harness.complete("a")
        #expect(try await harness.openTopics(both) == ["b"])
        try await harness.complete("b")
        #expect(try await harness.openTopics(both) == ["after"])

        let onlyB = try await harness.start("p", ["wantA": .boolean(false), "wantB": .boolean(true)])
        try await harness.complete("b")
        #expect(try await harness.openTopics(onlyB) == ["after"])

        let neither = try await harness.start("p", ["wantA": .boolean(false), "wantB": .boolean(false)])
        #expect(try await harness.openTopics(neither) == ["c"])
    }

    static let eventGateway = bpmn("""
        \(start) <bpmn:eventBasedGateway id="gw"/>
        <bpmn:intermediateCatchEvent id="paid"><bpmn:messageEventDefinition messageRef="m"/></bpmn:intermediateCatchEvent>
        <bpmn:intermediateCatchEvent id="late"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
        \(task("archive")) \(task("remind")) \(end) <bpmn:endEvent id="end2"/>
        \(flow("start", "gw")) \(flow("gw", "paid")) \(flow("gw", "late"))
        \(chain("paid", "archive", "end")) \(chain("late", "remind", "end2"))
        """, extra: "<bpmn:message id=\"m\" name=\"Paid\"/>")

    @Test(arguments: StoreKind.allCases)
    func eventGatewayFirstEventWins(kind: StoreKind) async throws {
        let harness = try await Harness(kind, Self.eventGateway)
        let byMessage = try await harness.start("p", businessKey: "order-1")
        let byTimer = try await harness.start("p", businessKey: "order-2")
        _ = try await harness.engine.correlateMessage(
            "Paid", businessKey: "order-1", processInstanceID: nil, correlationKeys: [:], processVariables: [:], all: false)
        #expect(try await harness.openTopics(byMessage) == ["archive"])
        #expect(try await harness.openTopics(byTimer) == [])
        try await harness.advance(seconds: 3601)
        #expect(try await harness.openTopics(byTimer) == ["remind"])
        // The message instance's timer was cancelled when the message won.
        #expect(try await harness.openTopics(byMessage) == ["archive"])
        #expect(try await harness.engine.store.messageSubscriptions(named: "Paid").isEmpty)
    }
}
