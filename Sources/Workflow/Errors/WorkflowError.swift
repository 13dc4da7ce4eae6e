// SPDX-License-Identifier: Apache-2.0
import BPMN

/// A failed engine operation: what kind of failure (which decides the HTTP status) and a message for the caller.
public struct WorkflowError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure. Extensible: new codes can be added without breaking callers.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String { case notFound, taskNotFound, definitionNotFound, invalidRequest, badUserRequest,
            wrongWorker, mismatchingCorrelation, parse, nullValue, engine, conflict, tooManyRequests, lockHeld }
        private let value: Value
        /// A runtime object (instance, deployment, definition by id, variable) does not exist.
        public static let notFound = Code(value: .notFound)
        /// An external task does not exist (Camunda answers these with `RestException`).
        public static let taskNotFound = Code(value: .taskNotFound)
        /// No process definition with the key (Camunda answers with `RestException`).
        public static let definitionNotFound = Code(value: .definitionNotFound)
        /// The request is malformed or violates the API's rules.
        public static let invalidRequest = Code(value: .invalidRequest)
        /// The request is well-formed but asks for something invalid in the engine's state.
        public static let badUserRequest = Code(value: .badUserRequest)
        /// The external task is locked by another worker.
        public static let wrongWorker = Code(value: .wrongWorker)
        /// A message matched no or several targets.
        public static let mismatchingCorrelation = Code(value: .mismatchingCorrelation)
        /// A deployed resource is not valid BPMN.
        public static let parse = Code(value: .parse)
        /// A required value is missing.
        public static let nullValue = Code(value: .nullValue)
        /// Any other engine failure.
        public static let engine = Code(value: .engine)
        /// A distributed lock is held by another owner (or not by the caller).
        public static let lockHeld = Code(value: .lockHeld)
        /// A concurrent update won (optimistic locking).
        public static let conflict = Code(value: .conflict)
        /// Too many parked long-poll requests.
        public static let tooManyRequests = Code(value: .tooManyRequests)
        public var description: String { value.rawValue }
    }

    public let code: Code
    public let message: String
    /// Parse problems, for `.parse` errors: resource name -> issues.
    public let parseErrors: [BPMNParseError]

    public init(_ code: Code, _ message: String, parseErrors: [BPMNParseError] = []) {
        self.code = code
        self.message = message
        self.parseErrors = parseErrors
    }

    public var description: String { "\(code): \(message)" }

    public static func taskNotFound(_ id: String) -> WorkflowError {
        WorkflowError(.taskNotFound, "External task with id \(id) does not exist")
    }

    public static func instanceNotFound(_ id: String) -> WorkflowError {
        WorkflowError(.notFound, "Process instance with id \(id) does not exist")
    }
}
