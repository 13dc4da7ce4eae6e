// SPDX-License-Identifier: Apache-2.0
import Workflow

/// What a handler decided about its task; the runtime reports it to the engine.
public enum TaskOutcome: Sendable {
    /// Done: set these variables (process scope) and local variables (the task's execution), move the instance on.
    case complete(variables: [String: VariableValue], localVariables: [String: VariableValue])
    /// A technical failure: retry after `retryTimeout` milliseconds while `retries` is above 0, else an incident.
    case failure(message: String, details: String?, retries: Int, retryTimeout: Int64)
    /// A business error: a matching error boundary event in the model takes over.
    case bpmnError(code: String, message: String?, variables: [String: VariableValue])

    public static func complete(_ variables: [String: VariableValue] = [:]) -> TaskOutcome {
        .complete(variables: variables, localVariables: [:])
    }

    /// Completes with the properties of an `Encodable` value as variables.
    public static func complete<Output: Encodable>(encoding output: Output) throws -> TaskOutcome {
        .complete(variables: try VariableCoding.encode(output), localVariables: [:])
    }

    public static func fail(_ message: String, details: String? = nil, retries: Int, retryTimeout: Int64) -> TaskOutcome {
        .failure(message: message, details: details, retries: retries, retryTimeout: retryTimeout)
    }

    public static func bpmnError(code: String, message: String? = nil) -> TaskOutcome {
        .bpmnError(code: code, message: message, variables: [:])
    }

    /// The outcome's name in logs and activity records.
    public var kind: String {
        switch self {
        case .complete: "complete"
        case .failure: "failure"
        case .bpmnError: "bpmnError"
        }
    }
}

/// Thrown by a handler to report a BPMN error instead of a failure (typed handlers return their output, so a
/// business error is thrown).
public struct BPMNError: Error, Sendable {
    public let code: String
    public let message: String?
    public let variables: [String: VariableValue]

    public init(code: String, message: String? = nil, variables: [String: VariableValue] = [:]) {
        self.code = code
        self.message = message
        self.variables = variables
    }
}
