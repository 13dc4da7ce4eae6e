// SPDX-License-Identifier: Apache-2.0

/// One flow node of a process: what it is (`kind`) and how it is wired.
public struct FlowNode: Sendable, Hashable {
    public let id: String
    public let name: String?
    public let kind: FlowNodeKind
    /// The embedded sub-process that contains this node, or nil at process level.
    public let parentID: String?
    /// Incoming sequence flow ids.
    public internal(set) var incoming: [String]
    /// Outgoing sequence flow ids, in document order.
    public internal(set) var outgoing: [String]
    /// The default flow of an exclusive or inclusive gateway or of an activity.
    public let defaultFlow: String?
    /// Multi-instance loop characteristics, if any.
    public let multiInstance: MultiInstance?
    /// Boundary events attached to this activity.
    public internal(set) var boundaryEventIDs: [String]
    /// Input mappings evaluated when the activity starts; they create local variables.
    public let inputs: [VariableMapping]
    /// Output mappings evaluated when the activity ends; they set variables in the parent scope.
    public let outputs: [VariableMapping]
    /// `camunda:asyncBefore` / `camunda:asyncAfter` (accepted; execution here is already asynchronous at wait states).
    public let isAsync: Bool
    /// 1-based line of the element in its file.
    public let line: Int

    /// The Camunda activity type name (`serviceTask`, `exclusiveGateway`, ...), used in REST and history.
    public let elementType: String

    /// True for tasks, sub-processes and call activities (things boundary events attach to).
    public var isActivity: Bool {
        switch kind {
        case .serviceTask, .userTask, .receiveTask, .task, .subProcess, .callActivity: true
        default: false
        }
    }
}

/// A `camunda:inputParameter` / `outputParameter` or `zeebe:input` / `zeebe:output`: target := expression.
public struct VariableMapping: Sendable, Hashable {
    public let target: String
    public let source: Expression
}
