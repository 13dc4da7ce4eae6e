// SPDX-License-Identifier: Apache-2.0
import BPMN
import Workflow

/// A transport that calls an `Engine` in the worker's own process. With the engine on a `RedisWorkflowStore` this
/// is the direct-Redis transport: fetch-and-lock runs the store's lease script, a completion runs the instance step
/// here and commits it with the same atomic script the server uses, and long polls wake on the store's pub/sub
/// signals (run a `RedisSubscriber` that calls `engine.announced`). With the memory store it is the in-memory twin.
public struct EngineTransport: ExternalTaskTransport {
    public let engine: Engine

    public init(engine: Engine) { self.engine = engine }

    /// A parked in-process fetch returns nothing when cancelled: it locks only when it finds tasks, then returns.
    public var fetchCanBeCancelled: Bool { true }

    public func fetchAndLock(_ fetch: WorkerFetch) async throws -> [WorkerTask] {
        var request = FetchRequest(
            workerID: fetch.workerID, maxTasks: fetch.maxTasks, usePriority: true,
            topics: fetch.topics.map { .init(topicName: $0.name, lockDuration: $0.lockDuration) })
        request.workerPool = fetch.workerPool
        var selections: [String: Engine.VariableSelection] = [:]
        for topic in fetch.topics { selections[topic.name] = .init(names: topic.variables) }
        let locked = try await mapped {
            try await engine.fetchAndLock(request, variables: selections, asyncResponseTimeout: fetch.asyncResponseTimeout)
        }
        return locked.map { locked in
            let task = locked.task
            return WorkerTask(
                id: task.id, topicName: task.topicName, workerID: fetch.workerID,
                processInstanceID: task.processInstanceID, processDefinitionKey: task.processDefinitionKey,
                activityID: task.activityID, businessKey: task.businessKey, retries: task.retries,
                priority: task.priority, lockExpirationTime: task.lockExpirationTime,
                extensionProperties: task.extensionProperties, variables: locked.variables)
        }
    }

    public func complete(_ taskID: String, workerID: String, variables: [String: VariableValue],
                         localVariables: [String: VariableValue]) async throws {
        try await mapped { try await engine.complete(taskID, workerID: workerID, variables: variables, localVariables: localVariables) }
    }

    public func failure(_ taskID: String, workerID: String, message: String, details: String?, retries: Int,
                        retryTimeout: Int64) async throws {
        try await mapped {
            try await engine.handleFailure(taskID, workerID: workerID, errorMessage: message, errorDetails: details,
                                           retries: retries, retryTimeout: retryTimeout)
        }
    }

    public func bpmnError(_ taskID: String, workerID: String, code: String, message: String?,
                          variables: [String: VariableValue]) async throws {
        try await mapped {
            try await engine.handleBpmnError(taskID, workerID: workerID, errorCode: code, errorMessage: message,
                                             variables: variables)
        }
    }

    public func extendLock(_ taskID: String, workerID: String, duration: Int64) async throws {
        try await mapped { try await engine.extendLock(taskID, workerID: workerID, newDuration: duration) }
    }

    public func unlock(_ taskID: String) async throws {
        try await mapped { try await engine.unlock(taskID) }
    }

    /// The store's counts; the workers are those that fetched through this engine (with direct Redis, this worker
    /// alone, so each sizes itself for the whole demand within its bounds).
    public func poolLoad(_ pool: WorkerPoolType) async throws -> PoolLoadReading? {
        let statistics = try await mapped { try await engine.store.poolStatistics(now: engine.clock.now()) }
        guard let load = statistics.first(where: { $0.pool == pool }) else { return nil }
        return PoolLoadReading(queued: load.queued, inFlight: load.inFlight, workers: engine.activeWorkers()[pool] ?? 1)
    }

    /// Engine errors in the transport's terms: a client mistake or lost lock is `rejected`, a missing task
    /// `notFound`, anything else (the store unreachable) `unavailable`.
    private func mapped<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as WorkflowError {
            if error.code == .notFound || error.code == .taskNotFound { throw WorkerTransportError(.notFound, error.message) }
            if [.engine, .conflict, .tooManyRequests].contains(error.code) {
                throw WorkerTransportError(.unavailable, error.message)
            }
            throw WorkerTransportError(.rejected, error.message)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw WorkerTransportError(.unavailable, "\(error)")
        }
    }
}
