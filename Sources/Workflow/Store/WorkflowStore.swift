// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation

/// The engine's state store: the port every store (embedded memory, Redis) implements.
///
/// Each engine step is one `commit` (the instance's new state with a version check, the tasks it creates and
/// settles, its incidents and history); a fetch is one `fetchAndLock` call. Nothing is read-modified-written
/// across several calls: tasks change only through `updateExternalTask`, a compare-and-set on their version.
public protocol WorkflowStore: Sendable {
    /// The id of an instance about to start: its partition character (`IDGenerator`) says where the instance and
    /// its tasks will live. By default spread evenly over the partitions.
    func newInstanceID() -> String

    // MARK: Repository
    func saveDeployment(_ deployment: Deployment) async throws
    func deployments() async throws -> [Deployment]
    func deleteDeployment(_ id: String) async throws
    /// Grows with every deployment saved or deleted: replicas compare it to know when to reload definitions.
    func deploymentsVersion() async throws -> Int64

    // MARK: Runtime
    func instance(_ id: String) async throws -> ProcessInstance?
    /// Running instances (optionally of one definition key).
    func instances(definitionKey: String?) async throws -> [ProcessInstance]
    /// Applies one engine step atomically. Throws `WorkflowError.conflict` if the instance or a settled task
    /// changed since it was read.
    func commit(_ commit: InstanceCommit) async throws
    func externalTask(_ id: String) async throws -> ExternalTask?
    /// A task and its instance, read together (one round trip; what settling a task needs). `mayBeStale`: the caller
    /// commits with the versions of what it gets and asks again (not stale) on a conflict, so the store may answer
    /// from what it handed out or wrote lately, without a round trip.
    func externalTaskWithInstance(_ id: String, mayBeStale: Bool) async throws -> (ExternalTask, ProcessInstance?)?
    /// Running instances by id, read together; missing ids are left out.
    func instances(ids: Set<String>) async throws -> [String: ProcessInstance]
    /// The instances of tasks that `fetchAndLock` just returned (for the variables handed out with them), by
    /// instance id. A store that read them in the same atomic step as the lock answers from that read; by
    /// default they are read now.
    func instances(ofLocked tasks: [ExternalTask]) async throws -> [String: ProcessInstance]
    func externalTasks() async throws -> [ExternalTask]
    /// Replaces a task if its version is still `task.version - 1`, raising or resolving its incident with it and
    /// holding or releasing the slots of its slot pool.
    func updateExternalTask(_ task: ExternalTask, incident: IncidentChange, slots: SlotChange) async throws
    /// Locks up to `maxTasks` fetchable tasks for the worker and returns them. A task of a slot pool is locked
    /// only if its slots fit in the pool, and then holds them until its lock expires or is settled.
    func fetchAndLock(_ request: FetchRequest, now: Date) async throws -> [ExternalTask]
    /// The earliest time a task of these topics may become fetchable by lock expiry or retry timeout. A store may
    /// answer earlier (e.g. across all topics): a long poll woken early fetches again and goes back to waiting.
    func nextFetchableTime(topics: Set<String>, after now: Date) async throws -> Date?
    func userTasks() async throws -> [UserTask]

    /// Queued and leased tasks per worker pool type, as the scaler reads them.
    func poolStatistics(now: Date) async throws -> [WorkerPoolStatistics]
    /// Tasks of these topics waiting in their queues, by priority level (the `/metrics` queue depth). Counts the
    /// queues only: a task whose lock or back-off ran out joins its queue at the next fetch.
    func queueDepths(topics: [String], now: Date) async throws -> [QueueDepth]

    // MARK: Slot pools
    /// Every pool: the default ones, those resized, and those holding slots.
    func slotPools(now: Date) async throws -> [SlotPool]
    /// Sets a pool's size (creating it). Leases already holding slots keep them.
    func resizeSlotPool(_ name: String, slots: Int) async throws

    // MARK: Distributed locks
    /// Takes the lock for `owner` until `until` if it is free, expired or already the owner's (a renewal keeps the
    /// fencing token). - Returns: the lock now held, or nil when another owner holds it.
    func acquireLock(_ name: String, owner: String, until: Date, now: Date) async throws -> DistributedLock?
    /// Frees the lock if `owner` holds it (expired or not). - Returns: whether it did.
    func releaseLock(_ name: String, owner: String) async throws -> Bool
    /// The lock's holder, if it has one that has not expired.
    func lock(_ name: String, now: Date) async throws -> DistributedLock?

    // MARK: Events
    /// Instance timers due at `now`, earliest first.
    func dueTimers(at now: Date, limit: Int) async throws -> [TimerRef]
    func nextTimerDue() async throws -> Date?
    /// Instances subscribed to a message.
    func messageSubscriptions(named name: String) async throws -> [SubscriptionRef]
    func saveStartTimer(_ timer: StartTimer) async throws
    func removeStartTimer(_ id: String) async throws
    func startTimers() async throws -> [StartTimer]

    // MARK: Incidents and history
    func incidents() async throws -> [Incident]
    func historicProcessInstance(_ id: String) async throws -> HistoricProcessInstance?
    func historicProcessInstances() async throws -> [HistoricProcessInstance]
    func historicActivityInstances(processInstanceID: String?) async throws -> [HistoricActivityInstance]
    /// Open incidents and the resolved or deleted ones, oldest first.
    func historicIncidents() async throws -> [HistoricIncident]
    /// Variables of ended executions and scopes (of one instance, or of all), in the order they ended.
    func retiredVariables(processInstanceID: String?) async throws -> [HistoricVariableInstance]
    /// Forgets ended instances' history: their records, activities and closed incidents (a cascading deployment
    /// delete). Running instances are not touched.
    func deleteHistory(of instanceIDs: [String]) async throws
}

extension WorkflowStore {
    public func newInstanceID() -> String { IDGenerator.next() }

    public func externalTaskWithInstance(_ id: String) async throws -> (ExternalTask, ProcessInstance?)? {
        try await externalTaskWithInstance(id, mayBeStale: false)
    }

    public func instances(ofLocked tasks: [ExternalTask]) async throws -> [String: ProcessInstance] {
        // One task (a worker fetching one at a time): one read, no set of ids.
        if tasks.count == 1 {
            guard let instance = try await instance(tasks[0].processInstanceID) else { return [:] }
            return [instance.id: instance]
        }
        return try await instances(ids: Set(tasks.map(\.processInstanceID)))
    }
}

/// One engine step, committed atomically: the instance's new state and the effects of the step that reach its
/// tables (tasks, user tasks, incidents, history), as the runtime produced them. The views below sort them out for
/// a store; the embedded store walks `effects` once instead, so a step builds no arrays of its own.
public struct InstanceCommit: Sendable {
    /// The instance's new state; its `version` is one more than the stored one (0 for a new instance).
    public var instance: ProcessInstance
    /// The step's effects. Effects that reach other instances (child instances, parents) are the engine's.
    public var effects: [Effect] = []
    /// The task the step settles, as it was read: a different stored version is a conflict. Other deleted tasks
    /// are cancelled by the instance itself (no version check).
    public var settledTask: ExternalTask?
    /// The history record of a new instance.
    public var historicInstance: HistoricProcessInstance?
    /// How and when the instance ended, when it did in this step.
    public var historicEnd: (state: HistoricProcessInstance.State, at: Date)?
    /// Whether the stored instance this step starts from had timers or message subscriptions, which a store that
    /// indexes them must clear first. False for a new instance and for one that had none (its stored version is
    /// the one the step read: a commit checks it).
    public var replacesIndexedEvents = true
    /// Whether the instance's process has user tasks, whose records a store that indexes them per instance must
    /// sweep as the instance ends. A process without any never files one.
    public var mayHoldUserTasks = true

    /// When the step happened (incident resolution and end times).
    public var time: Date

    public init(instance: ProcessInstance, time: Date) {
        self.instance = instance
        self.time = time
    }

    public var createdTasks: [ExternalTask] {
        effects.compactMap { if case .createExternalTask(let task) = $0 { task } else { nil } }
    }
    /// The settled task, when the step deletes it: what the version check covers.
    public var settledDeletion: ExternalTask? {
        guard let settledTask, effects.contains(.deleteExternalTask(settledTask.id)) else { return nil }
        return settledTask
    }
    /// Settled tasks with the version they had when read.
    public var deletedTasks: [ExternalTask] { settledDeletion.map { [$0] } ?? [] }
    /// Tasks deleted without a version check (cancelled by the instance itself).
    public var cancelledTasks: [String] {
        effects.compactMap {
            if case .deleteExternalTask(let id) = $0, id != settledTask?.id { id } else { nil }
        }
    }
    public var createdUserTasks: [UserTask] {
        effects.compactMap { if case .createUserTask(let task) = $0 { task } else { nil } }
    }
    public var deletedUserTasks: [String] {
        effects.compactMap { if case .deleteUserTask(let id) = $0 { id } else { nil } }
    }
    public var raisedIncidents: [Incident] {
        effects.compactMap { if case .raiseIncident(let incident) = $0 { incident } else { nil } }
    }
    /// Executions whose incidents are resolved (applied before `raisedIncidents`).
    public var resolvedExecutions: [String] {
        effects.compactMap { if case .resolveIncidents(let execution) = $0 { execution } else { nil } }
    }
    public var startedActivities: [HistoricActivityInstance] {
        effects.compactMap { if case .activityStarted(let activity) = $0 { activity } else { nil } }
    }
    public var endedActivities: [(id: String, at: Date, canceled: Bool)] {
        effects.compactMap { if case .activityEnded(let id, let at, let canceled) = $0 { (id, at, canceled) } else { nil } }
    }
    /// Variables of executions and scopes that ended in this step.
    public var retiredVariables: [HistoricVariableInstance] {
        effects.flatMap { effect -> [HistoricVariableInstance] in
            if case .variablesRetired(let variables) = effect { variables } else { [] }
        }
    }
}

/// Raise or resolve the `failedExternalTask` incident of a task together with a task update.
public enum IncidentChange: Sendable {
    case none
    case raise(Incident)
    case resolve(at: Date)
}

/// A due instance timer.
public struct TimerRef: Sendable, Hashable, Codable {
    public let instanceID: String
    public let timerID: String
    public let dueDate: Date

    public init(instanceID: String, timerID: String, dueDate: Date) {
        self.instanceID = instanceID
        self.timerID = timerID
        self.dueDate = dueDate
    }
}

/// An instance's message subscription, as correlation sees it.
public struct SubscriptionRef: Sendable, Hashable, Codable {
    public let instanceID: String
    public let subscriptionID: String
    public let businessKey: String?

    public init(instanceID: String, subscriptionID: String, businessKey: String?) {
        self.instanceID = instanceID
        self.subscriptionID = subscriptionID
        self.businessKey = businessKey
    }
}

/// A timer start event of a deployed definition.
public struct StartTimer: Sendable, Hashable, Codable {
    public let id: String
    public let processDefinitionID: String
    public let nodeID: String
    public var dueDate: Date
    public var firedCount: Int
}

/// The load of one worker pool type.
public struct WorkerPoolStatistics: Sendable, Hashable {
    public let pool: WorkerPoolType
    /// Tasks that a fetch could lease now (waiting in the queue, or whose lease ran out).
    public let queued: Int
    /// Tasks leased by a worker whose lease has not run out.
    public let inFlight: Int

    public init(pool: WorkerPoolType, queued: Int, inFlight: Int) {
        self.pool = pool
        self.queued = queued
        self.inFlight = inFlight
    }
}

/// How many tasks of a topic wait at one priority level.
public struct QueueDepth: Sendable, Hashable {
    public let topic: String
    public let level: PriorityLevel
    public let queued: Int

    public init(topic: String, level: PriorityLevel, queued: Int) {
        self.topic = topic
        self.level = level
        self.queued = queued
    }
}

/// A fetch-and-lock request.
public struct FetchRequest: Sendable {
    public struct Topic: Sendable {
        public var topicName: String
        public var lockDuration: Int64
        public var businessKey: String?
        public var processDefinitionIDs: [String]?
        public var processDefinitionKeys: [String]?
        public var tenantIDs: [String]?
        public var withoutTenantID: Bool = false
        /// SQL `LIKE` on the process definition's version tag.
        public var processDefinitionVersionTag: String?
        /// Raw values matched against process-level variables; any match suffices (Camunda's OR).
        public var processVariables: [String: VariableValue] = [:]

        public init(topicName: String, lockDuration: Int64) {
            self.topicName = topicName
            self.lockDuration = lockDuration
        }

        /// Whether the topic's filters accept a task. `variables` are the task's process-level variables; they are
        /// read only when the topic filters on `processVariables`.
        public func accepts(_ task: ExternalTask, variables: () -> [String: VariableValue]) -> Bool {
            guard task.topicName == topicName else { return false }
            if let key = businessKey, task.businessKey != key { return false }
            if let ids = processDefinitionIDs, !ids.contains(task.processDefinitionID) { return false }
            if let keys = processDefinitionKeys, !keys.contains(task.processDefinitionKey) { return false }
            if let tenants = tenantIDs, !tenants.contains(task.tenantID ?? "") { return false }
            if withoutTenantID, task.tenantID != nil { return false }
            if let tag = processDefinitionVersionTag,
               !(task.processDefinitionVersionTag?.matchesLike(tag) ?? false) { return false }
            if !processVariables.isEmpty {
                let values = variables()
                return processVariables.contains { values[$0.key]?.expressionValue == $0.value.expressionValue }
            }
            return true
        }

        /// Whether the topic filters on anything beyond its name.
        public var hasFilters: Bool {
            businessKey != nil || processDefinitionIDs != nil || processDefinitionKeys != nil || tenantIDs != nil
                || withoutTenantID || processDefinitionVersionTag != nil || !processVariables.isEmpty
        }
    }

    public var workerID: String
    public var maxTasks: Int
    public var usePriority: Bool
    /// Sort by create time: nil, ascending (true) or descending (false); applied after priority.
    public var createTimeAscending: Bool?
    /// Only tasks of this worker pool type (a worker of a typed pool fetching for its pool).
    public var workerPool: WorkerPoolType?
    public var topics: [Topic]

    /// Whether one of the topics (and the pool scope) accepts the task.
    public func accepts(_ task: ExternalTask, variables: () -> [String: VariableValue]) -> Bool {
        (workerPool == nil || task.workerPool == workerPool) && topics.contains { $0.accepts(task, variables: variables) }
    }

    public init(workerID: String, maxTasks: Int, usePriority: Bool, topics: [Topic]) {
        self.workerID = workerID
        self.maxTasks = maxTasks
        self.usePriority = usePriority
        self.topics = topics
    }
}
