// SPDX-License-Identifier: Apache-2.0

/// One executable `<bpmn:process>`: an immutable graph of flow nodes and sequence flows.
///
/// Nodes of embedded sub-processes live in the same tables; `FlowNode.parentID` names their sub-process.
/// An immutable class: the engine passes it on every step, and a reference is cheaper to copy than its tables.
public final class ProcessDefinition: Sendable, Hashable {
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
    /// Node ids per scope ("" for the process), in document order.
    private let scopeChildren: [String: [String]]
    /// The none start event per scope ("" for the process).
    private let noneStarts: [String: String]
    /// The process's own none start event, looked up on every start.
    private let processNoneStart: FlowNode?
    /// Each node's outgoing flows in document order, resolved once (the runtime asks on every step).
    private let outgoingFlows: [String: [SequenceFlow]]
    /// Whether any node, sub-processes included, is a user task.
    public let hasUserTasks: Bool

    public init(
        id: String, name: String?, versionTag: String?, historyTimeToLive: Int?, taskPriority: Int?,
        isStartableInTasklist: Bool, nodes: [String: FlowNode], flows: [String: SequenceFlow], nodeOrder: [String]
    ) {
        self.id = id
        self.name = name
        self.versionTag = versionTag
        self.historyTimeToLive = historyTimeToLive
        self.taskPriority = taskPriority
        self.isStartableInTasklist = isStartableInTasklist
        self.nodes = nodes
        self.flows = flows
        self.nodeOrder = nodeOrder
        var children: [String: [String]] = [:]
        var starts: [String: String] = [:]
        for nodeID in nodeOrder {
            guard let node = nodes[nodeID] else { continue }
            children[node.parentID ?? "", default: []].append(nodeID)
            if case .startEvent(.none) = node.kind, starts[node.parentID ?? ""] == nil { starts[node.parentID ?? ""] = nodeID }
        }
        scopeChildren = children
        noneStarts = starts
        processNoneStart = starts[""].flatMap { nodes[$0] }
        outgoingFlows = nodes.mapValues { node in node.outgoing.compactMap { flows[$0] } }
        hasUserTasks = nodes.values.contains { if case .userTask = $0.kind { true } else { false } }
    }

    /// The nodes directly inside a scope: `nil` for the process itself, else a sub-process id.
    public func children(of scope: String?) -> [FlowNode] {
        (scopeChildren[scope ?? ""] ?? []).compactMap { nodes[$0] }
    }

    /// The none start event of a scope (the process or an embedded sub-process).
    public func noneStartEvent(in scope: String?) -> FlowNode? {
        guard let scope else { return processNoneStart }
        return noneStarts[scope].flatMap { nodes[$0] }
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

    public static func == (left: ProcessDefinition, right: ProcessDefinition) -> Bool {
        left === right || (left.id == right.id && left.nodes == right.nodes && left.flows == right.flows
            && left.name == right.name && left.versionTag == right.versionTag && left.taskPriority == right.taskPriority)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(nodeOrder)
    }

    /// Boundary events attached to an activity.
    public func boundaryEvents(of activityID: String) -> [FlowNode] {
        (nodes[activityID]?.boundaryEventIDs ?? []).compactMap { nodes[$0] }
    }

    /// Outgoing sequence flows of a node, in document order.
    public func outgoing(_ node: FlowNode) -> [SequenceFlow] { outgoingFlows[node.id] ?? [] }
}
