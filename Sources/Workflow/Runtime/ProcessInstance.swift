// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation

/// A running process instance as a value: its tokens, variable scopes and event subscriptions.
///
/// It changes only through `Runtime`, which applies one event and returns the effects for the engine to carry out.
public struct ProcessInstance: Sendable, Hashable, Codable {
    public let id: String
    public let definitionID: String
    public let definitionKey: String
    public let businessKey: String?
    public let startTime: Date
    /// The call activity waiting for this instance, when it was started by one.
    public let superInstance: ParentLink?
    /// Variable scopes by id; the root scope's id is the instance id.
    public internal(set) var scopes: IDTable<Scope>
    /// Tokens (executions) by id.
    public internal(set) var tokens: IDTable<Token>
    public internal(set) var timers: IDTable<TimerSubscription>
    public internal(set) var messages: IDTable<MessageSubscription>
    public internal(set) var isEnded: Bool
    /// Optimistic-locking version, managed by the store.
    public var version: Int
    /// Counter for activity instance ordering in history.
    var sequence: Int64

    /// The process-level variables.
    public var variables: [String: VariableValue] { scopes[id]?.variables ?? [:] }

    /// The external tasks the instance waits on.
    public var externalTaskIDs: [String] {
        tokens.values.compactMap { if case .waitingTask(let id) = $0.state { id } else { nil } }
    }
}

/// The call activity (instance and token) a child instance reports back to.
public struct ParentLink: Sendable, Hashable, Codable {
    public let instanceID: String
    public let tokenID: String
}

/// A variable scope: the process, an embedded sub-process or one multi-instance level.
public struct Scope: TableRow {
    public enum Kind: String, Sendable, Codable { case process, subProcess, multiInstanceBody, multiInstanceInner }
    public let id: String
    public let kind: Kind
    public let parentID: String?
    /// The token in the parent scope that waits for this scope to finish.
    public let ownerTokenID: String?
    public internal(set) var variables: [String: VariableValue]
    /// Multi-instance bookkeeping (body scopes only).
    var loop: LoopState?
}

/// Progress of a multi-instance activity.
struct LoopState: Sendable, Hashable, Codable {
    var items: [ExpressionValue]?
    var total: Int
    var started: Int
    var completed: Int
    var outputs: [Int: ExpressionValue]
}

/// A token (Camunda: execution) positioned at one flow node.
public struct Token: TableRow {
    public let id: String
    public internal(set) var nodeID: String
    public internal(set) var scopeID: String
    public internal(set) var state: TokenState
    /// Variables local to the current activity instance (inputs, `localVariables`); dropped when it ends.
    public internal(set) var local: [String: VariableValue]
    /// The activity instance id (`activityId:id`, Camunda's format) of the current node.
    public internal(set) var activityInstanceID: String
    /// True for one iteration of a multi-instance activity.
    var isLoopIteration: Bool
    /// The flow the token arrived by.
    var arrivedVia: String?
}

/// What a token is doing.
public enum TokenState: Sendable, Hashable, Codable {
    /// Moving; never seen outside a step.
    case active
    case waitingTask(String)
    case waitingUserTask(String)
    case waitingTimer
    case waitingMessage
    case waitingEventGateway
    /// Arrived at a joining gateway.
    case waitingJoin
    /// Waiting for an inner scope (sub-process or multi-instance body) to finish.
    case waitingScope(String)
    /// Waiting for a called child instance.
    case waitingCall(String)
    /// Stopped by an incident until an operator intervenes.
    case incident(String)
}

/// A pending timer of an instance.
public struct TimerSubscription: TableRow {
    public let id: String
    public let tokenID: String
    /// The catch or boundary event that fires.
    public let nodeID: String
    public internal(set) var dueDate: Date
    let spec: TimerSpec
    var firedCount: Int
}

/// A pending message subscription of an instance.
public struct MessageSubscription: TableRow {
    public let id: String
    public let messageName: String
    public let tokenID: String
    /// The catch event, receive task or boundary event that is triggered.
    public let nodeID: String
}
