// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Workflow

/// The writes of one `apply` script, built in Swift; key names are relative to the partition prefix.
///
/// The arguments are kept as the RESP they are sent as (`$LEN\r\nBYTES\r\n` each), in one buffer: a step has 20 to
/// 60 of them, and an array per argument, copied into the command and written out again, was a good part of the
/// server's allocations per task.
struct RedisOperations {
    private(set) var resp: [UInt8] = []
    private(set) var count = 0

    init() { resp.reserveCapacity(1024) }

    private mutating func put(_ part: String) {
        var part = part
        part.withUTF8 { bytes in
            resp.append(UInt8(ascii: "$"))
            resp.append(contentsOf: String(bytes.count).utf8)
            resp.append(13)
            resp.append(10)
            resp.append(contentsOf: bytes)
            resp.append(13)
            resp.append(10)
        }
        count += 1
    }

    private mutating func add(_ first: String, _ second: String) { put(first); put(second) }
    private mutating func add(_ first: String, _ second: String, _ third: String) { add(first, second); put(third) }
    private mutating func add(_ first: String, _ second: String, _ third: String, _ fourth: String) {
        add(first, second, third); put(fourth)
    }
    private mutating func add(_ first: String, _ second: String, _ third: String, _ fourth: String, _ fifth: String) {
        add(first, second, third, fourth); put(fifth)
    }
    private mutating func add(_ first: String, _ second: String, _ third: String, _ fourth: String, _ fifth: String,
                              _ sixth: String) {
        add(first, second, third, fourth, fifth); put(sixth)
    }

    mutating func hashSet(_ key: String, _ field: String, _ value: String) { add("H", key, field, value) }
    mutating func hashDelete(_ key: String, _ field: String) { add("D", key, field) }
    /// Several fields of one hash in one call.
    mutating func hashSet(_ key: String, _ pairs: [(field: String, value: String)]) {
        guard pairs.count != 1 else { return hashSet(key, pairs[0].field, pairs[0].value) }
        guard !pairs.isEmpty else { return }
        add("M", key, String(pairs.count))
        for pair in pairs { add(pair.field, pair.value) }
    }
    mutating func hashDelete(_ key: String, _ fields: [String]) {
        add("W", key, String(fields.count))
        for field in fields { put(field) }
    }
    mutating func sortedSetAdd(_ key: String, _ score: String, _ member: String) { add("Z", key, score, member) }
    mutating func setAdd(_ key: String, _ member: String) { add("S", key, member) }
    mutating func listPush(_ key: String, _ value: String) { add("L", key, value) }
    /// Appends several values to one list in one call, in order.
    mutating func listPush(_ key: String, _ values: [String]) {
        guard values.count != 1 else { return listPush(key, values[0]) }
        guard !values.isEmpty else { return }
        add("N", key, String(values.count))
        for value in values { put(value) }
    }
    mutating func delete(_ key: String) { add("K", key) }
    /// Takes a task out of its ready and delayed queues.
    mutating func unqueue(_ taskID: String) { add("Q", taskID) }
    /// Removes a task and closes its incident (`resolved` or `deleted`).
    mutating func dropTask(instance: String, task: String, incidentState: HistoricIncident.State, at time: Date) {
        add("T", instance, task, incidentState.rawValue, RedisWorkflowStore.time(time))
    }
    /// Removes a task whose version the script checks, so its worker pool and slot pool are the ones read: a leased
    /// task (one a worker settles) is dropped without reading its queue entry.
    mutating func dropSettled(_ task: ExternalTask, incidentState: HistoricIncident.State, at time: Date) {
        add("V", task.processInstanceID, task.id, incidentState.rawValue, RedisWorkflowStore.time(time))
        add(task.workerPool.rawValue, task.slotPool ?? "")
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
        let entry = [task.topicName, score, member, task.slotPool ?? "", String(task.slots), task.workerPool.rawValue,
                     task.processInstanceID]
        hashSet("task", [(task.id, json), (RedisKeys.version(task.id), String(task.version)),
                         (RedisKeys.queueEntry(task.id), entry.joined(separator: "\u{1F}"))])
        if !isNew { hashDelete("task", RedisKeys.lock(task.id)) }
        if !isNew { unqueue(task.id) }
        guard (task.retries ?? 1) > 0, !task.suspended else {
            // Out of retries or suspended: neither queued nor leased in its worker pool's counts.
            add("R", "pl:" + task.workerPool.rawValue, task.id)
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

    /// The task id in a ready set's member, sliced as bytes (`dropFirst` on the String walks characters).
    static func taskID(ofMember member: String) -> String {
        String(decoding: member.utf8.dropFirst(16), as: UTF8.self)
    }

    /// Records a lease change in the task's worker pool counts (`pl:<pool>`, task id by lease expiry).
    mutating func lease(_ change: SlotChange, of task: ExternalTask) {
        switch change {
        case .keep: break
        case .hold(let until): sortedSetAdd("pl:" + task.workerPool.rawValue, RedisWorkflowStore.time(until), task.id)
        case .release: add("R", "pl:" + task.workerPool.rawValue, task.id)
        }
    }

    mutating func addIncident(_ incident: Incident) {
        hashSet("inc", incident.id, RedisWorkflowStore.encode(incident))
        hashSet("iinc:" + incident.processInstanceID, incident.id,
                incident.executionID + "\u{1F}" + (incident.configuration ?? ""))
    }
}

extension RedisOperations {
    mutating func setRemove(_ key: String, _ member: String) { add("X", key, member) }
    /// Removes an instance's closed incidents from the partition's incident history.
    mutating func purgeClosedIncidents(instance: String) { add("P", instance) }
}
