// SPDX-License-Identifier: Apache-2.0

/// The closed set of flow node behaviours the engine executes.
public enum FlowNodeKind: Sendable, Hashable {
    /// A start event of the process or of an embedded sub-process.
    case startEvent(EventTrigger)
    /// An end event.
    case endEvent(EndEventResult)
    /// An intermediate catch event: waits for a timer or a message.
    case intermediateCatchEvent(EventTrigger)
    /// An intermediate throw event: none or message; a message throw with an external implementation waits for it.
    case intermediateThrowEvent(ExternalTaskDefinition?)
    /// A boundary event attached to an activity.
    case boundaryEvent(BoundaryEvent)
    /// A service, send or business-rule task implemented by an external worker.
    case serviceTask(ExternalTaskDefinition)
    /// A user task: a wait state completed through the task API.
    case userTask
    /// A receive task: waits for a message.
    case receiveTask(messageName: String)
    /// A task, manual task or other no-op activity: passes straight through.
    case task
    case exclusiveGateway
    case parallelGateway
    case inclusiveGateway
    case eventBasedGateway
    /// An embedded sub-process; its nodes have this node as `parentID`.
    case subProcess
    /// A call activity that starts another process and waits for it to end.
    case callActivity(CallActivityDefinition)
}

/// What starts or resumes a start or catch event.
public enum EventTrigger: Sendable, Hashable {
    case none
    case message(name: String)
    case timer(TimerDefinition)
}

/// What an end event does besides consuming its token.
public enum EndEventResult: Sendable, Hashable {
    case none
    /// Throws a BPMN error with this code (nil: an error end event without a code).
    case error(code: String?, message: String?)
    /// Ends the enclosing scope: the whole instance at process level.
    case terminate
    /// A message end event; when it has an external implementation it waits for that task first.
    case message(ExternalTaskDefinition?)
}

/// A boundary event: what it catches and whether it cancels the activity.
public struct BoundaryEvent: Sendable, Hashable {
    public enum Trigger: Sendable, Hashable {
        /// Catches a BPMN error; a nil code catches every error.
        case error(code: String?, codeVariable: String?, messageVariable: String?)
        case timer(TimerDefinition)
        case message(name: String)
    }

    public let attachedTo: String
    public let cancelActivity: Bool
    public let trigger: Trigger
}

/// A timer event definition: a literal checked at deployment, or an expression evaluated when the timer starts.
public struct TimerDefinition: Sendable, Hashable {
    public let kind: TimerKind
    /// The literal, parsed at deployment; nil when the text is an expression.
    public let spec: TimerSpec?
    /// The expression producing the timer text, when it is not a literal.
    public let expression: Expression?
}
