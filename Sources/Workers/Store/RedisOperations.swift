// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Workflow

/// The writes of one `apply` script, built in Swift; key names are relative to the partition prefix.
struct RedisOperations {
    private(set) var arguments: [[UInt8]] = []

    private mutating func add(_ parts: String...) { arguments += parts.map { Array($0.utf8) } }

    mutating func hashSet(_ key: String, _ field: String, _ value: String) { add("H", key, field, value) }
    mutating func hashDelete(_ key: String, _ field: String) { add("D", key, field) }
    /// Several fields of one hash in one call.
    mutating func hashSet(_ key: String, _ pairs: [(field: String, value: String)]) {
        add("M", key, String(pairs.count))
        for pair in pairs { add(pair.field, pair.value) }
    }
    mutating func hashDelete(_ key: String, _ fields: [String]) {
        add("W", key, String(fields.count))
        for field in fields { add(field) }
    }
    mutating func sortedSetAdd(_ key: String, _ score: String, _ member: String) { add("Z", key, score, member) }
    mutating func setAdd(_ key: String, _ member: String) { add("S", key, member) }
    mutating func listPush(_ key: String, _ value: String) { add("L", key, value) }
    mutating func delete(_ key: String) { add("K", key) }
    /// Takes a task out of its ready and delayed queues.
    mutating func unqueue(_ taskID: String) { add("Q", taskID) }
    /// Removes a task and closes its incident (`resolved` or `deleted`).
    mutating func dropTask(instance: String, task: String, incidentState: HistoricIncident.State, at time: Date) {
        add("T", instance, task, incidentState.rawValue, RedisWorkflowStore.time(time))
    }
    /// Closes an instance's incidents: `e` of an execution, `c` of a task (configuration), `a` all.
    mutating func closeIncidents(instance: String, mode: String, value: String, state: HistoricIncident.State, at time: Date) {
        add("I", instance, mode, value, state.rawValue, RedisWorkflowStore.time(time))
    }
    mutating func dropAllTasks(instance: String, at time: Date) { add("A", instance, RedisWorkflowStore.time(time)) }
    mutating func dropUserTasks(instance: String) { add("U", instance) }
    /// Removes an instance's timer and message subscriptions from the partition's indexes.
    mutating func clearEvents(instance: String) { add("E", instance) }

    /// Writes a task's record and files it where it can be fetched: ready, delayed until its lock or back-off
    /// ends, or nowhere (no retries left, suspended). The lock overlay is cleared: the record holds the truth.
    /// Files a task (record, version, queue entry) and returns its record's JSON. `isNew`: a task created in this
    /// step, which no queue or lock overlay holds yet.
    @discardableResult
    mutating func file(_ task: ExternalTask, isNew: Bool = false, signals channel: String) -> String {
        let member = Self.member(task)
        let score = String(-Double(task.priority))
        let json = RedisWorkflowStore.encode(task)
        let entry = [task.topicName, score, member, task.slotPool ?? "", String(task.slots), task.workerPool.rawValue]
        hashSet("task", [(task.id, json), (RedisKeys.version(task.id), String(task.version)),
                         (RedisKeys.queueEntry(task.id), entry.joined(separator: "\u{1F}"))])
        if !isNew { hashDelete("task", RedisKeys.lock(task.id)) }
        if !isNew { unqueue(task.id) }
        guard (task.retries ?? 1) > 0, !task.suspended else {
            // Out of retries or suspended: neither queued nor leased in its worker pool's counts.
            arguments += ["R", "pl:" + task.workerPool.rawValue, task.id].map { Array($0.utf8) }
            return json
        }
        if let until = task.lockExpirationTime {
            sortedSetAdd("delayed", RedisWorkflowStore.time(until), task.id)
        } else {
            sortedSetAdd(RedisKeys.ready(task.topicName), score, member)
            sortedSetAdd("pq:" + task.workerPool.rawValue, "0", task.id)
            publish(channel, task.topicName)
        }
        return json
    }

    /// Publishes a message once the script's writes are done (parked fetches of every replica wake on it).
    mutating func publish(_ channel: String, _ message: String) { add("B", channel, message) }

    /// A task's member in its ready set: its 16-digit sequence, then its id (FIFO among equal priorities).
    static func member(_ task: ExternalTask) -> String {
        let digits = String(task.sequence)
        return String(repeating: "0", count: max(0, 16 - digits.count)) + digits + task.id
    }

    /// Records a lease change in the task's worker pool counts (`pl:<pool>`, task id by lease expiry).
    mutating func lease(_ change: SlotChange, of task: ExternalTask) {
        switch change {
        case .keep: break
        case .hold(let until): sortedSetAdd("pl:" + task.workerPool.rawValue, RedisWorkflowStore.time(until), task.id)
        case .release: arguments += ["R", "pl:" + task.workerPool.rawValue, task.id].map { Array($0.utf8) }
        }
    }

    mutating func addIncident(_ incident: Incident) {
        hashSet("inc", incident.id, RedisWorkflowStore.encode(incident))
        hashSet("iinc:" + incident.processInstanceID, incident.id,
                incident.executionID + "\u{1F}" + (incident.configuration ?? ""))
    }
}

extension RedisOperations {
    mutating func setRemove(_ key: String, _ member: String) { arguments += ["X", key, member].map { Array($0.utf8) } }
    /// Removes an instance's closed incidents from the partition's incident history.
    mutating func purgeClosedIncidents(instance: String) { arguments += ["P", instance].map { Array($0.utf8) } }
}
