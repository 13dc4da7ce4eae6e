// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Logging
import Synchronization

/// Workflow: the engine. Deploys definitions, runs process instances step by step on a `WorkflowStore`, and
/// hands service tasks to external workers. Knows nothing of Redis or HTTP.
///
/// Every operation is read, compute (`Runtime`, no I/O), commit; a commit that lost a race is recomputed.
public final class Engine: Sendable {
    public let store: any WorkflowStore
    public let clock: any WorkflowClock
    let logger: Logger
    let repository = Mutex(Repository())
    let waiters = FetchWaiters()
    let sightings = WorkerSightings()
    /// Definitions by id as steps look them up, per shard (by instance id) so that steps on different cores do not
    /// all meet on the repository's lock. A shard holds its core class's replica (`replicas`). Filled on a miss;
    /// emptied when the repository is reloaded.
    let processCache = Sharded<[String: DeployedProcess]> { [:] }
    /// Per definition id, one replica per core class (`CoreAffinity`), shared by the shards of that class.
    let replicas = Mutex<[String: [DeployedProcess?]]>([:])

    /// Deployed definitions, cached from the store.
    struct Repository {
        var byID: [String: DeployedProcess] = [:]
        var deployments: [String: Deployment] = [:]
        var latestByKey: [String: DeployedProcess] = [:]
        /// The store's `deploymentsVersion` when this was loaded.
        var version: Int64 = -1

        mutating func add(_ deployment: Deployment) {
            deployments[deployment.id] = deployment
            for process in deployment.processes {
                byID[process.id] = process
                if process.tenantID == nil, (latestByKey[process.key]?.version ?? 0) < process.version {
                    latestByKey[process.key] = process
                }
            }
        }
    }

    /// The back-off of failures reported without a `retryTimeout`.
    public let retryPolicy: RetryPolicy
    /// The worker pool type of topics whose model names none (server configuration); the rest are general purpose.
    public let topicPools: [String: WorkerPoolType]
    /// Counters and timers of this replica (swift-metrics).
    public let metrics: EngineMetrics

    public init(store: any WorkflowStore, clock: any WorkflowClock = SystemClock(),
                logger: Logger = Logger(label: "workflow.engine"), retryPolicy: RetryPolicy = RetryPolicy(),
                topicPools: [String: WorkerPoolType] = [:], metrics: EngineMetrics = EngineMetrics()) {
        self.topicPools = topicPools
        self.metrics = metrics
        self.store = store
        self.clock = clock
        self.logger = logger
        self.retryPolicy = retryPolicy
    }

    /// Loads the deployments in the store (at start, and when another replica deployed or deleted some).
    public func loadRepository() async throws {
        let version = try await store.deploymentsVersion()
        let deployments = try await store.deployments()
        repository.withLock { repository in
            repository = Repository()
            deployments.forEach { repository.add($0) }
            repository.version = version
        }
        processCache.forEach { $0.removeAll() }
        replicas.withLock { $0.removeAll() }
    }

    /// Reloads the definitions if the store's deployments changed since they were loaded (another replica).
    /// - Returns: whether it reloaded.
    @discardableResult
    public func syncRepository() async throws -> Bool {
        let version = try await store.deploymentsVersion()
        guard repository.withLock({ $0.version != version }) else { return false }
        try await loadRepository()
        return true
    }

    /// A definition by id (for a step of `instanceID`), reloading the repository once when this replica does not
    /// know it yet.
    func resolveProcess(id: String, for instanceID: String) async throws -> DeployedProcess {
        if let process = processCache.withLock(instanceID, { $0[id] }) { return process }
        if repository.withLock({ $0.byID[id] }) == nil { try await syncRepository() }
        let process = replica(of: try process(id: id), for: instanceID)
        processCache.withLock(instanceID) { $0[id] = process }
        return process
    }

    /// The replica of a definition for the core class of an instance's partition: the instance's steps run mostly
    /// on that class's cores (`CoreAffinity`), so they retain objects no other core writes. With one class, or
    /// when the resource cannot be parsed again, the definition itself.
    private func replica(of process: DeployedProcess, for instanceID: String) -> DeployedProcess {
        let classes = CoreAffinity.classes
        guard classes > 1 else { return process }
        let coreClass = IDGenerator.partition(of: instanceID) % classes
        if let made = replicas.withLock({ $0[process.id]?[coreClass] }) { return made }
        let bytes = repository.withLock { $0.deployments[process.deploymentID]?.resources[process.resourceName] }
        let made = bytes.flatMap { process.replica(parsing: $0) } ?? process
        return replicas.withLock { replicas in
            var entry = replicas[process.id] ?? Array(repeating: nil, count: classes)
            if let raced = entry[coreClass] { return raced }
            entry[coreClass] = made
            replicas[process.id] = entry
            return made
        }
    }

    func process(id: String) throws(WorkflowError) -> DeployedProcess {
        guard let process = repository.withLock({ $0.byID[id] }) else {
            throw WorkflowError(.notFound, "No matching definition with id \(id)")
        }
        return process
    }

    /// Runs one step on an existing instance, retrying when a concurrent step won.
    @discardableResult
    func step(
        _ instanceID: String, deletedTask: ExternalTask? = nil, preloaded: ProcessInstance? = nil,
        _ event: (inout Runtime) throws(WorkflowError) -> Void
    ) async throws -> ProcessInstance {
        var preloaded = preloaded
        for _ in 0..<20 {
            var read = preloaded
            preloaded = nil
            if read == nil { read = try await store.instance(instanceID) }
            guard let instance = read else { throw WorkflowError.instanceNotFound(instanceID) }
            var runtime = Runtime(instance: instance, process: try await resolveProcess(id: instance.definitionID, for: instance.id),
                                  now: clock.now())
            try event(&runtime)
            do {
                try await commit(runtime, isNew: false, deletedTask: deletedTask,
                                 indexedEvents: !instance.timers.isEmpty || !instance.messages.isEmpty)
                return runtime.instance
            } catch let error as WorkflowError where error.code == .conflict {
                continue
            }
        }
        throw WorkflowError(.conflict, "Process instance \(instanceID) is too contended; try again")
    }

    /// Commits a computed step and carries out the effects that reach beyond the instance.
    func commit(_ runtime: Runtime, isNew: Bool, deletedTask: ExternalTask? = nil,
                indexedEvents: Bool = true) async throws {
        var instance = runtime.instance
        instance.version += isNew ? 0 : 1
        var commit = InstanceCommit(instance: instance, time: runtime.now)
        commit.replacesIndexedEvents = !isNew && indexedEvents
        var followUps: [Effect] = []
        var historic: HistoricProcessInstance?
        if isNew {
            historic = HistoricProcessInstance(
                id: instance.id, businessKey: instance.businessKey, processDefinitionID: runtime.process.id,
                processDefinitionKey: runtime.process.key, processDefinitionName: runtime.process.name,
                processDefinitionVersion: runtime.process.version, startTime: instance.startTime, endTime: nil,
                startActivityID: runtime.effects.lazy.compactMap {
                    if case .activityStarted(let activity) = $0 { activity.activityID } else { nil }
                }.first,
                deleteReason: nil, superProcessInstanceID: instance.superInstance?.instanceID,
                rootProcessInstanceID: instance.id, state: .active)
        }
        commit.effects = runtime.effects
        commit.settledTask = deletedTask
        commit.mayHoldUserTasks = runtime.process.definition.hasUserTasks
        for (index, effect) in runtime.effects.enumerated() {
            switch effect {
            case .createExternalTask(var task) where !topicPools.isEmpty:
                // A pool named in the model wins; else the server's configuration for the topic.
                guard task.extensionProperties["workerPool"] == nil, let pool = topicPools[task.topicName] else { continue }
                task.workerPool = pool
                commit.effects[index] = .createExternalTask(task)
            case .instanceEnded(let state):
                metrics.instanceEnded(runtime.process.key, state: state.rawValue, instanceID: instance.id)
                historic?.state = state
                historic?.endTime = runtime.now
                commit.historicEnd = (state, runtime.now)
            case .startChildInstance, .cancelChildInstance, .notifyParent: followUps.append(effect)
            default: break
            }
        }
        commit.historicInstance = historic
        try await store.commit(commit)
        if isNew { metrics.instanceStarted(runtime.process.key, instanceID: instance.id) }
        if commit.effects.contains(where: { if case .createExternalTask = $0 { true } else { false } }) {
            waiters.notify(topics: Set(commit.createdTasks.map(\.topicName)))
        }
        for effect in followUps { try await carryOut(effect) }
    }

    /// Cross-instance effects: run after the commit, each as a step of the other instance.
    private func carryOut(_ effect: Effect) async throws {
        switch effect {
        case .startChildInstance(let id, let parent, let key, let variables, let businessKey):
            do {
                let process = try await resolveLatestProcess(key: key)
                let runtime = try Runtime.start(
                    id: id, process: process, businessKey: businessKey, variables: variables, parent: parent,
                    now: clock.now())
                try await commit(runtime, isNew: true)
            } catch let error as WorkflowError {
                try await step(parent.instanceID) { runtime throws(WorkflowError) in
                    runtime.raiseIncident(parent.tokenID, "call activity could not start '\(key)': \(error.message)")
                }
            }
        case .cancelChildInstance(let id):
            _ = try? await step(id) { runtime in runtime.cancel(reason: "cancelled by its call activity") }
        case .notifyParent(let parent, let outcome):
            try await step(parent.instanceID) { runtime throws(WorkflowError) in
                try runtime.childEnded(tokenID: parent.tokenID, outcome: outcome)
            }
        default: break
        }
    }
}
