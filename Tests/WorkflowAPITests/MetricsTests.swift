// SPDX-License-Identifier: Apache-2.0
import Foundation
import Hummingbird
import HummingbirdTesting
import Metrics
import Prometheus
import Testing
import Workflow

@testable import WorkflowAPI

/// `GET /metrics`: the engine's counters and the store's gauges in Prometheus text, after real traffic.
struct MetricsTests {
    /// swift-metrics can be bootstrapped once per process: every test of this target shares the registry and picks
    /// its own topic, so the counts it reads are its own.
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()

    static func model(topic: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
          xmlns:camunda="http://camunda.org/schema/1.0/bpmn" targetNamespace="http://example.com/test">
          <bpmn:process id="metered" isExecutable="true">
            <bpmn:startEvent id="start"/>
            <bpmn:serviceTask id="work" camunda:type="external" camunda:topic="\(topic)" camunda:taskPriority="${p}">
              <bpmn:extensionElements><camunda:properties>
                <camunda:property name="workerPool" value="IO_INTENSIVE"/><camunda:property name="slotPool" value="etl_pool"/>
              </camunda:properties></bpmn:extensionElements>
            </bpmn:serviceTask>
            <bpmn:endEvent id="end"/>
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
            <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end"/>
          </bpmn:process>
        </bpmn:definitions>
        """
    }

    @Test func countersAndGaugesAfterTraffic() async throws {
        let registry = Self.registry
        let topic = "metered-\(UUID().uuidString.prefix(8))"
        let clock = ManualClock()
        let engine = Engine(store: MemoryWorkflowStore(), clock: clock)
        _ = try await engine.deploy(name: "m", resources: [.init(name: "m.bpmn", bytes: Array(Self.model(topic: topic).utf8))])
        let app = Application(router: buildRouter(engine: engine, metrics: registry))
        try await app.test(.router) { client in
            for priority in [0, 0, 0, 600] {
                _ = try await client.start("metered", #"{"variables":{"p":{"value":\#(priority),"type":"Long"}}}"#)
            }
            // By priority: the CRITICAL task and one NORMAL one.
            let fetched = try await client.call(.post, "/external-task/fetchAndLock", """
                {"workerId":"w1","maxTasks":2,"usePriority":true,"topics":[{"topicName":"\(topic)","lockDuration":10000}]}
                """)
            let tasks = try #require(try fetched.json().arrayValue)
            #expect(tasks.count == 2)
            let first = try #require(tasks[0].objectValue?["id"]?.stringValue)
            let second = try #require(tasks[1].objectValue?["id"]?.stringValue)
            #expect(try await client.call(.post, "/external-task/\(first)/complete", #"{"workerId":"w1"}"#).status == .noContent)
            #expect(try await client.call(.post, "/external-task/\(second)/failure",
                                          #"{"workerId":"w1","errorMessage":"x","retries":0}"#).status == .noContent)
            let scrape = try await client.execute(uri: "/metrics", method: .get)
            #expect(scrape.status == .ok)
            #expect(scrape.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            let text = String(buffer: scrape.body)
            for line in [
                "workflow_tasks_fetched_total{topic=\"\(topic)\"} 2",
                "workflow_tasks_completed_total{topic=\"\(topic)\"} 1",
                "workflow_tasks_failed_total{topic=\"\(topic)\"} 1",
                "workflow_task_duration_seconds_count{topic=\"\(topic)\"} 2",
                "workflow_queue_depth{topic=\"\(topic)\",pool=\"IO_INTENSIVE\",priority=\"NORMAL\"} 2.0",
                "workflow_queue_depth{topic=\"\(topic)\",pool=\"IO_INTENSIVE\",priority=\"CRITICAL\"} 0.0",
                "workflow_pool_queued{pool=\"IO_INTENSIVE\"} 2.0",
                "workflow_slot_pool_capacity{slot_pool=\"etl_pool\"} 24.0",
                "workflow_incidents_open{type=\"failedExternalTask\"} 1.0",
                "workflow_instances_ended_total{process=\"metered\",state=\"COMPLETED\"}",
                "workflow_http_request_duration_seconds_count{method=\"POST\",route=\"/engine-rest/external-task/{id}/complete\",status=\"204\"}",
            ] {
                #expect(text.contains(line), "missing: \(line)")
            }
            // The lock of a fetched task that nobody reports runs out: counted once.
            _ = try await client.fetch(topic, maxTasks: 1, lockDuration: 1_000)
            clock.advance(by: 2)
            #expect(await engine.countExpiredLeases() == 1)
            let again = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(again.contains("workflow_lock_expirations_total{topic=\"\(topic)\"} 1"))
        }
    }
}

/// Lock expirations on several replicas: a task settled or extended through another replica is no expiry.
struct LeaseExpiryTests {
    @Test func onlyLocksThatReallyRanOutAreCounted() async throws {
        _ = MetricsTests.registry
        let clock = ManualClock()
        let store = MemoryWorkflowStore()
        let leasing = Engine(store: store, clock: clock), other = Engine(store: store, clock: clock)
        let topic = "replicas-\(UUID().uuidString.prefix(8))"
        _ = try await leasing.deploy(name: "m", resources: [.init(name: "m.bpmn", bytes: Array(MetricsTests.model(topic: topic).utf8))])
        try await other.loadRepository()
        let process = try leasing.latestProcess(key: "metered")
        for _ in 0..<4 { _ = try await leasing.startProcessInstance(process, businessKey: nil, variables: ["p": .long(0)]) }
        let request = FetchRequest(workerID: "w", maxTasks: 4, usePriority: false, topics: [.init(topicName: topic, lockDuration: 1_000)])
        let tasks = try await leasing.fetchAndLock(request).map(\.task.id)
        #expect(tasks.count == 4)
        try await other.complete(tasks[0], workerID: "w")
        try await other.handleFailure(tasks[1], workerID: "w", errorMessage: "x", errorDetails: nil, retries: 1, retryTimeout: 100)
        try await other.extendLock(tasks[2], workerID: "w", newDuration: 10_000)
        clock.advance(by: 2)
        // Only the fourth ran out; the third's extension through the other replica is watched further.
        #expect(await leasing.countExpiredLeases() == 1)
        clock.advance(by: 10)
        #expect(await leasing.countExpiredLeases() == 1)
        #expect(await leasing.countExpiredLeases() == 0)
    }
}
