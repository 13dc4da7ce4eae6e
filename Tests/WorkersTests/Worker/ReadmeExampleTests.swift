// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import Workflow

import Workers

/// The README's "Writing a worker in Swift" example, its subscriptions verbatim, run against an engine.
struct ReadmeExampleTests {
    struct Charge: Decodable { let orderId: String; let amount: Double }
    struct Charged: Encodable { let paymentId: String }

    static var subscriptions: [TopicSubscription] {
        [
            .typed(topic: "order.payment", pool: .networkIntensive) { (order: Charge, task: WorkerTask) in
                guard order.amount <= 5_000 else { throw BPMNError(code: "PAYMENT_DECLINED", message: "over the limit") }
                return Charged(paymentId: "pay-\(task.processInstanceID)")
            },
            TopicSubscription(topic: "order.ship", pool: .networkIntensive) { task in
                let orderId = try task.variable("orderId", as: String.self)
                return .complete(["trackingNumber": .string("TRK-\(orderId)")])
            },
        ]
    }

    @Test func theExampleBuildsOverREST() async throws {
        let transport = RESTTransport(baseURL: "http://localhost:8080/engine-rest")
        let runtime = WorkerRuntime(
            transport: transport,
            configuration: WorkerConfiguration(workerID: "payments-1", concurrency: [.networkIntensive: 64]),
            subscriptions: Self.subscriptions)
        #expect(runtime.configuration.concurrency(for: .networkIntensive) == 64)
        #expect(runtime.subscriptions.map(\.topic) == ["order.payment", "order.ship"])
        try await transport.shutdown()
    }

    @Test func theExampleChargesAndShips() async throws {
        let model = """
            <?xml version="1.0" encoding="UTF-8"?>
            <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
              xmlns:camunda="http://camunda.org/schema/1.0/bpmn" targetNamespace="http://example.com/test">
              <bpmn:process id="p" isExecutable="true">
                <bpmn:startEvent id="start"/>
                <bpmn:serviceTask id="pay" camunda:type="external" camunda:topic="order.payment"/>
                <bpmn:serviceTask id="ship" camunda:type="external" camunda:topic="order.ship"/>
                <bpmn:endEvent id="end"/>
                <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="pay"/>
                <bpmn:sequenceFlow id="f2" sourceRef="pay" targetRef="ship"/>
                <bpmn:sequenceFlow id="f3" sourceRef="ship" targetRef="end"/>
              </bpmn:process>
            </bpmn:definitions>
            """
        let harness = try await WorkerHarness(model)
        let id = try await harness.start(1, variables: ["orderId": .string("o-7"), "amount": .double(99)])[0]
        let worker = harness.run(WorkerConfiguration(workerID: "payments-1", concurrency: [.networkIntensive: 64], longPoll: 100),
                                 Self.subscriptions)
        try await harness.waitUntil("the order shipped") { try await harness.completedInstances() == 1 }
        try await worker.stop()
        let variables = try await harness.engine.historicVariableInstances().filter { $0.processInstanceID == id }
        #expect(variables.first { $0.name == "paymentId" }?.value == .string("pay-\(id)"))
        #expect(variables.first { $0.name == "trackingNumber" }?.value == .string("TRK-o-7"))
    }
}
