// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Synchronization

/// The embedded default store: everything in memory, in 16 partitions (the layout of the Redis store). An
/// instance, its tasks, timers, subscriptions, incidents and history live in the partition its id names
/// (`IDGenerator.partition(of:)`), each partition behind its own lock, so steps of different instances run in
/// parallel; every call stays atomic within its partition. Deployments and start timers are global.
public final class MemoryWorkflowStore: WorkflowStore {
    struct State {
        /// The store's slot pools (shared by every partition), held unretained: the store owns the table for as long
        /// as any partition lives, and every partition on every core touching one shared reference count cost a
        /// quarter of the four-driver benchmark's throughput.
        let slotsRef: Unmanaged<SlotPoolTable>
        var slots: SlotPoolTable { slotsRef.takeUnretainedValue() }
        var instances: [String: ProcessInstance] = [:]
        var tasks: [String: ExternalTask] = [:]
        var queue = TaskQueue()
        /// Incidents per instance, so a step touches only its own instance's incidents.
        var incidentsByInstance: [String: Set<String>] = [:]
        var userTasks: [String: UserTask] = [:]
        var timers: [String: TimerRef] = [:]
        var subscriptions: [String: [String: SubscriptionRef]] = [:]
        var incidents: [String: Incident] = [:]
        /// Instance and activity history, append-only.
        var history = HistoryLog()
        /// Incidents no longer open, in the order they closed.
        var closedIncidents: [HistoricIncident] = []
        /// Tasks a worker leased (a fetch, `lock`), as opposed to ones backing off after a failure.
        var leased: Set<String> = []
        /// The ids a fetch takes from the queue, kept between fetches so taking allocates nothing.
        var taken: [String] = []
        /// The last task creation number handed out here (`nextSequence`).
        var lastSequence: Int64 = 0

        /// Task creation order (FIFO within a priority, across partitions): nanoseconds of the monotonic clock,
        /// strictly increasing within the partition. Tasks created one after another, in any partitions, get
        /// increasing numbers (a step takes far longer than a nanosecond), and no counter is written by every
        /// core. The engine's own clock may stand still (tests), this one does not.
        mutating func nextSequence() -> Int64 {
            var now = timespec()
            clock_gettime(CLOCK_MONOTONIC, &now)
            lastSequence = max(lastSequence + 1, Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec))
            return lastSequence
        }
    }

    /// One partition's tables behind their lock.
    final class Partition: Sendable {
        let state: Mutex<State>
        init(slots: SlotPoolTable) { state = Mutex(State(slotsRef: .passUnretained(slots))) }
    }

    struct Global {
        var deployments: [Deployment] = []
        var startTimers: [String: StartTimer] = [:]
        var locks: [String: DistributedLock] = [:]
        /// The last fencing token of each lock name (kept after release, so tokens only grow).
        var fencing: [String: Int64] = [:]
        var deploymentsVersion: Int64 = 0
    }

    let slots = SlotPoolTable()
    let partitions: [Partition]
    /// The same partitions, unretained (the store owns them through `partitions`): a fetch visits several, and
    /// retaining each would write its reference count from every core that fetches.
    let unretained: [Unmanaged<Partition>]
    let global = Mutex(Global())

    public init() {
        partitions = (0..<IDGenerator.partitions).map { [slots] _ in Partition(slots: slots) }
        unretained = partitions.map { Unmanaged.passUnretained($0) }
    }

    /// Runs `body` on partition `index` under its lock, without retaining the partition.
    func withPartition(_ index: Int, _ body: (inout sending State) -> Void) {
        unretained[index]._withUnsafeGuaranteedRef { partition in partition.state.withLock { body(&$0) } }
    }

    func partition(of id: String) -> Partition { partitions[IDGenerator.partition(of: id)] }

    /// In a partition of the current core (`CoreAffinity`): the steps that start, fetch and complete it on this
    /// core then touch tables the other cores do not write.
    public func newInstanceID() -> String { IDGenerator.nextNearCore() }

    /// Runs `body` on every partition in turn (each under its own lock) and joins the results.
    func gather<T: Sendable>(_ body: (inout State) -> [T]) -> [T] {
        var result: [T] = []
        for partition in partitions { result += partition.state.withLock { state in body(&state) } }
        return result
    }

    public func saveDeployment(_ deployment: Deployment) async throws {
        global.withLock { global in
            global.deployments.append(deployment)
            global.deploymentsVersion += 1
        }
    }

    public func deployments() async throws -> [Deployment] { global.withLock { $0.deployments } }

    public func deleteDeployment(_ id: String) async throws {
        global.withLock { global in
            global.deployments.removeAll { $0.id == id }
            global.deploymentsVersion += 1
        }
    }

    public func deploymentsVersion() async throws -> Int64 { global.withLock { $0.deploymentsVersion } }

    public func instance(_ id: String) async throws -> ProcessInstance? {
        partition(of: id).state.withLock { $0.instances[id] }
    }

    public func instances(definitionKey: String?) async throws -> [ProcessInstance] {
        gather { state in state.instances.values.filter { definitionKey == nil || $0.definitionKey == definitionKey } }
            .sorted { $0.startTime < $1.startTime }
    }

    public func commit(_ commit: InstanceCommit) async throws {
        try partition(of: commit.instance.id).state.withLock { (state: inout State) throws(WorkflowError) in
            let instance = commit.instance
            // One table access: put the new state in, and put the old one back if the version check fails.
            let stored = instance.isEnded ? state.instances.removeValue(forKey: instance.id)
                : state.instances.updateValue(instance, forKey: instance.id)
            guard (stored?.version ?? -1) + 1 == instance.version,
                  commit.settledDeletion.map({ state.tasks[$0.id]?.version == $0.version }) ?? true
            else {
                state.instances[instance.id] = stored
                throw WorkflowError(.conflict, "Process instance \(instance.id) or one of its tasks was updated by "
                    + "another transaction")
            }
            // The step's effects in one pass; resolved incidents go before raised ones (a token that moved on
            // and failed again has only its new incident).
            var resolved: Set<String> = []
            for effect in commit.effects {
                switch effect {
                case .deleteExternalTask(let id):
                    state.removeTask(id, at: commit.time, incidentState: id == commit.settledTask?.id ? .resolved : .deleted)
                case .createExternalTask(var task):
                    task.sequence = state.nextSequence()
                    state.tasks[task.id] = task
                    state.queue.file(task)
                case .createUserTask(let task): state.userTasks[task.id] = task
                case .deleteUserTask(let id): state.userTasks[id] = nil
                case .resolveIncidents(let execution): resolved.insert(execution)
                default: break
                }
            }
            if !resolved.isEmpty {
                state.removeIncidents(of: instance.id, at: commit.time, as: .resolved) { resolved.contains($0.executionID) }
            }
            for effect in commit.effects { if case .raiseIncident(let incident) = effect { state.addIncident(incident) } }
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
            state.history.record(commit, finalVariables: instance.isEnded ? instance.variables : nil)
        }
    }

    public func externalTask(_ id: String) async throws -> ExternalTask? {
        partition(of: id).state.withLock { $0.tasks[id] }
    }

    public func externalTaskWithInstance(_ id: String, mayBeStale: Bool) async throws -> (ExternalTask, ProcessInstance?)? {
        partition(of: id).state.withLock { state in state.tasks[id].map { ($0, state.instances[$0.processInstanceID]) } }
    }

    public func instances(ids: Set<String>) async throws -> [String: ProcessInstance] {
        var found: [String: ProcessInstance] = [:]
        for id in ids { found[id] = partition(of: id).state.withLock { $0.instances[id] } }
        return found
    }

    public func externalTasks() async throws -> [ExternalTask] {
        gather { Array($0.tasks.values) }.sorted { $0.sequence < $1.sequence }
    }

    public func updateExternalTask(_ task: ExternalTask, incident: IncidentChange, slots change: SlotChange) async throws {
        try partition(of: task.id).state.withLock { (state: inout State) throws(WorkflowError) in
            guard let stored = state.tasks[task.id] else { throw WorkflowError.taskNotFound(task.id) }
            guard stored.version + 1 == task.version else {
                throw WorkflowError(.conflict, "External task \(task.id) was updated by another transaction")
            }
            state.tasks[task.id] = task
            state.queue.file(task)
            state.queue.compactDelayed(tasks: state.tasks)
            state.slots.apply(change, to: task)
            switch change {
            case .keep: break
            case .hold: state.leased.insert(task.id)
            case .release: state.leased.remove(task.id)
            }
            switch incident {
            case .none: break
            case .raise(let incident): state.addIncident(incident)
            case .resolve(let time):
                state.removeIncidents(of: task.processInstanceID, at: time, as: .resolved) { $0.configuration == task.id }
            }
        }
    }

    public func nextFetchableTime(topics: Set<String>, after now: Date) async throws -> Date? {
        gather { state in state.queue.nextDelayedTime.map { [$0] } ?? [] }.min()
    }

    public func userTasks() async throws -> [UserTask] {
        gather { Array($0.userTasks.values) }.sorted { $0.createTime < $1.createTime }
    }

    public func dueTimers(at now: Date, limit: Int) async throws -> [TimerRef] {
        Array(gather { state in state.timers.values.filter { $0.dueDate <= now } }
            .sorted { $0.dueDate < $1.dueDate }.prefix(limit))
    }

    public func nextTimerDue() async throws -> Date? {
        let instanceTimers = gather { state in state.timers.values.map(\.dueDate) }
        return (instanceTimers + global.withLock { $0.startTimers.values.map(\.dueDate) }).min()
    }

    public func messageSubscriptions(named name: String) async throws -> [SubscriptionRef] {
        gather { state in Array((state.subscriptions[name] ?? [:]).values) }.sorted { $0.subscriptionID < $1.subscriptionID }
    }

    public func saveStartTimer(_ timer: StartTimer) async throws { global.withLock { $0.startTimers[timer.id] = timer } }
    public func removeStartTimer(_ id: String) async throws { global.withLock { $0.startTimers[id] = nil } }
    public func startTimers() async throws -> [StartTimer] { global.withLock { Array($0.startTimers.values) } }

    public func incidents() async throws -> [Incident] {
        gather { Array($0.incidents.values) }.sorted { $0.timestamp < $1.timestamp }
    }

    public func historicProcessInstance(_ id: String) async throws -> HistoricProcessInstance? {
        partition(of: id).state.withLock { $0.history.instance(id) }
    }

    public func historicProcessInstances() async throws -> [HistoricProcessInstance] {
        gather { $0.history.instances }.sorted { $0.startTime < $1.startTime }
    }

    public func historicIncidents() async throws -> [HistoricIncident] {
        gather { state in state.closedIncidents + state.incidents.values.map { HistoricIncident(incident: $0) } }
            .sorted { $0.incident.timestamp < $1.incident.timestamp }
    }

    public func historicActivityInstances(processInstanceID: String?) async throws -> [HistoricActivityInstance] {
        if let processInstanceID {
            return partition(of: processInstanceID).state.withLock { $0.history.activities(of: processInstanceID) }
        }
        return gather { $0.history.activities(of: nil) }.sorted { $0.startTime < $1.startTime }
    }

    public func retiredVariables(processInstanceID: String?) async throws -> [HistoricVariableInstance] {
        if let processInstanceID {
            return partition(of: processInstanceID).state.withLock { $0.history.retiredVariables(of: processInstanceID) }
        }
        return gather { $0.history.retiredVariables(of: nil) }
    }

    public func deleteHistory(of instanceIDs: [String]) async throws {
        for id in instanceIDs {
            partition(of: id).state.withLock { state in
                guard state.instances[id] == nil else { return }
                state.history.delete(id)
                state.closedIncidents.removeAll { $0.incident.processInstanceID == id }
            }
        }
    }

    public func slotPools(now: Date) async throws -> [SlotPool] { slots.pools(now: now) }

    /// A scan of every partition's tasks (the embedded store holds few enough for that to be cheap).
    public func poolStatistics(now: Date) async throws -> [WorkerPoolStatistics] {
        var queued: [WorkerPoolType: Int] = [:], inFlight: [WorkerPoolType: Int] = [:]
        for partition in partitions {
            partition.state.withLock { state in
                for task in state.tasks.values {
                    if task.isFetchable(at: now) {
                        queued[task.workerPool, default: 0] += 1
                    } else if state.leased.contains(task.id), task.isLocked(at: now) {
                        inFlight[task.workerPool, default: 0] += 1
                    }
                }
            }
        }
        return WorkerPoolType.allCases.map { WorkerPoolStatistics(pool: $0, queued: queued[$0] ?? 0, inFlight: inFlight[$0] ?? 0) }
    }

    public func queueDepths(topics: [String], now: Date) async throws -> [QueueDepth] {
        let wanted = Set(topics)
        var counts: [String: [Int]] = [:]
        for partition in partitions {
            partition.state.withLock { state in
                for task in state.tasks.values where wanted.contains(task.topicName) && task.isFetchable(at: now) {
                    counts[task.topicName, default: Array(repeating: 0, count: PriorityLevel.allCases.count)][
                        PriorityLevel(taskPriority: task.priority).rawValue] += 1
                }
            }
        }
        return topics.flatMap { topic in
            PriorityLevel.allCases.map { QueueDepth(topic: topic, level: $0, queued: counts[topic]?[$0.rawValue] ?? 0) }
        }
    }

    public func resizeSlotPool(_ name: String, slots size: Int) async throws { slots.resize(name, slots: size) }
}
