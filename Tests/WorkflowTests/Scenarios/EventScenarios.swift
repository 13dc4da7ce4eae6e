// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Testing
import Workflow

/// End, boundary, catch and start events, run on every store.
struct EventScenarios {
    @Test(arguments: StoreKind.allCases)
    func terminateEndsTheWholeInstance(kind: StoreKind) async throws {
        let model = bpmn("""
            \(start) <bpmn:parallelGateway id="fork"/> \(task("slow")) \(task("fast"))
            <bpmn:endEvent id="kill"><bpmn:terminateEventDefinition/></bpmn:endEvent> \(end)
            \(flow("start", "fork")) \(flow("fork", "slow")) \(flow("fork", "fast"))
            \(flow("slow", "end")) \(flow("fast", "kill"))
            """)
        let harness = try await Harness(kind, model)
        let id = try await harness.start()
        try await harness.complete("fast")
        #expect(try await harness.isRunning(id) == false)
        #expect(try await harness.state(id) == .completed)
        #expect(try await harness.openTopics() == [], "the other branch's task is cancelled")
    }

    static let payment = bpmn("""
        \(start) \(task("pay")) \(task("ship")) \(task("notify")) \(end) <bpmn:endEvent id="declinedEnd"/>
        <bpmn:boundaryEvent id="declined" attachedToRef="pay">
          <bpmn:errorEventDefinition errorRef="E1" camunda:errorCodeVariable="code" camunda:errorMessageVariable="why"/>
        </bpmn:boundaryEvent>
        \(chain("start", "pay", "ship", "end")) \(chain("declined", "notify", "declinedEnd"))
        """, extra: "<bpmn:error id=\"E1\" errorCode=\"DECLINED\"/>")

    @Test(arguments: StoreKind.allCases)
    func errorBoundaryCatchesBpmnErrorByCode(kind: StoreKind) async throws {
        let harness = try await Harness(kind, Self.payment)
        let id = try await harness.start()
        let locked = try #require(try await harness.fetch("pay"))
        try await harness.engine.handleBpmnError(
            locked.task.id, workerID: "worker", errorCode: "DECLINED", errorMessage: "card expired",
            variables: ["attempt": .integer(1)])
        #expect(try await harness.openTopics(id) == ["notify"])
        let variables = try await harness.variables(id)
        #expect(variables["code"] == .string("DECLINED"))
        #expect(variables["why"] == .string("card expired"))
        #expect(variables["attempt"] == .integer(1))
        try await harness.complete("notify")
        #expect(try await harness.state(id) == .completed)
    }

    @Test(arguments: StoreKind.allCases)
    func uncaughtBpmnErrorEndsThePath(kind: StoreKind) async throws {
        let harness = try await Harness(kind, Self.payment)
        let id = try await harness.start()
        let locked = try #require(try await harness.fetch("pay"))
        try await harness.engine.handleBpmnError(locked.task.id, workerID: "worker", errorCode: "OTHER", errorMessage: nil)
        #expect(try await harness.isRunning(id) == false)
        #expect(try await harness.openTopics() == [])
    }

    @Test(arguments: StoreKind.allCases)
    func errorEndEventInSubProcessIsCaughtOnTheSubProcess(kind: StoreKind) async throws {
        let model = bpmn("""
            \(start)
            <bpmn:subProcess id="sub">
              <bpmn:startEvent id="subStart"/> \(task("check"))
              <bpmn:exclusiveGateway id="ok" default="fine"/>
              <bpmn:endEvent id="boom"><bpmn:errorEventDefinition errorRef="E2"/></bpmn:endEvent>
              <bpmn:endEvent id="subEnd"/>
              \(chain("subStart", "check", "ok")) \(flow("ok", "boom", "${bad}"))
              <bpmn:sequenceFlow id="fine" sourceRef="ok" targetRef="subEnd"/>
            </bpmn:subProcess>
            <bpmn:boundaryEvent id="caught" attachedToRef="sub"><bpmn:errorEventDefinition/></bpmn:boundaryEvent>
            \(task("after")) \(task("repair")) \(end) <bpmn:endEvent id="end2"/>
            \(chain("start", "sub", "after", "end")) \(chain("caught", "repair", "end2"))
            """, extra: "<bpmn:error id=\"E2\" errorCode=\"BAD\"/>")
        let harness = try await Harness(kind, model)
        let good = try await harness.start("p", ["bad": .boolean(false)])
        try await harness.complete("check")
        #expect(try await harness.openTopics(good) == ["after"])
        let bad = try await harness.start("p", ["bad": .boolean(true)])
        try await harness.complete("check")
        #expect(try await harness.openTopics(bad) == ["repair"])
    }

    static let timeout = bpmn("""
        \(start) \(task("work")) \(task("escalate")) \(task("ping")) \(end) <bpmn:endEvent id="end2"/> <bpmn:endEvent id="end3"/>
        <bpmn:boundaryEvent id="tooLate" attachedToRef="work">
          <bpmn:timerEventDefinition><bpmn:timeDuration>PT10M</bpmn:timeDuration></bpmn:timerEventDefinition>
        </bpmn:boundaryEvent>
        <bpmn:boundaryEvent id="reminder" attachedToRef="work" cancelActivity="false">
          <bpmn:timerEventDefinition><bpmn:timeCycle>R2/PT3M</bpmn:timeCycle></bpmn:timerEventDefinition>
        </bpmn:boundaryEvent>
        \(chain("start", "work", "end")) \(chain("tooLate", "escalate", "end2")) \(chain("reminder", "ping", "end3"))
        """)

    @Test(arguments: StoreKind.allCases)
    func timerBoundaryEvents(kind: StoreKind) async throws {
        let harness = try await Harness(kind, Self.timeout)
        let id = try await harness.start()
        try await harness.advance(seconds: 181)
        #expect(try await harness.openTopics(id) == ["ping", "work"], "non-interrupting: work goes on")
        try await harness.advance(seconds: 180)
        #expect(try await harness.openTopics(id) == ["ping", "ping", "work"])
        try await harness.advance(seconds: 180)
        #expect(try await harness.openTopics(id) == ["ping", "ping", "work"], "R2: only two reminders")
        try await harness.advance(seconds: 60)
        #expect(try await harness.openTopics(id) == ["escalate", "ping", "ping"], "interrupting: work cancelled")
    }

    static let waiting = bpmn("""
        \(start) \(task("send"))
        <bpmn:intermediateCatchEvent id="wait"><bpmn:messageEventDefinition messageRef="m"/></bpmn:intermediateCatchEvent>
        <bpmn:intermediateCatchEvent id="pause"><bpmn:timerEventDefinition><bpmn:timeDuration>${delay}</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
        \(task("done")) \(end)
        \(chain("start", "send", "wait", "pause", "done", "end"))
        """, extra: "<bpmn:message id=\"m\" name=\"Reply\"/>")

    @Test(arguments: StoreKind.allCases)
    func messageAndTimerCatchEvents(kind: StoreKind) async throws {
        let harness = try await Harness(kind, Self.waiting)
        let a = try await harness.start("p", ["delay": .string("PT5M"), "orderId": .string("A")], businessKey: "bk-a")
        let b = try await harness.start("p", ["delay": .string("PT5M"), "orderId": .string("B")], businessKey: "bk-b")
        let c = try await harness.start("p", ["delay": .string("PT5M"), "orderId": .string("C")], businessKey: "bk-c")
        try await harness.complete("send")
        try await harness.complete("send")
        try await harness.complete("send")
        let engine = harness.engine
        await #expect(throws: WorkflowError.self) {
            try await engine.correlateMessage("Reply", businessKey: nil, processInstanceID: nil, correlationKeys: [:],
                                              processVariables: [:], all: false)
        }
        _ = try await engine.correlateMessage("Reply", businessKey: "bk-a", processInstanceID: nil, correlationKeys: [:],
                                              processVariables: ["answer": .string("yes")], all: false)
        // The step that consumed the message cleared its subscription (a store's event index included).
        await #expect(throws: WorkflowError.self, "a consumed subscription is gone") {
            try await engine.correlateMessage("Reply", businessKey: "bk-a", processInstanceID: nil, correlationKeys: [:],
                                              processVariables: [:], all: false)
        }
        _ = try await engine.correlateMessage("Reply", businessKey: nil, processInstanceID: b, correlationKeys: [:],
                                              processVariables: [:], all: false)
        _ = try await engine.correlateMessage("Reply", businessKey: nil, processInstanceID: nil,
                                              correlationKeys: ["orderId": .string("C")], processVariables: [:], all: false)
        #expect(try await harness.variables(a)["answer"] == .string("yes"))
        #expect(try await harness.openTopics() == [])
        try await harness.advance(seconds: 299)
        #expect(try await harness.openTopics() == [])
        try await harness.advance(seconds: 2)
        #expect(try await harness.openTopics() == ["done", "done", "done"])
        _ = c
    }

    @Test(arguments: StoreKind.allCases)
    func messageAndTimerStartEvents(kind: StoreKind) async throws {
        let model = bpmn("""
            <bpmn:startEvent id="byMessage"><bpmn:messageEventDefinition messageRef="m"/></bpmn:startEvent>
            <bpmn:startEvent id="byTimer"><bpmn:timerEventDefinition><bpmn:timeCycle>R2/PT1H</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>
            \(task("fromMessage")) \(task("fromTimer")) \(end) <bpmn:endEvent id="end2"/>
            \(chain("byMessage", "fromMessage", "end")) \(chain("byTimer", "fromTimer", "end2"))
            """, extra: "<bpmn:message id=\"m\" name=\"Order\"/>")
        let harness = try await Harness(kind, model)
        let results = try await harness.engine.correlateMessage(
            "Order", businessKey: "o-1", processInstanceID: nil, correlationKeys: [:],
            processVariables: ["qty": .integer(3)], all: false)
        guard case .processDefinition(let instance) = results.first else {
            Issue.record("no instance started")
            return
        }
        #expect(instance.businessKey == "o-1")
        #expect(try await harness.variables(instance.id)["qty"] == .integer(3))
        #expect(try await harness.openTopics() == ["fromMessage"])
        for _ in 0..<3 { try await harness.advance(seconds: 3600) }
        #expect(try await harness.openTopics() == ["fromMessage", "fromTimer", "fromTimer"], "R2 fires twice")
    }
}
