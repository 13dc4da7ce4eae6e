// SPDX-License-Identifier: Apache-2.0
import Foundation

/// One memory-store partition's history: instance records and activity records in two append-only logs.
///
/// History only grows, and every instance adds to it, so recording must not cost what a table keyed by every
/// instance ever run costs: a hash insert into an ever larger (and colder) table, its rehashing as it doubles, and a
/// heap block per record. Here an instance's record and its activities are appended to two chunked logs (an
/// instance's activities are chained by index, in start order); a step finds the record of a running instance
/// through a small table of running instances only, which stays in cache. The table of every record by id, which
/// queries need, is brought up to date when a query asks, so each record is indexed once, off the engine's path.
struct HistoryLog {
    /// An instance's record and where its activities are.
    struct Entry {
        var instance: HistoricProcessInstance
        var retiredVariables: [HistoricVariableInstance] = []
        var firstActivity: Int32 = -1
        var lastActivity: Int32 = -1
        var deleted = false
    }

    /// An activity instance, without what its instance's record already holds.
    struct Activity {
        /// The runtime's activity instance id: the same string the token held, so keeping it costs no copy.
        let id: String
        let activityID: String
        let activityName: String?
        let activityType: String
        let executionID: String
        /// nil: the instance itself (the usual parent).
        let parentActivityInstanceID: String?
        let startTime: Date
        let sequence: Int64
        /// What activity records rarely carry (task id, called instance).
        var links: Shared<(taskID: String?, calledProcessInstanceID: String?)>?
        var endTime: Date?
        var canceled: Bool
        /// The instance's next activity in start order (-1: none).
        var next: Int32 = -1

        init(_ activity: HistoricActivityInstance) {
            id = activity.id
            activityID = activity.activityID
            activityName = activity.activityName
            activityType = activity.activityType
            executionID = activity.executionID
            parentActivityInstanceID = activity.parentActivityInstanceID == activity.processInstanceID
                ? nil : activity.parentActivityInstanceID
            startTime = activity.startTime
            sequence = activity.sequence
            endTime = activity.endTime
            canceled = activity.canceled
            if activity.taskID != nil || activity.calledProcessInstanceID != nil {
                links = Shared((activity.taskID, activity.calledProcessInstanceID))
            }
        }
    }

    private var entries = ChunkedLog<Entry>()
    private var activities = ChunkedLog<Activity>()
    /// Entries of running instances (and of ended ones until their last step is recorded).
    private var running: [String: Int] = [:]
    /// Entries by instance id, complete up to `indexed`.
    private var index: [String: Int] = [:]
    private var indexed = 0
    private var deletedCount = 0

    /// Records one step: a new instance's record, started and ended activities, retired variables and the end.
    mutating func record(_ commit: InstanceCommit, finalVariables: [String: VariableValue]?) {
        let id = commit.instance.id
        let position: Int
        if let historic = commit.historicInstance {
            position = entries.count
            entries.append(Entry(instance: historic))
            running[id] = position
        } else if let found = running[id] {
            position = found
        } else {
            return  // no record (ended before, or deleted)
        }
        for effect in commit.effects {
            switch effect {
            case .activityStarted(let started): append(Activity(started), to: position)
            case .activityEnded(let id, let at, let canceled): end(id, at: at, canceled: canceled, of: position)
            case .variablesRetired(let variables): entries[position].retiredVariables += variables
            default: break
            }
        }
        if let end = commit.historicEnd {
            entries[position].instance.state = end.state
            entries[position].instance.endTime = end.at
        }
        if let finalVariables {
            entries[position].instance.finalVariables = finalVariables
            running[id] = nil
        }
    }

    /// Stamps the end of the instance's latest activity with this id.
    private mutating func end(_ id: String, at time: Date, canceled: Bool, of position: Int) {
        var last = -1
        var current = Int(entries[position].firstActivity)
        while current >= 0 {
            if activities[current].id == id { last = current }
            current = Int(activities[current].next)
        }
        guard last >= 0 else { return }
        activities[last].endTime = time
        activities[last].canceled = canceled
    }

    private mutating func append(_ activity: Activity, to position: Int) {
        let added = Int32(activities.count)
        activities.append(activity)
        if entries[position].lastActivity >= 0 {
            activities[Int(entries[position].lastActivity)].next = added
        } else {
            entries[position].firstActivity = added
        }
        entries[position].lastActivity = added
    }

    /// The record of an instance, running or ended.
    mutating func instance(_ id: String) -> HistoricProcessInstance? { position(of: id).map { entries[$0].instance } }

    var instances: [HistoricProcessInstance] {
        entries.indices.filter { !entries[$0].deleted }.map { entries[$0].instance }
    }

    /// One instance's activities in start order; all of them when `id` is nil.
    mutating func activities(of id: String?) -> [HistoricActivityInstance] {
        guard let id else { return entries.indices.filter { !entries[$0].deleted }.flatMap { activities(at: $0) } }
        return position(of: id).map { activities(at: $0) } ?? []
    }

    mutating func retiredVariables(of id: String?) -> [HistoricVariableInstance] {
        guard let id else {
            let entries = self.entries
            return entries.indices.filter { !entries[$0].deleted }.flatMap { entries[$0].retiredVariables }
        }
        return position(of: id).map { entries[$0].retiredVariables } ?? []
    }

    /// Forgets an ended instance's history; the logs are compacted once half of them is forgotten.
    mutating func delete(_ id: String) {
        guard running[id] == nil, let position = position(of: id) else { return }
        entries[position].deleted = true
        index[id] = nil
        deletedCount += 1
        if deletedCount * 2 > entries.count { compact() }
    }

    private func activities(at position: Int) -> [HistoricActivityInstance] {
        let instance = entries[position].instance
        var result: [HistoricActivityInstance] = []
        var current = Int(entries[position].firstActivity)
        while current >= 0 {
            let activity = activities[current]
            var historic = HistoricActivityInstance(
                id: activity.id, activityID: activity.activityID, activityName: activity.activityName,
                activityType: activity.activityType, processInstanceID: instance.id,
                processDefinitionID: instance.processDefinitionID, processDefinitionKey: instance.processDefinitionKey,
                executionID: activity.executionID, parentActivityInstanceID: activity.parentActivityInstanceID ?? instance.id,
                startTime: activity.startTime, sequence: activity.sequence)
            historic.endTime = activity.endTime
            historic.canceled = activity.canceled
            historic.taskID = activity.links?.value.taskID
            historic.calledProcessInstanceID = activity.links?.value.calledProcessInstanceID
            result.append(historic)
            current = Int(activity.next)
        }
        return result
    }

    private mutating func position(of id: String) -> Int? {
        if let position = running[id] { return position }
        while indexed < entries.count {
            if !entries[indexed].deleted { index[entries[indexed].instance.id] = indexed }
            indexed += 1
        }
        return index[id]
    }

    /// Rewrites both logs without the forgotten entries and their activities.
    private mutating func compact() {
        var kept = HistoryLog()
        for position in entries.indices where !entries[position].deleted {
            let entry = entries[position]
            var copy = entry
            copy.firstActivity = -1
            copy.lastActivity = -1
            kept.entries.append(copy)
            var current = Int(entry.firstActivity)
            while current >= 0 {
                var activity = activities[current]
                current = Int(activity.next)
                activity.next = -1
                kept.append(activity, to: kept.entries.count - 1)
            }
            if running[entry.instance.id] == position { kept.running[entry.instance.id] = kept.entries.count - 1 }
        }
        self = kept
    }
}
