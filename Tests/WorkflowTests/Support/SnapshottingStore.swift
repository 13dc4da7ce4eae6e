// SPDX-License-Identifier: Apache-2.0
import Foundation
import Workflow

/// A store decorator that round-trips instances through JSON on every commit and read.
final class SnapshottingStore: WorkflowStore {
    let base: any WorkflowStore

    init(_ base: any WorkflowStore) { self.base = base }

    private func roundTrip(_ instance: ProcessInstance) throws -> ProcessInstance {
        try JSONDecoder().decode(ProcessInstance.self, from: JSONEncoder().encode(instance))
    }

    func commit(_ commit: InstanceCommit) async throws {
        var copy = commit
        copy.instance = try roundTrip(commit.instance)
        precondition(copy.instance == commit.instance, "instance changed through Codable")
        try await base.commit(copy)
    }

    func instance(_ id: String) async throws -> ProcessInstance? {
        try await base.instance(id).map(roundTrip)
    }

    func instances(definitionKey: String?) async throws -> [ProcessInstance] {
        try await base.instances(definitionKey: definitionKey).map(roundTrip)
    }

    func saveDeployment(_ deployment: Deployment) async throws { try await base.saveDeployment(deployment) }
    func deployments() async throws -> [Deployment] { try await base.deployments() }
    func deleteDeployment(_ id: String) async throws { try await base.deleteDeployment(id) }
    func externalTask(_ id: String) async throws -> ExternalTask? { try await base.externalTask(id) }
    func externalTasks() async throws -> [ExternalTask] { try await base.externalTasks() }
    func externalTaskWithInstance(_ id: String, mayBeStale: Bool) async throws -> (ExternalTask, ProcessInstance?)? {
        guard let (task, instance) = try await base.externalTaskWithInstance(id, mayBeStale: mayBeStale) else { return nil }
        return (task, try instance.map(roundTrip))
    }
    func instances(ids: Set<String>) async throws -> [String: ProcessInstance] {
        try await base.instances(ids: ids).mapValues(roundTrip)
    }
    func instances(ofLocked tasks: [ExternalTask]) async throws -> [String: ProcessInstance] {
        try await base.instances(ofLocked: tasks).mapValues(roundTrip)
    }
    func updateExternalTask(_ task: ExternalTask, incident: IncidentChange, slots: SlotChange) async throws {
        try await base.updateExternalTask(task, incident: incident, slots: slots)
    }
    func fetchAndLock(_ request: FetchRequest, now: Date) async throws -> [ExternalTask] {
        try await base.fetchAndLock(request, now: now)
    }
    func nextFetchableTime(topics: Set<String>, after now: Date) async throws -> Date? {
        try await base.nextFetchableTime(topics: topics, after: now)
    }
    func userTasks() async throws -> [UserTask] { try await base.userTasks() }
    func dueTimers(at now: Date, limit: Int) async throws -> [TimerRef] { try await base.dueTimers(at: now, limit: limit) }
    func nextTimerDue() async throws -> Date? { try await base.nextTimerDue() }
    func messageSubscriptions(named name: String) async throws -> [SubscriptionRef] {
        try await base.messageSubscriptions(named: name)
    }
    func saveStartTimer(_ timer: StartTimer) async throws { try await base.saveStartTimer(timer) }
    func removeStartTimer(_ id: String) async throws { try await base.removeStartTimer(id) }
    func startTimers() async throws -> [StartTimer] { try await base.startTimers() }
    func incidents() async throws -> [Incident] { try await base.incidents() }
    func historicProcessInstance(_ id: String) async throws -> HistoricProcessInstance? {
        try await base.historicProcessInstance(id)
    }
    func historicProcessInstances() async throws -> [HistoricProcessInstance] {
        try await base.historicProcessInstances()
    }
    func historicActivityInstances(processInstanceID: String?) async throws -> [HistoricActivityInstance] {
        try await base.historicActivityInstances(processInstanceID: processInstanceID)
    }

    func historicIncidents() async throws -> [HistoricIncident] { try await base.historicIncidents() }
    func slotPools(now: Date) async throws -> [SlotPool] { try await base.slotPools(now: now) }
    func resizeSlotPool(_ name: String, slots: Int) async throws { try await base.resizeSlotPool(name, slots: slots) }
    func acquireLock(_ name: String, owner: String, until: Date, now: Date) async throws -> DistributedLock? {
        try await base.acquireLock(name, owner: owner, until: until, now: now)
    }
    func releaseLock(_ name: String, owner: String) async throws -> Bool { try await base.releaseLock(name, owner: owner) }
    func lock(_ name: String, now: Date) async throws -> DistributedLock? { try await base.lock(name, now: now) }
    func retiredVariables(processInstanceID: String?) async throws -> [HistoricVariableInstance] {
        try await base.retiredVariables(processInstanceID: processInstanceID)
    }
    func poolStatistics(now: Date) async throws -> [WorkerPoolStatistics] { try await base.poolStatistics(now: now) }
    func queueDepths(topics: [String], now: Date) async throws -> [QueueDepth] { try await base.queueDepths(topics: topics, now: now) }
    func deploymentsVersion() async throws -> Int64 { try await base.deploymentsVersion() }
    func deleteHistory(of instanceIDs: [String]) async throws { try await base.deleteHistory(of: instanceIDs) }
}
