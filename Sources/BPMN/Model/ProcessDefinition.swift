// SPDX-License-Identifier: Apache-2.0

/// One executable `<bpmn:process>`: an immutable graph of flow nodes and sequence flows.
///
/// Nodes of embedded sub-processes live in the same tables; `FlowNode.parentID` names their sub-process.
public struct ProcessDefinition: Sendable, Hashable {
    /// The process id, which Camunda calls the process definition key.
    public let id: String
    public let name: String?
    public let versionTag: String?
    public let historyTimeToLive: Int?
    /// Default priority of the process's external tasks (`camunda:taskPriority` on the process).
    public let taskPriority: Int?
    public let isStartableInTasklist: Bool
    /// All flow nodes, including those nested in sub-processes, by id.
    public let nodes: [String: FlowNode]
    /// All sequence flows by id.
    public let flows: [String: SequenceFlow]
    /// Node ids in document order (for deterministic iteration).
    public let nodeOrder: [String]

    /// The nodes directly inside a scope: `nil` for the process itself, else a sub-process id.
    public func children(of scope: String?) -> [FlowNode] {
        nodeOrder.compactMap { nodes[$0] }.filter { $0.parentID == scope }
    }

    /// The none start event of a scope (the process or an embedded sub-process).
    public func noneStartEvent(in scope: String?) -> FlowNode? {
        children(of: scope).first {
            if case .startEvent(.none) = $0.kind { return true }
            return false
        }
    }

    /// Message start events of the process, by message name.
    public var messageStartEvents: [String: FlowNode] {
        var result: [String: FlowNode] = [:]
        for node in children(of: nil) {
            if case .startEvent(.message(let name)) = node.kind { result[name] = node }
        }
        return result
    }

    /// Timer start events of the process.
    public var timerStartEvents: [FlowNode] {
        children(of: nil).filter {
            if case .startEvent(.timer) = $0.kind { return true }
            return false
        }
    }

    /// Boundary events attached to an activity.
    public func boundaryEvents(of activityID: String) -> [FlowNode] {
        (nodes[activityID]?.boundaryEventIDs ?? []).compactMap { nodes[$0] }
    }

    /// Outgoing sequence flows of a node, in document order.
    public func outgoing(_ node: FlowNode) -> [SequenceFlow] { node.outgoing.compactMap { flows[$0] } }
}
