// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation

/// A running process instance as a value: its tokens, variable scopes and event subscriptions.
///
/// It changes only through `Runtime`, which applies one event and returns the effects for the engine to carry out.
/// The fields fixed at start sit in one shared immutable record, so a copy (read from the store, held by a step,
/// committed back) retains one reference for them.
public struct ProcessInstance: Sendable, Hashable, Codable {
    struct Identity: Sendable, Hashable, Codable {
        let id: String
        let definitionID: String
        let definitionKey: String
        let businessKey: String?
        let startTime: Date
        let superInstance: ParentLink?
    }

    let box: Shared<Identity>
    public var id: String { box.value.id }
    public var definitionID: String { box.value.definitionID }
    public var definitionKey: String { box.value.definitionKey }
    public var businessKey: String? { box.value.businessKey }
    public var startTime: Date { box.value.startTime }
    /// The call activity waiting for this instance, when it was started by one.
    public var superInstance: ParentLink? { box.value.superInstance }
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

    init(
        id: String, definitionID: String, definitionKey: String, businessKey: String?, startTime: Date,
        superInstance: ParentLink?, scopes: IDTable<Scope>
    ) {
        box = Shared(Identity(id: id, definitionID: definitionID, definitionKey: definitionKey, businessKey: businessKey,
                           startTime: startTime, superInstance: superInstance))
        self.scopes = scopes
        tokens = [:]
        timers = [:]
        messages = [:]
        isEnded = false
        version = 0
        sequence = 0
    }

    // One flat JSON object: the identity's keys and the inline fields side by side.
    private enum CodingKeys: String, CodingKey { case scopes, tokens, timers, messages, isEnded, version, sequence }

    public init(from decoder: any Decoder) throws {
        box = Shared(try Identity(from: decoder))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        scopes = try container.decode(IDTable<Scope>.self, forKey: .scopes)
        tokens = try container.decode(IDTable<Token>.self, forKey: .tokens)
        timers = try container.decode(IDTable<TimerSubscription>.self, forKey: .timers)
        messages = try container.decode(IDTable<MessageSubscription>.self, forKey: .messages)
        isEnded = try container.decode(Bool.self, forKey: .isEnded)
        version = try container.decode(Int.self, forKey: .version)
        sequence = try container.decode(Int64.self, forKey: .sequence)
    }

    public func encode(to encoder: any Encoder) throws {
        try box.value.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(scopes, forKey: .scopes)
        try container.encode(tokens, forKey: .tokens)
        try container.encode(timers, forKey: .timers)
        try container.encode(messages, forKey: .messages)
        try container.encode(isEnded, forKey: .isEnded)
        try container.encode(version, forKey: .version)
        try container.encode(sequence, forKey: .sequence)
    }

    public static func == (left: Self, right: Self) -> Bool {
        (left.box === right.box || left.box.value == right.box.value) && left.version == right.version
            && left.isEnded == right.isEnded && left.sequence == right.sequence && left.tokens == right.tokens
            && left.scopes == right.scopes && left.timers == right.timers && left.messages == right.messages
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(box.value.id)
        hasher.combine(version)
    }

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
