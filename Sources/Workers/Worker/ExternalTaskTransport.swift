// SPDX-License-Identifier: Apache-2.0
import BPMN
import Workflow

/// How a worker reaches the engine: fetch-and-lock, the three ways to settle a task, and the lock verbs.
///
/// `RESTTransport` speaks Camunda 7's REST API (this server or any Camunda engine); `EngineTransport` calls an
/// `Engine` in the worker's own process: on a `RedisWorkflowStore` that is the direct-Redis transport (the same
/// lease scripts, no HTTP hop), on the memory store the in-memory twin the tests use.
public protocol ExternalTaskTransport: Sendable {
    func fetchAndLock(_ fetch: WorkerFetch) async throws -> [WorkerTask]
    func complete(_ taskID: String, workerID: String, variables: [String: VariableValue],
                  localVariables: [String: VariableValue]) async throws
    func failure(_ taskID: String, workerID: String, message: String, details: String?, retries: Int,
                 retryTimeout: Int64) async throws
    func bpmnError(_ taskID: String, workerID: String, code: String, message: String?,
                   variables: [String: VariableValue]) async throws
    func extendLock(_ taskID: String, workerID: String, duration: Int64) async throws
    func unlock(_ taskID: String) async throws
    /// Whether a fetch in flight may be cancelled without losing the tasks it locks meanwhile (default false: over
    /// HTTP the engine may lock tasks for a long poll whose caller has gone, and they wait for their lock to expire).
    var fetchCanBeCancelled: Bool { get }
    /// The load of one worker pool, for adaptive concurrency; nil when the engine does not report it.
    func poolLoad(_ pool: WorkerPoolType) async throws -> PoolLoadReading?
}

/// One fetch-and-lock call.
public struct WorkerFetch: Sendable {
    public struct Topic: Sendable {
        public var name: String
        /// Milliseconds.
        public var lockDuration: Int64
        /// nil: every variable.
        public var variables: [String]?

        public init(name: String, lockDuration: Int64, variables: [String]? = nil) {
            self.name = name
            self.lockDuration = lockDuration
            self.variables = variables
        }
    }

    public var workerID: String
    public var maxTasks: Int
    public var topics: [Topic]
    /// Only tasks of this worker pool type.
    public var workerPool: WorkerPoolType?
    /// Long polling: how long (milliseconds) the engine may hold the call open while nothing is fetchable.
    public var asyncResponseTimeout: Int64?

    public init(workerID: String, maxTasks: Int, topics: [Topic], workerPool: WorkerPoolType? = nil,
                asyncResponseTimeout: Int64? = nil) {
        self.workerID = workerID
        self.maxTasks = maxTasks
        self.topics = topics
        self.workerPool = workerPool
        self.asyncResponseTimeout = asyncResponseTimeout
    }
}

/// Why a transport call failed, as far as the worker needs to know.
public struct WorkerTransportError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// The task no longer exists (completed elsewhere, or its instance was deleted).
        case notFound
        /// The engine refused the call: another worker holds the lock, or the request was invalid.
        case rejected
        /// The engine could not be reached or failed: worth retrying later.
        case unavailable
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
