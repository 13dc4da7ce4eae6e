// SPDX-License-Identifier: Apache-2.0
import Foundation
import Workflow

extension RedisWorkflowStore {
    public func dueTimers(at now: Date, limit: Int) async throws -> [TimerRef] {
        let replies = try await everyPartition {
            RedisCommand("ZRANGEBYSCORE", keys.prefix($0) + "timers", "-inf", Self.time(now), "WITHSCORES",
                         "LIMIT", "0", String(limit))
        }
        var timers: [TimerRef] = []
        for reply in replies {
            let flat = reply.array
            for index in stride(from: 0, to: flat.count - 1, by: 2) {
                guard let member = flat[index].string, let due = flat[index + 1].string.flatMap({ Self.date(Substring($0)) })
                else { continue }
                let parts = member.split(separator: "\u{1F}")
                guard parts.count == 2 else { continue }
                timers.append(TimerRef(instanceID: String(parts[0]), timerID: String(parts[1]), dueDate: due))
            }
        }
        return Array(timers.sorted { $0.dueDate < $1.dueDate }.prefix(limit))
    }

    public func nextTimerDue() async throws -> Date? {
        let replies = try await everyPartition { RedisCommand("ZRANGE", keys.prefix($0) + "timers", "0", "0", "WITHSCORES") }
        let instanceTimers = replies.compactMap { reply in
            reply.array.count == 2 ? reply.array[1].string.flatMap { Self.date(Substring($0)) } : nil
        }
        return (instanceTimers + (try await startTimers()).map(\.dueDate)).min()
    }

    public func messageSubscriptions(named name: String) async throws -> [SubscriptionRef] {
        let replies = try await everyPartition { RedisCommand("HVALS", keys.prefix($0) + "msg:" + name) }
        return try replies.flatMap(\.array).compactMap { try Self.decode(SubscriptionRef.self, $0) }
            .sorted { $0.subscriptionID < $1.subscriptionID }
    }

    public func saveStartTimer(_ timer: StartTimer) async throws {
        try await redis.send("HSET", keys.startTimers, timer.id, Self.encode(timer))
    }

    public func removeStartTimer(_ id: String) async throws { try await redis.send("HDEL", keys.startTimers, id) }

    public func startTimers() async throws -> [StartTimer] {
        try await redis.send("HVALS", keys.startTimers).array.compactMap { try Self.decode(StartTimer.self, $0) }
    }

    // MARK: Incidents and history

    public func incidents() async throws -> [Incident] {
        let replies = try await everyPartition { RedisCommand("HVALS", keys.prefix($0) + "inc") }
        return try replies.flatMap(\.array).compactMap { try Self.decode(Incident.self, $0) }
            .sorted { $0.timestamp < $1.timestamp }
    }

    public func historicIncidents() async throws -> [HistoricIncident] {
        let replies = try await everyPartition { RedisCommand("LRANGE", keys.prefix($0) + "inchist", "0", "-1") }
        var closed: [HistoricIncident] = []
        for entry in replies.flatMap(\.array) {
            guard let text = entry.string else { continue }
            let parts = text.split(separator: "\u{1F}", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, let incident = try RecordDecoder.decode(Incident?.self, from: Array(parts[2].utf8))
            else { continue }
            let state = HistoricIncident.State(rawValue: String(parts[0])) ?? .resolved
            closed.append(HistoricIncident(incident: incident, endTime: Self.date(parts[1]), state: state))
        }
        let open = try await incidents().map { HistoricIncident(incident: $0) }
        return (closed + open).sorted { $0.incident.timestamp < $1.incident.timestamp }
    }

    static func merge(_ record: RedisReply, end: RedisReply) throws -> HistoricProcessInstance? {
        guard var historic = try decode(HistoricProcessInstance.self, record) else { return nil }
        if let end = try decode(HistoricEnd.self, end) {
            if let state = end.state { historic.state = state }
            if let time = end.endTime { historic.endTime = time }
            if let variables = end.finalVariables { historic.finalVariables = variables }
        }
        return historic
    }

    public func historicProcessInstance(_ id: String) async throws -> HistoricProcessInstance? {
        let prefix = keys.prefix(RedisKeys.partition(of: id))
        let replies = try await redis.pipeline([RedisCommand("HGET", prefix + "hist", id), RedisCommand("HGET", prefix + "hend", id)])
        return try Self.merge(replies[0], end: replies[1])
    }

    public func historicProcessInstances() async throws -> [HistoricProcessInstance] {
        let replies = try await redis.pipeline((0..<RedisKeys.partitions).flatMap { partition in
            ["hist", "hend"].map { RedisCommand("HGETALL", keys.prefix(partition) + $0) }
        })
        var result: [HistoricProcessInstance] = []
        for partition in 0..<RedisKeys.partitions {
            let ends = Self.fields(replies[partition * 2 + 1])
            for (id, record) in Self.fields(replies[partition * 2]) {
                if let historic = try Self.merge(record, end: ends[id] ?? .null) { result.append(historic) }
            }
        }
        return result.sorted { $0.startTime < $1.startTime }
    }

    public func historicActivityInstances(processInstanceID: String?) async throws -> [HistoricActivityInstance] {
        guard let processInstanceID else {
            var all: [HistoricActivityInstance] = []
            for historic in try await historicProcessInstances() {
                all += try await historicActivityInstances(processInstanceID: historic.id)
            }
            return all.sorted { $0.startTime < $1.startTime }
        }
        let prefix = keys.prefix(RedisKeys.partition(of: processInstanceID))
        let replies = try await redis.pipeline([
            RedisCommand("LRANGE", prefix + "hact:" + processInstanceID, "0", "-1"),
            RedisCommand("HGETALL", prefix + "hactend:" + processInstanceID),
        ])
        // Ends: `end␟canceled` by id in `hactend:` (written before ends went to the list), then the list's own.
        var ends = Self.fields(replies[1]).compactMapValues { $0.string.map { $0.split(separator: "\u{1F}") } }
        var activities: [HistoricActivityInstance] = []
        for reply in replies[0].array {
            guard let bytes = reply.bytes, bytes.first == 0x1F else {
                if let activity = try Self.decode(HistoricActivityInstance.self, reply) { activities.append(activity) }
                continue
            }
            let parts = String(decoding: bytes.dropFirst(), as: UTF8.self).split(separator: "\u{1F}")
            if let id = parts.first { ends[String(id)] = Array(parts.dropFirst()) }
        }
        for index in activities.indices {
            guard let end = ends[activities[index].id] else { continue }
            activities[index].endTime = end.first.flatMap { Self.date($0) }
            activities[index].canceled = end.count > 1 && end[1] == "1"
        }
        return activities
    }

    public func retiredVariables(processInstanceID: String?) async throws -> [HistoricVariableInstance] {
        var ids = processInstanceID.map { [$0] } ?? []
        if processInstanceID == nil { ids = try await historicProcessInstances().map(\.id) }
        let replies = try await redis.pipeline(ids.map {
            RedisCommand("LRANGE", keys.prefix(RedisKeys.partition(of: $0)) + "hvar:" + $0, "0", "-1")
        })
        return try replies.flatMap(\.array).compactMap { try Self.decode(HistoricVariableInstance.self, $0) }
    }

    public func deleteHistory(of instanceIDs: [String]) async throws {
        for id in instanceIDs {
            var ops = RedisOperations()
            ops.hashDelete("hist", id)
            ops.hashDelete("hend", id)
            ops.delete("hact:" + id)
            ops.delete("hactend:" + id)
            ops.delete("hvar:" + id)
            ops.purgeClosedIncidents(instance: id)
            // Only ended instances: the check fails (a conflict) while the instance still runs.
            do {
                try await apply(RedisKeys.partition(of: id), checks: [("inst", RedisKeys.version(id), "")], ops)
            } catch let error as WorkflowError where error.code == .conflict {
                continue
            }
        }
    }
}
