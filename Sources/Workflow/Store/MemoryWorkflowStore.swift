// SPDX-License-Identifier: Apache-2.0
import Foundation
import Synchronization

/// The embedded default store: everything in memory, every call atomic under one lock.
public final class MemoryWorkflowStore: WorkflowStore {
    struct State {
        var deployments: [Deployment] = []
        var instances: [String: ProcessInstance] = [:]
        var tasks: [String: ExternalTask] = [:]
        var queue = TaskQueue()
        /// Incidents per instance, so a step touches only its own instance's incidents.
        var incidentsByInstance: [String: Set<String>] = [:]
        var userTasks: [String: UserTask] = [:]
        var timers: [String: TimerRef] = [:]
        var subscriptions: [String: [String: SubscriptionRef]] = [:]
        var startTimers: [String: StartTimer] = [:]
        var incidents: [String: Incident] = [:]
        /// History per instance: one table entry holds the instance record and its activities, so a step
        /// touches one entry.
        var history: [String: InstanceHistory] = [:]
        var sequence: Int64 = 0
        /// Incidents no longer open, in the order they closed.
        var closedIncidents: [HistoricIncident] = []
    }

    /// An instance's history record and its activity instances in start order (a handful: an array beats a table).
    struct InstanceHistory {
        var instance: HistoricProcessInstance
        var activities: [HistoricActivityInstance]
    }

    let state = Mutex(State())

    public init() {}

    public func saveDeployment(_ deployment: Deployment) async throws {
        state.withLock { $0.deployments.append(deployment) }
    }

    public func deployments() async throws -> [Deployment] { state.withLock { $0.deployments } }

    public func deleteDeployment(_ id: String) async throws {
        state.withLock { $0.deployments.removeAll { $0.id == id } }
    }

    public func instance(_ id: String) async throws -> ProcessInstance? { state.withLock { $0.instances[id] } }

    public func instances(definitionKey: String?) async throws -> [ProcessInstance] {
        state.withLock { state in
            state.instances.values.filter { definitionKey == nil || $0.definitionKey == definitionKey }
                .sorted { $0.startTime < $1.startTime }
        }
    }

    public func commit(_ commit: InstanceCommit) async throws {
        try state.withLock { (state: inout State) throws(WorkflowError) in
            let instance = commit.instance
            // One table access: put the new state in, and put the old one back if the version check fails.
            let stored = instance.isEnded ? state.instances.removeValue(forKey: instance.id)
                : state.instances.updateValue(instance, forKey: instance.id)
            guard (stored?.version ?? -1) + 1 == instance.version,
                  commit.deletedTasks.allSatisfy({ state.tasks[$0.id]?.version == $0.version })
            else {
                state.instances[instance.id] = stored
                throw WorkflowError(.conflict, "Process instance \(instance.id) or one of its tasks was updated by "
                    + "another transaction")
            }
            for (taskID, _) in commit.deletedTasks { state.removeTask(taskID, at: commit.time, incidentState: .resolved) }
            for taskID in commit.cancelledTasks {
                state.removeTask(taskID, at: commit.time, incidentState: .deleted)
            }
            for var task in commit.createdTasks {
                state.sequence += 1
                task.sequence = state.sequence
                state.tasks[task.id] = task
                state.queue.file(task)
            }
            for task in commit.createdUserTasks { state.userTasks[task.id] = task }
            for id in commit.deletedUserTasks { state.userTasks[id] = nil }
            if !commit.resolvedExecutions.isEmpty {
                let executions = Set(commit.resolvedExecutions)
                state.removeIncidents(of: instance.id, at: commit.time, as: .resolved) {
                    executions.contains($0.executionID)
                }
            }
            for incident in commit.raisedIncidents { state.addIncident(incident) }
            state.reindexEvents(old: stored, new: instance)
            if instance.isEnded {
                // Whatever the instance still waited on goes with it (its tokens name every task).
                for token in stored?.tokens.values ?? [] {
                    switch token.state {
                    case .waitingTask(let id): state.removeTask(id, at: commit.time, incidentState: .deleted)
                    case .waitingUserTask(let id): state.userTasks[id] = nil
                    default: break
                    }
                }
                state.removeIncidents(of: instance.id, at: commit.time, as: .deleted) { _ in true }
            }
            if let historic = commit.historicInstance {
                var activities: [HistoricActivityInstance] = []
                activities.reserveCapacity(commit.startedActivities.count + 2)
                state.history[historic.id] = InstanceHistory(instance: historic, activities: activities)
            }
            if commit.historicEnd != nil || !commit.startedActivities.isEmpty || !commit.endedActivities.isEmpty {
                Self.record(commit, in: &state.history[instance.id])
            }
            if instance.isEnded { state.history[instance.id]?.instance.finalVariables = instance.variables }
        }
    }

    /// Appends started activities, stamps ended ones and the instance's end, in place.
    private static func record(_ commit: InstanceCommit, in history: inout InstanceHistory?) {
        guard history != nil else { return }
        if let end = commit.historicEnd {
            history!.instance.state = end.state
            history!.instance.endTime = end.at
        }
        history!.activities += commit.startedActivities
        for ended in commit.endedActivities {
            guard let index = history!.activities.lastIndex(where: { $0.id == ended.id }) else { continue }
            history!.activities[index].endTime = ended.at
            history!.activities[index].canceled = ended.canceled
        }
    }

    public func externalTask(_ id: String) async throws -> ExternalTask? { state.withLock { $0.tasks[id] } }

    public func externalTaskWithInstance(_ id: String) async throws -> (ExternalTask, ProcessInstance?)? {
        state.withLock { state in state.tasks[id].map { ($0, state.instances[$0.processInstanceID]) } }
    }

    public func instances(ids: Set<String>) async throws -> [String: ProcessInstance] {
        state.withLock { state in
            var found: [String: ProcessInstance] = [:]
            for id in ids { found[id] = state.instances[id] }
            return found
        }
    }

    public func externalTasks() async throws -> [ExternalTask] {
        state.withLock { $0.tasks.values.sorted { $0.sequence < $1.sequence } }
    }

    public func updateExternalTask(_ task: ExternalTask, incident: IncidentChange) async throws {
        try state.withLock { (state: inout State) throws(WorkflowError) in
            guard let stored = state.tasks[task.id] else { throw WorkflowError.taskNotFound(task.id) }
            guard stored.version + 1 == task.version else {
                throw WorkflowError(.conflict, "External task \(task.id) was updated by another transaction")
            }
            state.tasks[task.id] = task
            state.queue.file(task)
            switch incident {
            case .none: break
            case .raise(let incident): state.addIncident(incident)
            case .resolve(let time):
                state.removeIncidents(of: task.processInstanceID, at: time, as: .resolved) { $0.configuration == task.id }
            }
        }
    }

    public func fetchAndLock(_ request: FetchRequest, now: Date) async throws -> [ExternalTask] {
        guard request.maxTasks > 0 else { return [] }
        return state.withLock { state in
            state.queue.promote(until: now, tasks: state.tasks)
            if request.createTimeAscending == false { return state.lockNewestFirst(request, now: now) }
            var lockDurations: [String: Int64] = [:]
            for topic in request.topics where lockDurations[topic.topicName] == nil {
                lockDurations[topic.topicName] = topic.lockDuration
            }
            let instances = state.instances
            let ids = state.queue.take(topics: Array(lockDurations.keys), limit: request.maxTasks, tasks: state.tasks) {
                task in
                task.isFetchable(at: now) && request.topics.contains {
                    $0.topicName == task.topicName && State.matches(task, $0, instances: instances)
                }
            }
            return ids.compactMap { id in
                guard var task = state.tasks[id] else { return nil }
                let topic = request.topics.first {
                    $0.topicName == task.topicName && State.matches(task, $0, instances: state.instances)
                }
                task.workerID = request.workerID
                task.lockExpirationTime = now.addingTimeInterval(Double(topic?.lockDuration ?? 0) / 1000)
                task.version += 1
                state.tasks[id] = task
                state.queue.file(task)
                return task
            }
        }
    }

    public func nextFetchableTime(topics: Set<String>, after now: Date) async throws -> Date? {
        state.withLock { $0.queue.nextDelayedTime }
    }

    public func userTasks() async throws -> [UserTask] {
        state.withLock { $0.userTasks.values.sorted { $0.createTime < $1.createTime } }
    }

    public func dueTimers(at now: Date, limit: Int) async throws -> [TimerRef] {
        state.withLock { state in
            Array(state.timers.values.filter { $0.dueDate <= now }.sorted { $0.dueDate < $1.dueDate }.prefix(limit))
        }
    }

    public func nextTimerDue() async throws -> Date? {
        state.withLock { state in
            (state.timers.values.map(\.dueDate) + state.startTimers.values.map(\.dueDate)).min()
        }
    }

    public func messageSubscriptions(named name: String) async throws -> [SubscriptionRef] {
        state.withLock { state in
            (state.subscriptions[name] ?? [:]).values.sorted { $0.subscriptionID < $1.subscriptionID }
        }
    }

    public func saveStartTimer(_ timer: StartTimer) async throws { state.withLock { $0.startTimers[timer.id] = timer } }
    public func removeStartTimer(_ id: String) async throws { state.withLock { $0.startTimers[id] = nil } }
    public func startTimers() async throws -> [StartTimer] { state.withLock { Array($0.startTimers.values) } }

    public func incidents() async throws -> [Incident] {
        state.withLock { $0.incidents.values.sorted { $0.timestamp < $1.timestamp } }
    }

    public func historicProcessInstance(_ id: String) async throws -> HistoricProcessInstance? {
        state.withLock { $0.history[id]?.instance }
    }

    public func historicProcessInstances() async throws -> [HistoricProcessInstance] {
        state.withLock { $0.history.values.map(\.instance).sorted { $0.startTime < $1.startTime } }
    }

    public func historicIncidents() async throws -> [HistoricIncident] {
        state.withLock { state in
            (state.closedIncidents + state.incidents.values.map { HistoricIncident(incident: $0) })
                .sorted { $0.incident.timestamp < $1.incident.timestamp }
        }
    }

    public func historicActivityInstances(processInstanceID: String?) async throws -> [HistoricActivityInstance] {
        state.withLock { state in
            if let processInstanceID { return state.history[processInstanceID]?.activities ?? [] }
            return state.history.values.flatMap(\.activities).sorted { $0.startTime < $1.startTime }
        }
    }
}
