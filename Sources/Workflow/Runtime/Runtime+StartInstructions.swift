// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation

/// Where a new instance begins instead of its none start event (Camunda's `startInstructions`).
public enum StartInstruction: Sendable, Hashable {
    /// A token enters the activity (or event, or gateway).
    case startBeforeActivity(String)
    /// A token leaves the activity by its one outgoing sequence flow.
    case startAfterActivity(String)
    /// A token takes the sequence flow.
    case startTransition(String)
}

extension Runtime {
    /// Starts a new instance with tokens where the instructions say, in order. Only elements of the process
    /// scope itself can be named (not ones inside a sub-process).
    public static func start(
        id: String = IDGenerator.next(), process: DeployedProcess, businessKey: String?,
        variables: [String: VariableValue], instructions: [StartInstruction], now: Date
    ) throws(WorkflowError) -> Runtime {
        let definition = process.definition
        var targets: [(node: String, flow: String?)] = []
        for instruction in instructions {
            switch instruction {
            case .startBeforeActivity(let nodeID):
                targets.append((try rootNode(nodeID, in: definition, process: process).id, nil))
            case .startAfterActivity(let nodeID):
                let node = try rootNode(nodeID, in: definition, process: process)
                let flows = definition.outgoing(node)
                guard flows.count == 1, let flow = flows.first else {
                    throw WorkflowError(.invalidRequest, "Cannot start after activity '\(nodeID)': it has "
                        + "\(flows.count) outgoing sequence flows, not exactly one")
                }
                targets.append((flow.targetID, flow.id))
            case .startTransition(let flowID):
                guard let flow = definition.flows[flowID] else {
                    throw WorkflowError(.invalidRequest, "Cannot start transition '\(flowID)': no such sequence flow "
                        + "in process definition \(process.id)")
                }
                _ = try rootNode(flow.sourceID, in: definition, process: process)
                targets.append((flow.targetID, flow.id))
            }
        }
        var runtime = fresh(id: id, process: process, businessKey: businessKey, variables: variables, parent: nil, now: now)
        for target in targets { runtime.spawn(at: target.node, scope: id, via: target.flow) }
        runtime.run()
        return runtime
    }

    private static func rootNode(_ id: String, in definition: ProcessDefinition, process: DeployedProcess) throws(WorkflowError)
        -> FlowNode
    {
        guard let node = definition.nodes[id] else {
            throw WorkflowError(.invalidRequest, "Cannot start before or after activity '\(id)': no such activity in "
                + "process definition \(process.id)")
        }
        guard node.parentID == nil else {
            throw WorkflowError(.invalidRequest, "Cannot start at '\(id)': it is inside '\(node.parentID!)'; only "
                + "elements of the process scope can be named")
        }
        return node
    }
}
