// SPDX-License-Identifier: Apache-2.0
import Foundation

/// The memory store's table upkeep: task removal, incident indexes, event indexes and fetch filters.
extension MemoryWorkflowStore.State {
    /// Removes a settled (its incident is resolved) or cancelled (deleted) task.
    mutating func removeTask(_ id: String, at time: Date, incidentState: HistoricIncident.State) {
        guard let task = tasks.removeValue(forKey: id) else { return }  // its queue entries die with it
        if task.slotPool != nil { slots.release(task) }
        leased.remove(id)
        if incidentsByInstance[task.processInstanceID] != nil {
            removeIncidents(of: task.processInstanceID, at: time, as: incidentState) { $0.configuration == id }
        }
    }

    mutating func addIncident(_ incident: Incident) {
        incidents[incident.id] = incident
        incidentsByInstance[incident.processInstanceID, default: []].insert(incident.id)
    }

    /// Closes the instance's matching incidents, keeping them in the incident history.
    mutating func removeIncidents(
        of instanceID: String, at time: Date, as state: HistoricIncident.State, where matches: (Incident) -> Bool
    ) {
        guard let ids = incidentsByInstance[instanceID] else { return }
        for id in ids where incidents[id].map(matches) ?? true {
            if let incident = incidents.removeValue(forKey: id) {
                closedIncidents.append(HistoricIncident(incident: incident, endTime: time, state: state))
            }
            incidentsByInstance[instanceID]?.remove(id)
        }
        if incidentsByInstance[instanceID]?.isEmpty == true { incidentsByInstance[instanceID] = nil }
    }

    /// Keeps the timer and message indexes in step with the instance's subscriptions.
    mutating func reindexEvents(old: ProcessInstance?, new: ProcessInstance) {
        for timer in old?.timers.values ?? [] { timers[timer.id] = nil }
        for subscription in old?.messages.values ?? [] { subscriptions[subscription.messageName]?[subscription.id] = nil }
        guard !new.isEnded else { return }
        for timer in new.timers.values {
            timers[timer.id] = TimerRef(instanceID: new.id, timerID: timer.id, dueDate: timer.dueDate)
        }
        for subscription in new.messages.values {
            subscriptions[subscription.messageName, default: [:]][subscription.id] = SubscriptionRef(
                instanceID: new.id, subscriptionID: subscription.id, businessKey: new.businessKey)
        }
    }

    func matches(_ task: ExternalTask, _ topic: FetchRequest.Topic) -> Bool {
        Self.matches(task, topic, instances: instances)
    }

    static func matches(_ task: ExternalTask, _ topic: FetchRequest.Topic, instances: [String: ProcessInstance]) -> Bool {
        topic.accepts(task) { instances[task.processInstanceID]?.variables ?? [:] }
    }
}
