// SPDX-License-Identifier: Apache-2.0
import Foundation
import Workflow

extension RedisWorkflowStore {
    /// A task from its record, version and lock overlay.
    func task(_ id: String, _ json: RedisReply, version: RedisReply, lock: RedisReply) throws -> ExternalTask? {
        guard var task = try decodedTasks.decode(id, json.bytes ?? []) else { return nil }
        if let version = version.integer { task.version = Int(version) }
        if let overlay = lock.string, !overlay.isEmpty {
            // `expiry␟worker`, split once: a worker id may hold any character, the separator included.
            let fields = overlay.split(separator: "\u{1F}", maxSplits: 1, omittingEmptySubsequences: false)
            task.lockExpirationTime = Self.date(fields[0])
            task.workerID = fields.count > 1 ? String(fields[1]) : nil
        }
        return task
    }

    public func externalTask(_ id: String) async throws -> ExternalTask? {
        let reply = try await redis.send(
            "HMGET", keys.prefix(RedisKeys.partition(of: id)) + "task", id, RedisKeys.version(id), RedisKeys.lock(id))
        if case .error(let message) = reply { throw RedisError(.reply, message) }
        let fields = reply.array
        guard fields.count == 3 else { return nil }
        return try task(id, fields[0], version: fields[1], lock: fields[2])
    }

    public func externalTaskWithInstance(_ id: String, mayBeStale: Bool) async throws -> (ExternalTask, ProcessInstance?)? {
        // Settling a task this replica handed out: no round trip (the commit checks both versions).
        if mayBeStale, let task = leases.take(id), let instance = decodedInstances.latest(task.processInstanceID) {
            return (task, instance)
        }
        let partition = RedisKeys.partition(of: id)
        let reply = try await redis.evaluate(
            RedisScripts.readTaskWithInstance, keys: [keys.route(partition)],
            arguments: [keys.prefix(partition), id].map { Array($0.utf8) }).array
        guard reply.count == 4, let task = try task(id, reply[0], version: reply[1], lock: reply[2]) else { return nil }
        return (task, try decodedInstances.decode(task.processInstanceID, reply[3].bytes ?? []))
    }

    public func externalTasks() async throws -> [ExternalTask] {
        let replies = try await everyPartition { RedisCommand("HGETALL", keys.prefix($0) + "task") }
        var tasks: [ExternalTask] = []
        for reply in replies {
            let fields = Self.fields(reply)
            for (id, record) in fields where RedisKeys.isRecordField(id) {
                if let task = try task(id, record, version: fields[RedisKeys.version(id)] ?? .null,
                                       lock: fields[RedisKeys.lock(id)] ?? .null) {
                    tasks.append(task)
                }
            }
        }
        return tasks.sorted { $0.sequence < $1.sequence }
    }

    /// A hash reply (`HGETALL`) as field → value.
    static func fields(_ reply: RedisReply) -> [String: RedisReply] {
        let flat = reply.array
        var result: [String: RedisReply] = [:]
        for index in stride(from: 0, to: flat.count - 1, by: 2) {
            if let key = flat[index].string { result[key] = flat[index + 1] }
        }
        return result
    }

    public func updateExternalTask(_ task: ExternalTask, incident: IncidentChange, slots: SlotChange) async throws {
        var ops = RedisOperations()
        let json = ops.file(task, signals: keys.signals)
        ops.lease(slots, of: task)
        switch incident {
        case .none: break
        case .raise(let incident): ops.addIncident(incident)
        case .resolve(let time):
            ops.closeIncidents(instance: task.processInstanceID, mode: "c", value: task.id, state: .resolved, at: time)
        }
        do {
            let check = ("task", RedisKeys.version(task.id), String(task.version - 1))
            try await apply(RedisKeys.partition(of: task.id), checks: [check], ops)
            try await apply(slots, to: task)
            decodedTasks.remember(task.id, Array(json.utf8), task)
            leases.forget(task.id)
        } catch let error as WorkflowError where error.code == .conflict {
            guard try await externalTask(task.id) != nil else { throw WorkflowError.taskNotFound(task.id) }
            throw WorkflowError(.conflict, "External task \(task.id) was updated by another transaction")
        }
    }

    public func nextFetchableTime(topics: Set<String>, after now: Date) async throws -> Date? {
        let replies = try await everyPartition { RedisCommand("ZRANGE", keys.prefix($0) + "delayed", "0", "0", "WITHSCORES") }
        return replies.compactMap { reply in reply.array.count == 2 ? reply.array[1].string.flatMap { Self.date(Substring($0)) } : nil }.min()
    }

    public func userTasks() async throws -> [UserTask] {
        let replies = try await everyPartition { RedisCommand("HVALS", keys.prefix($0) + "utask") }
        return try replies.flatMap(\.array).compactMap { try Self.decode(UserTask.self, $0) }
            .sorted { $0.createTime < $1.createTime }
    }
}
