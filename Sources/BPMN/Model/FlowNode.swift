// SPDX-License-Identifier: Apache-2.0

/// One flow node of a process: what it is (`kind`) and how it is wired.
///
/// An immutable class rather than a struct: the engine looks nodes up on every token move, and a reference costs
/// one retain where a copy of this many fields costs a dozen.
public final class FlowNode: Sendable, Hashable {
    public let id: String
    public let name: String?
    public let kind: FlowNodeKind
    /// The embedded sub-process that contains this node, or nil at process level.
    public let parentID: String?
    /// Incoming sequence flow ids.
    public let incoming: [String]
    /// Outgoing sequence flow ids, in document order.
    public let outgoing: [String]
    /// The default flow of an exclusive or inclusive gateway or of an activity.
    public let defaultFlow: String?
    /// Multi-instance loop characteristics, if any.
    public let multiInstance: MultiInstance?
    /// Boundary events attached to this activity.
    public let boundaryEventIDs: [String]
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
    public let isActivity: Bool

    init(
        id: String, name: String?, kind: FlowNodeKind, parentID: String?, incoming: [String] = [],
        outgoing: [String] = [], defaultFlow: String?, multiInstance: MultiInstance?, boundaryEventIDs: [String] = [],
        inputs: [VariableMapping], outputs: [VariableMapping], isAsync: Bool, line: Int, elementType: String
    ) {
        self.id = id
        self.name = name
        self.kind = kind
        self.parentID = parentID
        self.incoming = incoming
        self.outgoing = outgoing
        self.defaultFlow = defaultFlow
        self.multiInstance = multiInstance
        self.boundaryEventIDs = boundaryEventIDs
        self.inputs = inputs
        self.outputs = outputs
        self.isAsync = isAsync
        self.line = line
        self.elementType = elementType
        switch kind {
        case .serviceTask, .userTask, .receiveTask, .task, .subProcess, .callActivity: isActivity = true
        default: isActivity = false
        }
    }

    /// The same node with its flows and boundary events wired.
    func wired(incoming: [String], outgoing: [String], boundaryEventIDs: [String]) -> FlowNode {
        FlowNode(
            id: id, name: name, kind: kind, parentID: parentID, incoming: incoming, outgoing: outgoing,
            defaultFlow: defaultFlow, multiInstance: multiInstance, boundaryEventIDs: boundaryEventIDs, inputs: inputs,
            outputs: outputs, isAsync: isAsync, line: line, elementType: elementType)
    }

    public static func == (left: FlowNode, right: FlowNode) -> Bool {
        left === right || (left.id == right.id && left.kind == right.kind && left.parentID == right.parentID
            && left.incoming == right.incoming && left.outgoing == right.outgoing && left.defaultFlow == right.defaultFlow
            && left.multiInstance == right.multiInstance && left.boundaryEventIDs == right.boundaryEventIDs
            && left.inputs == right.inputs && left.outputs == right.outputs && left.name == right.name)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(parentID)
    }
}

/// A `camunda:inputParameter` / `outputParameter` or `zeebe:input` / `zeebe:output`: target := expression.
public struct VariableMapping: Sendable, Hashable {
    public let target: String
    public let source: Expression
}
