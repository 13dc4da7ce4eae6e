// SPDX-License-Identifier: Apache-2.0
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing
import Workflow

@testable import Workers

/// An engine on the memory store with one model deployed, and a worker runtime over `EngineTransport` (the
/// in-memory twin of the direct-Redis transport) that a test starts, watches and shuts down gracefully.
struct WorkerHarness {
    let engine: Engine
    let process: DeployedProcess

    init(_ model: String) async throws {
        engine = Engine(store: MemoryWorkflowStore(), logger: Logger(label: "test.engine", factory: { _ in SwiftLogNoOpLogHandler() }))
        let deployment = try await engine.deploy(name: "test", resources: [.init(name: "m.bpmn", bytes: Array(model.utf8))])
        process = deployment.deployment.processes[0]
    }

    @discardableResult
    func start(_ count: Int, variables: [String: VariableValue] = [:]) async throws -> [String] {
        var ids: [String] = []
        for _ in 0..<count {
            ids.append(try await engine.startProcessInstance(process, businessKey: nil, variables: variables).id)
        }
        return ids
    }

    var transport: EngineTransport { EngineTransport(engine: engine) }

    /// Starts the runtime in a service group; `stop` triggers its graceful shutdown and waits for it to return.
    func run(_ configuration: WorkerConfiguration, _ subscriptions: [TopicSubscription],
             observer: (any WorkerObserver)? = nil) -> RunningWorker {
        let runtime = WorkerRuntime(transport: transport, configuration: configuration, subscriptions: subscriptions,
                                    logger: Logger(label: "test.worker", factory: { _ in SwiftLogNoOpLogHandler() }),
                                    observer: observer)
        let group = ServiceGroup(services: [runtime], logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        return RunningWorker(group: group, task: Task { try await group.run() })
    }

    func completedInstances() async throws -> Int {
        try await engine.store.historicProcessInstances().filter { $0.state == .completed }.count
    }

    /// Polls `condition` every 10 ms until it holds; fails the test after `timeout`.
    func waitUntil(_ what: String, timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("timed out waiting until \(what)")
        throw CancellationError()
    }
}

struct RunningWorker {
    let group: ServiceGroup
    let task: Task<Void, any Error>

    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }
}

/// A WorkerObserver that keeps every event with its time.
final class RecordingObserver: WorkerObserver {
    let events = Mutex<[(event: WorkerEvent, task: String, at: ContinuousClock.Instant)]>([])

    func record(_ event: WorkerEvent, task: WorkerTask) {
        events.withLock { $0.append((event, task.id, .now)) }
    }

    func times(of event: WorkerEvent) -> [ContinuousClock.Instant] {
        events.withLock { $0.filter { $0.event == event }.map(\.at) }
    }

    func count(_ event: WorkerEvent) -> Int { times(of: event).count }
}

let workerTestID = "test-worker"

/// start -> one external task (`topic`) -> end.
func oneTaskModel(topic: String = "work", properties: String = "") -> String {
    """
    <?xml version="1.0" encoding="UTF-8"?>
    <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
      xmlns:camunda="http://camunda.org/schema/1.0/bpmn" targetNamespace="http://example.com/test">
      <bpmn:error id="Err" errorCode="REJECTED"/>
      <bpmn:process id="p" isExecutable="true">
        <bpmn:startEvent id="start"/>
        <bpmn:serviceTask id="work" camunda:type="external" camunda:topic="\(topic)">\(properties)</bpmn:serviceTask>
        <bpmn:boundaryEvent id="rejected" attachedToRef="work">
          <bpmn:errorEventDefinition errorRef="Err" camunda:errorMessageVariable="why"/>
        </bpmn:boundaryEvent>
        <bpmn:serviceTask id="afterError" camunda:type="external" camunda:topic="\(topic).rejected"/>
        <bpmn:endEvent id="end"/>
        <bpmn:endEvent id="endRejected"/>
        <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
        <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end"/>
        <bpmn:sequenceFlow id="f3" sourceRef="rejected" targetRef="afterError"/>
        <bpmn:sequenceFlow id="f4" sourceRef="afterError" targetRef="endRejected"/>
      </bpmn:process>
    </bpmn:definitions>
    """
}
