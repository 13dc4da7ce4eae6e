// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation

/// Task verbs that change only the task (and its incident): failure, locks, retries, priority. Each is one
/// compare-and-set on the task's version, retried when another writer won.
extension Engine {
    /// Reports a failure: stores the error, backs the task off by `retryTimeout`, raises an incident at 0 retries.
    public func handleFailure(
        _ taskID: String, workerID: String?, errorMessage: String?, errorDetails: String?, retries: Int,
        retryTimeout: Int64?, variables: [String: VariableValue] = [:], localVariables: [String: VariableValue] = [:]
    ) async throws {
        let workerID = try Self.required(workerID, "workerId")
        guard retries >= 0 else { throw WorkflowError(.badUserRequest, "The number of retries cannot be negative") }
        guard (retryTimeout ?? 0) >= 0 else { throw WorkflowError(.badUserRequest, "retryTimeout cannot be negative") }
        try Self.checkDuration(retryTimeout, "retryTimeout")
        if !variables.isEmpty || !localVariables.isEmpty {
            // Camunda sets the variables first (process scope, and local to the task's execution), then fails the task.
            let task = try await externalTask(taskID)
            guard task.workerID == workerID else {
                throw WorkflowError(.wrongWorker, "Failure of External Task \(taskID) cannot be reported by worker "
                    + "'\(workerID)'. It is locked by worker '\(task.workerID ?? "null")'.")
            }
            try await step(task.processInstanceID) { runtime throws(WorkflowError) in
                try runtime.modifyVariables(at: nil, modifications: variables, deletions: [])
                if !localVariables.isEmpty {
                    try runtime.modifyVariables(at: task.executionID, modifications: localVariables, deletions: [])
                }
            }
        }
        let failed = try await update(taskID, slots: .release) { task, now throws(WorkflowError) in
            guard task.workerID == workerID else {
                throw WorkflowError(.wrongWorker, "Failure of External Task \(taskID) cannot be reported by worker "
                    + "'\(workerID)'. It is locked by worker '\(task.workerID ?? "null")'.")
            }
            task.errorMessage = errorMessage.map { String($0.prefix(666)) }
            if let errorDetails { task.errorDetails = errorDetails }
            let failures = (task.failures ?? 0) + 1
            task.failures = failures
            // No retryTimeout from the worker: exponential back-off with jitter (RetryPolicy), unless no retries
            // are left (the task waits for an operator, and is fetchable at once when given retries again).
            let wait = retryTimeout ?? (retries > 0 ? self.retryPolicy.delay(afterFailure: failures) : 0)
            task.lockExpirationTime = now.addingTimeInterval(Double(wait) / 1000)
            return self.setRetries(&task, retries, now: now)
        }
        metrics.settled(taskID, topic: failed.topicName, .failed)
        sightings.saw(workerID, topic: failed.topicName, at: clock.now())
    }

    /// Extends the lock of the worker's own, unexpired lock to now + `newDuration`.
    public func extendLock(_ taskID: String, workerID: String?, newDuration: Int64) async throws {
        let workerID = try Self.required(workerID, "workerId")
        guard newDuration > 0 else {
            throw WorkflowError(.badUserRequest, "lockTime is not greater than 0")
        }
        try Self.checkDuration(newDuration, "newDuration")
        let extended = try await update(taskID, slots: .holdUntilLockExpiry) { task, now throws(WorkflowError) in
            guard task.workerID == workerID else {
                throw WorkflowError(.wrongWorker, "The lock of the External Task \(taskID) cannot be extended by worker "
                    + "'\(workerID)'. It is locked by worker '\(task.workerID ?? "null")'.")
            }
            guard task.isLocked(at: now) else {
                throw WorkflowError(.badUserRequest, "Cannot extend a lock that expired")
            }
            task.lockExpirationTime = now.addingTimeInterval(Double(newDuration) / 1000)
            return IncidentChange.none
        }
        if let until = extended.lockExpirationTime { metrics.extended(taskID, until: until) }
        sightings.saw(workerID, topic: extended.topicName, at: clock.now())
    }

    /// Releases the lock; the task becomes fetchable at once.
    public func unlock(_ taskID: String) async throws {
        try await update(taskID, slots: .release) { task, _ throws(WorkflowError) in
            task.workerID = nil
            task.lockExpirationTime = nil
            return IncidentChange.none
        }
        metrics.released(taskID)
    }

    /// Locks a task for a worker unless another worker holds an unexpired lock.
    public func lock(_ taskID: String, workerID: String?, lockDuration: Int64) async throws {
        let workerID = try Self.required(workerID, "workerId")
        guard lockDuration > 0 else { throw WorkflowError(.badUserRequest, "lockTime is not greater than 0") }
        try Self.checkDuration(lockDuration, "lockDuration")
        try await update(taskID, slots: .holdUntilLockExpiry) { task, now throws(WorkflowError) in
            if task.isLocked(at: now), task.workerID != workerID {
                throw WorkflowError(.badUserRequest, "External task \(taskID) is already locked by worker "
                    + "'\(task.workerID ?? "null")'.")
            }
            task.workerID = workerID
            task.lockExpirationTime = now.addingTimeInterval(Double(lockDuration) / 1000)
            return IncidentChange.none
        }
    }

    /// Sets retries, raising or resolving the incident as Camunda does.
    public func setRetries(_ taskID: String, retries: Int) async throws {
        guard retries >= 0 else { throw WorkflowError(.badUserRequest, "The number of retries cannot be negative") }
        try await update(taskID) { task, now throws(WorkflowError) in self.setRetries(&task, retries, now: now) }
    }

    /// Sets the priority of a task.
    public func setPriority(_ taskID: String, priority: Int64) async throws {
        try await update(taskID) { task, _ throws(WorkflowError) in
            task.priority = priority
            return IncidentChange.none
        }
    }

    private func setRetries(_ task: inout ExternalTask, _ retries: Int, now: Date) -> IncidentChange {
        let hadRetries = (task.retries ?? 1) > 0
        task.retries = retries
        if hadRetries, retries <= 0 {
            return .raise(Incident(
                type: Incident.failedExternalTask, id: IDGenerator.next(), timestamp: now,
                processInstanceID: task.processInstanceID, processDefinitionID: task.processDefinitionID,
                executionID: task.executionID, activityID: task.activityID, configuration: task.id,
                message: task.errorMessage))
        }
        return !hadRetries && retries > 0 ? .resolve(at: now) : .none
    }

    /// What an update does to the slots of the task's slot pool.
    private enum SlotEffect {
        case keep, release, holdUntilLockExpiry
    }

    /// Compare-and-set on one task, retried when another writer won; wakes fetches the change may serve.
    @discardableResult
    private func update(
        _ taskID: String, slots: SlotEffect = .keep,
        _ change: (inout ExternalTask, Date) throws(WorkflowError) -> IncidentChange
    ) async throws -> ExternalTask {
        for _ in 0..<20 {
            var task = try await externalTask(taskID)
            let incident = try change(&task, clock.now())
            task.version += 1
            let slotChange: SlotChange = switch slots {
            case .keep: .keep
            case .release: .release
            case .holdUntilLockExpiry: task.lockExpirationTime.map { .hold(until: $0) } ?? .release
            }
            do {
                try await store.updateExternalTask(task, incident: incident, slots: slotChange)
                let now = clock.now()
                if task.slotPool != nil, slotChange == .release {
                    waiters.notifyAll()
                } else if task.isFetchable(at: now) {
                    waiters.notify(topics: [task.topicName])
                }
                announceExpiries(of: [task], now: now)
                return task
            } catch let error as WorkflowError where error.code == .conflict {
                continue
            }
        }
        throw WorkflowError(.conflict, "External task \(taskID) is too contended; try again")
    }
}
