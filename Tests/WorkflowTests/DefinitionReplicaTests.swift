// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Testing

@testable import Workflow

/// Each core class steps its instances on its own replica of a definition: equal to the deployed one, sharing
/// no object with it or with another class's replica, made once per class.
struct DefinitionReplicaTests {
    static let model = bpmn("""
        <bpmn:startEvent id="start"/>\(task("work", "replica-topic"))<bpmn:endEvent id="end"/>
        \(chain("start", "work", "end"))
        """, id: "replicated")

    /// An engine id in the given partition.
    static func instanceID(partition: Int) -> String { IDGenerator.format(UInt64(partition), partition: partition, tag: 0) }

    @Test func aReplicaPerCoreClassEqualToTheDeployedDefinition() async throws {
        let engine = Engine(store: MemoryWorkflowStore())
        _ = try await engine.deploy(name: "r", resources: [.init(name: "r.bpmn", bytes: Array(Self.model.utf8))])
        let deployed = try engine.latestProcess(key: "replicated")
        let classes = CoreAffinity.classes
        var perClass: [DeployedProcess] = []
        for coreClass in 0..<classes {
            let first = try await engine.resolveProcess(id: deployed.id, for: Self.instanceID(partition: coreClass))
            // Another partition of the same class gets the same replica.
            let second = try await engine.resolveProcess(id: deployed.id, for: Self.instanceID(partition: coreClass + classes))
            #expect(first === second)
            #expect(first == deployed && first.id == deployed.id && first.version == deployed.version)
            #expect(first.definition == deployed.definition)
            perClass.append(first)
        }
        if classes > 1 {
            for (index, replica) in perClass.enumerated() {
                #expect(replica !== deployed && replica.definition !== deployed.definition, "class \(index) has its own")
                for other in perClass[(index + 1)...] { #expect(replica.definition !== other.definition) }
            }
        }
        // An instance started and completed through the replicas runs as on the definition itself.
        let instance = try await engine.startProcessInstance(deployed, businessKey: nil, variables: [:])
        let request = FetchRequest(workerID: "w", maxTasks: 1, usePriority: false,
                                   topics: [.init(topicName: "replica-topic", lockDuration: 10_000)])
        let locked = try await engine.fetchAndLock(request)
        #expect(locked.count == 1 && locked.first?.task.processInstanceID == instance.id)
        #expect(locked.first?.task.processDefinitionID == deployed.id)
        try await engine.complete(locked[0].task.id, workerID: "w")
        #expect(try await engine.store.instance(instance.id) == nil)
    }

    @Test func noReplicaFromBytesThatLackTheProcess() throws {
        let other = try BPMNParser.parse(Array(bpmn("<bpmn:startEvent id=\"s\"/>", id: "other").utf8), resourceName: "o.bpmn")
        let process = DeployedProcess(id: "other:1:x", key: "other", version: 1, deploymentID: "d", resourceName: "o.bpmn",
                                      definition: other.processes[0], tenantID: nil)
        #expect(process.replica(parsing: Array(Self.model.utf8)) == nil)
        #expect(process.replica(parsing: Array("not xml".utf8)) == nil)
        let copy = try #require(process.replica(parsing: Array(bpmn("<bpmn:startEvent id=\"s\"/>", id: "other").utf8)))
        #expect(copy == process && copy.definition !== process.definition)
    }
}
