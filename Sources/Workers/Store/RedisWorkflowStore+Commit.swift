// SPDX-License-Identifier: Apache-2.0
import Foundation
import Workflow

extension RedisWorkflowStore {
    /// How an instance ended, kept beside its historic record (which is written once, at the start).
    struct HistoricEnd: Codable {
        var state: HistoricProcessInstance.State?
        var endTime: Date?
        var finalVariables: [String: VariableValue]?
    }

    /// One engine step as one `apply` script in the instance's partition: the instance's version and every settled
    /// task's version are checked, then the instance, its tasks, incidents, event indexes and history are written.
    public func commit(_ commit: InstanceCommit) async throws {
        let instance = commit.instance
        let id = instance.id
        var checks = [("inst", RedisKeys.version(id), instance.version == 0 ? "" : String(instance.version - 1))]
        checks += commit.deletedTasks.map { ("task", RedisKeys.version($0.id), String($0.version)) }
        var ops = RedisOperations()
        var written: (instance: String?, tasks: [(ExternalTask, String)]) = (nil, [])
        if instance.isEnded {
            ops.hashDelete("inst", [id, RedisKeys.version(id)])
        } else {
            let json = Self.encode(instance)
            ops.hashSet("inst", [(id, json), (RedisKeys.version(id), String(instance.version))])
            written.instance = json
        }
        for task in commit.deletedTasks { ops.dropSettled(task, incidentState: .resolved, at: commit.time) }
        for taskID in commit.cancelledTasks {
            ops.dropTask(instance: id, task: taskID, incidentState: .deleted, at: commit.time)
        }
        for var task in commit.createdTasks {
            task.sequence = nextSequence(commit.time)
            written.tasks.append((task, ops.file(task, isNew: true, signals: keys.signals)))
            ops.setAdd("itasks:" + id, task.id)
        }
        for task in commit.createdUserTasks {
            ops.hashSet("utask", task.id, Self.encode(task))
            ops.setAdd("iutasks:" + id, task.id)
        }
        for taskID in commit.deletedUserTasks {
            ops.hashDelete("utask", taskID)
            ops.setRemove("iutasks:" + id, taskID)
        }
        for execution in commit.resolvedExecutions {
            ops.closeIncidents(instance: id, mode: "e", value: execution, state: .resolved, at: commit.time)
        }
        for incident in commit.raisedIncidents { ops.addIncident(incident) }
        // A new instance (version 0: its version field is checked absent) has no indexed events, tasks or incidents yet.
        let isNew = instance.version == 0
        if !isNew && commit.replacesIndexedEvents { ops.clearEvents(instance: id) }
        if instance.isEnded {
            // Unless this very step filed something for it.
            if !isNew || !commit.raisedIncidents.isEmpty || !commit.createdTasks.isEmpty || !commit.createdUserTasks.isEmpty {
                ops.dropAllTasks(instance: id, at: commit.time)
                if commit.mayHoldUserTasks { ops.dropUserTasks(instance: id) }
                ops.closeIncidents(instance: id, mode: "a", value: "", state: .deleted, at: commit.time)
            }
        } else {
            index(events: instance, into: &ops)
        }
        record(history: commit, into: &ops)
        try await apply(RedisKeys.partition(of: id), checks: checks, ops)
        // The next step reads what this one wrote: the memo keeps it, where decoding gives it back (a task always
        // does; an instance unless a JSON variable holds a whole double). Records that are gone need no memo.
        if let json = written.instance, instance.encodesLosslessly { decodedInstances.remember(id, Array(json.utf8), instance) }
        for (task, json) in written.tasks { decodedTasks.remember(task.id, Array(json.utf8), task) }
        if instance.isEnded { decodedInstances.forget(id) }
        for task in commit.deletedTasks { decodedTasks.forget(task.id); leases.forget(task.id) }
        for taskID in commit.cancelledTasks { decodedTasks.forget(taskID); leases.forget(taskID) }
    }

    private func index(events instance: ProcessInstance, into ops: inout RedisOperations) {
        for timer in instance.timers.values {
            let member = instance.id + "\u{1F}" + timer.id
            ops.sortedSetAdd("timers", Self.time(timer.dueDate), member)
            ops.setAdd("itimers:" + instance.id, member)
        }
        for subscription in instance.messages.values {
            let reference = SubscriptionRef(
                instanceID: instance.id, subscriptionID: subscription.id, businessKey: instance.businessKey)
            ops.hashSet("msg:" + subscription.messageName, subscription.id, Self.encode(reference))
            ops.setAdd("imsg:" + instance.id, subscription.messageName + "\u{1F}" + subscription.id)
        }
    }

    /// An ended activity's entry in `hact:<instance>`, after its record: `␟id␟end time␟canceled` (a record is JSON, so
    /// it never starts with ␟).
    static func endEntry(_ ended: (id: String, at: Date, canceled: Bool)) -> String {
        "\u{1F}" + ended.id + "\u{1F}" + time(ended.at) + "\u{1F}" + (ended.canceled ? "1" : "0")
    }

    private func record(history commit: InstanceCommit, into ops: inout RedisOperations) {
        let id = commit.instance.id
        if let historic = commit.historicInstance { ops.hashSet("hist", id, Self.encode(historic)) }
        // One call per history key: a step starts and ends several activities at once (the start event and the
        // first task; a task, the end event and the instance). Ends follow the records, in the same list.
        ops.listPush("hact:" + id, commit.startedActivities.map(HistoryRecordWriter.json) + commit.endedActivities.map(Self.endEntry))
        ops.listPush("hvar:" + id, commit.retiredVariables.map { Self.encode($0) })
        if commit.historicEnd != nil || commit.instance.isEnded {
            let end = HistoricEnd(
                state: commit.historicEnd?.state, endTime: commit.historicEnd?.at,
                finalVariables: commit.instance.isEnded ? commit.instance.variables : nil)
            ops.hashSet("hend", id, HistoryRecordWriter.json(end))
        }
    }
}
