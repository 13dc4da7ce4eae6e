// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation

extension Engine {
    /// A task handed to a worker, with the variables it asked for.
    public struct LockedTask: Sendable {
        public let task: ExternalTask
        public let variables: [String: VariableValue]
    }

    /// Which variables a fetch returns for one topic.
    public struct VariableSelection: Sendable {
        /// nil: all; else just these names.
        public var names: [String]?
        /// Only the task execution's local variables.
        public var localOnly: Bool
        public init(names: [String]? = nil, localOnly: Bool = false) {
            self.names = names
            self.localOnly = localOnly
        }
    }

    /// Locks fetchable tasks for a worker; with `asyncResponseTimeout`, waits up to that long for one to appear.
    public func fetchAndLock(
        _ request: FetchRequest, variables selections: [String: VariableSelection] = [:],
        asyncResponseTimeout: Int64? = nil
    ) async throws -> [LockedTask] {
        guard request.maxTasks > 0, !request.topics.isEmpty else { return [] }
        for topic in request.topics { try Self.checkDuration(topic.lockDuration, "lockDuration") }
        // The response timeout is wall time (the client waits in real time); lock expiries are engine time.
        let deadline = asyncResponseTimeout.map { ContinuousClock.now + .milliseconds($0) }
        var now = clock.now()
        sightings.saw(request.workerID, topics: request.topics.lazy.map(\.topicName), at: now)
        var topics: Set<String> = []  // built for the first wait
        var ticket: UInt64?
        // Only a fetch that may park watches for notices (the others never wait on them).
        if deadline != nil { waiters.startWatching() }
        defer { if deadline != nil { waiters.stopWatching() } }
        while true {
            // Read before looking at the store.
            let epoch = deadline == nil ? 0 : waiters.epoch
            let locked = try await store.fetchAndLock(request, now: now)
            if !locked.isEmpty {
                announceExpiries(of: locked, now: now)
                metrics.leased(locked)
                do {
                    guard asyncResponseTimeout != nil else { return try await attachVariables(locked, selections) }
                    // A long poll may be cancelled (its client went away, a worker drains): once tasks are locked they
                    // are handed out regardless, else a cancelled read would strand them until their lock expires.
                    return try await Task { try await self.attachVariables(locked, selections) }.value
                } catch {
                    // Locked but not handed out (the store failed reading their variables): give them back now.
                    await Task { for task in locked { try? await self.unlock(task.id) } }.value
                    throw error
                }
            }
            guard let deadline, case let remaining = deadline - ContinuousClock.now, remaining > .zero, !Task.isCancelled
            else { return [] }
            guard waiters.count < waiters.capacity else {
                throw WorkflowError(.tooManyRequests, "At the moment the server has to handle too many requests at "
                    + "the same time. Please try again later.")
            }
            // Wake at the deadline, when a locked or backed-off task of these topics frees up, or on a new task.
            if topics.isEmpty { topics = Set(request.topics.map(\.topicName)) }
            var wait = remaining
            if let next = try await store.nextFetchableTime(topics: topics, after: now) {
                wait = min(wait, Self.milliseconds(until: next, from: now))
            }
            if ticket == nil { ticket = waiters.ticket() }
            await waiters.wait(ticket: ticket, topics: topics, for: wait, since: epoch)
            if Task.isCancelled { return [] }
            now = clock.now()
        }
    }

    /// Another replica made tasks of these topics fetchable (`*`: any topic, slots came back): parked fetches of
    /// this replica try again.
    public func announced(topics: Set<String>) {
        if topics.contains("*") { waiters.notifyAll() } else { waiters.notify(topics: topics) }
    }

    /// The longest lock, lock extension or retry timeout taken: ten years, in milliseconds (dates stay in Camunda's
    /// four-digit-year format, and time arithmetic far from overflowing).
    public static let maxDuration: Int64 = 10 * 365 * 24 * 3_600_000

    static func checkDuration(_ milliseconds: Int64?, _ name: String) throws(WorkflowError) {
        guard let milliseconds, milliseconds > maxDuration else { return }
        throw WorkflowError(.badUserRequest, "\(name) must be at most \(maxDuration) milliseconds (ten years), not \(milliseconds)")
    }

    /// Milliseconds from `now` until `date`, rounded up, clamped to what a `Duration` holds safely.
    static func milliseconds(until date: Date, from now: Date) -> Duration {
        let value = (date.timeIntervalSince(now) * 1000).rounded(.up)
        return .milliseconds(Int64(min(max(value, 0), Double(maxDuration) * 10)))
    }

    /// Parked fetches of these tasks' topics wake when the new locks run out (the tasks are fetchable again).
    func announceExpiries(of tasks: [ExternalTask], now: Date) {
        for task in tasks where (task.retries ?? 1) > 0 && !task.suspended {
            guard let until = task.lockExpirationTime, until > now else { continue }
            waiters.expiring(topic: task.topicName, after: Self.milliseconds(until: until, from: now))
        }
    }

    private func attachVariables(_ tasks: [ExternalTask], _ selections: [String: VariableSelection]) async throws
        -> [LockedTask]
    {
        let instances = try await store.instances(ofLocked: tasks)
        return tasks.map { Self.locked($0, in: instances[$0.processInstanceID], selections) }
    }

    /// A task with the variables of its instance that its topic asked for.
    private static func locked(
        _ task: ExternalTask, in instance: ProcessInstance?, _ selections: [String: VariableSelection]
    ) -> LockedTask {
        let selection = selections[task.topicName] ?? VariableSelection()
        var variables: [String: VariableValue] = [:]
        if let instance, selection.names != [] {
            variables = instance.variables(visibleFrom: task.executionID, localOnly: selection.localOnly)
            if let names = selection.names { variables = variables.filter { names.contains($0.key) } }
        }
        return LockedTask(task: task, variables: variables)
    }

    /// A task by id.
    public func externalTask(_ id: String) async throws -> ExternalTask {
        guard let task = try await store.externalTask(id) else { throw WorkflowError.taskNotFound(id) }
        return task
    }

    private func checkOwner(_ task: ExternalTask, workerID: String, verb: String) throws(WorkflowError) {
        guard task.workerID == workerID else {
            throw WorkflowError(.wrongWorker, "\(verb) of External Task \(task.id) cannot be reported by worker "
                + "'\(workerID)'. It is locked by worker '\(task.workerID ?? "null")'.")
        }
    }

    /// A value the request must carry, checked before anything is read (Camunda's `NullValueException`).
    static func required(_ value: String?, _ name: String) throws(WorkflowError) -> String {
        guard let value else { throw WorkflowError(.nullValue, "\(name) is null") }
        return value
    }

    /// Runs an instance step that settles a task, re-reading the task when another worker changed it meanwhile.
    @discardableResult
    private func settle(
        _ taskID: String, workerID: String?, verb: String, _ event: (inout Runtime) throws(WorkflowError) -> Void
    ) async throws -> ExternalTask {
        let workerID = try Self.required(workerID, "workerId")
        for attempt in 0..<20 {
            // The first try may start from what the store handed out or wrote lately: a conflict reads afresh.
            guard let (task, instance) = try await store.externalTaskWithInstance(taskID, mayBeStale: attempt == 0) else {
                throw WorkflowError.taskNotFound(taskID)
            }
            // The first read may have been stale: another worker's lock is judged on a fresh one.
            if task.workerID != workerID, attempt == 0 { continue }
            try checkOwner(task, workerID: workerID, verb: verb)
            do {
                try await step(task.processInstanceID, deletedTask: task, preloaded: instance, event)
                sightings.saw(workerID, topic: task.topicName, at: clock.now())
                // Its slots came back: parked fetches of any topic may now lease a task of that pool.
                if task.slotPool != nil { waiters.notifyAll() }
                return task
            } catch let error as WorkflowError where error.code == .conflict {
                continue
            }
        }
        throw WorkflowError(.conflict, "External task \(taskID) is too contended; try again")
    }

    /// Completes a task: sets the variables and moves the instance on.
    public func complete(
        _ taskID: String, workerID: String?, variables: [String: VariableValue] = [:],
        localVariables: [String: VariableValue] = [:], transient: Set<String> = []
    ) async throws {
        do {
            let task = try await settle(taskID, workerID: workerID, verb: "Completion") { runtime throws(WorkflowError) in
                try runtime.completeExternalTask(taskID, variables: variables, localVariables: localVariables)
                runtime.forget(transient)
            }
            metrics.settled(taskID, topic: task.topicName, .completed)
        } catch let error as WorkflowError where error.code == .wrongWorker {
            let owner = (try? await store.externalTask(taskID))?.workerID ?? "null"
            throw WorkflowError(.wrongWorker, "External Task \(taskID) cannot be completed by worker "
                + "'\(workerID ?? "null")'. It is locked by worker '\(owner)'.")
        }
    }

    /// Reports a BPMN error: a matching error boundary event takes over, else the path ends.
    public func handleBpmnError(
        _ taskID: String, workerID: String?, errorCode: String?, errorMessage: String?,
        variables: [String: VariableValue] = [:], transient: Set<String> = []
    ) async throws {
        _ = try Self.required(workerID, "workerId")
        let errorCode = try Self.required(errorCode, "errorCode")
        let task = try await settle(taskID, workerID: workerID, verb: "Bpmn error") { runtime throws(WorkflowError) in
            try runtime.handleBpmnError(taskID, code: errorCode, message: errorMessage, variables: variables)
            runtime.forget(transient)
        }
        metrics.settled(taskID, topic: task.topicName, .bpmnError)
    }
}
