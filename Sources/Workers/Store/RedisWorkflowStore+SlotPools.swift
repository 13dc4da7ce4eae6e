// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Workflow

/// Slot pools on Redis: each pool in its own Cluster slot (`RedisKeys.pool`), shared by every partition and replica.
extension RedisWorkflowStore {
    /// Takes the task's slots until `until` if they fit in its pool (always true for a task of no pool).
    func acquireSlots(pool: String, task: String, slots: Int, until: String, now: Date) async throws -> Bool {
        let keys = keys.pool(pool)
        let reply = try await redis.evaluate(
            RedisScripts.acquireSlots, keys: [keys.holders, keys.slots, keys.size],
            arguments: [task, String(slots), until, Self.time(now), String(SlotPool.defaults[pool] ?? 0)].map { Array($0.utf8) })
        return reply.integer == 1
    }

    /// Holds a task's slots until `until` whether or not they fit (`lock`, `extendLock` of a leased task).
    func holdSlots(pool: String, task: String, slots: Int, until: Date) async throws {
        let keys = keys.pool(pool)
        _ = try await redis.pipeline([
            RedisCommand("ZADD", keys.holders, Self.time(until), task), RedisCommand("HSET", keys.slots, task, String(slots)),
        ])
    }

    /// Gives back the slots of tasks, given as `pool␟task`.
    func releaseSlots(_ holders: [String]) async throws {
        let commands = holders.flatMap { holder -> [RedisCommand] in
            let parts = holder.split(separator: "\u{1F}", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { return [] }
            let keys = keys.pool(parts[0])
            return [RedisCommand("ZREM", keys.holders, parts[1]), RedisCommand("HDEL", keys.slots, parts[1])]
        }
        guard !commands.isEmpty else { return }
        // Room in a pool: parked fetches of any topic, on every replica, may now lease its tasks.
        _ = try await redis.pipeline(commands + [RedisCommand("PUBLISH", self.keys.signals, "*")])
    }

    func apply(_ change: SlotChange, to task: ExternalTask) async throws {
        guard let pool = task.slotPool else { return }
        switch change {
        case .keep: break
        case .hold(let until):
            try await holdSlots(pool: pool, task: task.id, slots: task.slots, until: until)
            // The task may have been settled since its update was written: then nothing holds these slots.
            let exists = try await redis.send("HEXISTS", keys.prefix(RedisKeys.partition(of: task.id)) + "task", task.id)
            if exists.integer != 1 { try await releaseSlots([pool + "\u{1F}" + task.id]) }
        case .release: try await releaseSlots([pool + "\u{1F}" + task.id])
        }
    }

    public func slotPools(now: Date) async throws -> [SlotPool] {
        let resized = try await redis.send("SMEMBERS", keys.slotPools).array.compactMap(\.string)
        let names = Set(SlotPool.defaults.keys).union(resized).sorted()
        let replies = try await redis.pipeline(names.flatMap { name -> [RedisCommand] in
            let keys = keys.pool(name)
            return [RedisCommand("GET", keys.size), RedisCommand("ZRANGEBYSCORE", keys.holders, "(" + Self.time(now), "+inf"),
                    RedisCommand("HGETALL", keys.slots)]
        })
        return names.enumerated().map { index, name in
            let size = replies[index * 3].integer.map(Int.init) ?? SlotPool.defaults[name] ?? 0
            let live = Set(replies[index * 3 + 1].array.compactMap(\.string))
            let held = Self.fields(replies[index * 3 + 2])
            let occupied = held.reduce(0) { $0 + (live.contains($1.key) ? Int($1.value.integer ?? 0) : 0) }
            return SlotPool(name: name, slots: size, occupiedSlots: occupied)
        }
    }

    /// Per worker pool type, from each partition's pool sets (`pq:<pool>` queued, `pl:<pool>` leased by expiry):
    /// three O(log n) reads per partition and pool, in one round trip.
    /// One `ZCOUNT` per topic, level and partition on the topic's queue (score: minus the priority), in one round
    /// trip. Tasks whose lock or back-off ran out are promoted to the queue by the next fetch, and counted from then.
    public func queueDepths(topics: [String], now: Date) async throws -> [QueueDepth] {
        let levels = PriorityLevel.allCases
        var commands: [RedisCommand] = []
        for partition in 0..<RedisKeys.partitions {
            for topic in topics {
                for level in levels {
                    // Score -priority: the level's priorities lo...hi are the scores -hi...-lo.
                    let low = level.priorities.upperBound == .max ? "-inf" : String(-level.priorities.upperBound)
                    let high = level.priorities.lowerBound == .min ? "+inf" : String(-level.priorities.lowerBound)
                    commands.append(RedisCommand("ZCOUNT", keys.prefix(partition) + RedisKeys.ready(topic), low, high))
                }
            }
        }
        let replies = try await pipelineChecked(commands)
        return topics.enumerated().flatMap { topicIndex, topic in
            levels.map { level in
                let queued = (0..<RedisKeys.partitions).reduce(0) { sum, partition in
                    sum + Int(replies[(partition * topics.count + topicIndex) * levels.count + level.rawValue].integer ?? 0)
                }
                return QueueDepth(topic: topic, level: level, queued: queued)
            }
        }
    }

    public func poolStatistics(now: Date) async throws -> [WorkerPoolStatistics] {
        let pools = WorkerPoolType.allCases
        var commands: [RedisCommand] = []
        for partition in 0..<RedisKeys.partitions {
            let prefix = keys.prefix(partition)
            for pool in pools {
                commands += [RedisCommand("ZCARD", prefix + "pq:" + pool.rawValue),
                             RedisCommand("ZCOUNT", prefix + "pl:" + pool.rawValue, "-inf", Self.time(now)),
                             RedisCommand("ZCOUNT", prefix + "pl:" + pool.rawValue, "(" + Self.time(now), "+inf")]
            }
        }
        let replies = try await pipelineChecked(commands)
        // Back-offs that ended but no fetch has looked at yet are fetchable too.
        var due: [String: Int] = [:]
        for partition in 0..<RedisKeys.partitions {
            let reply = try await redis.evaluate(
                RedisScripts.dueBackoffs, keys: [keys.route(partition)],
                arguments: [keys.prefix(partition), Self.time(now)].map { Array($0.utf8) }).array
            for index in stride(from: 0, to: reply.count - 1, by: 2) {
                if let pool = reply[index].string { due[pool, default: 0] += Int(reply[index + 1].integer ?? 0) }
            }
        }
        return pools.enumerated().map { index, pool in
            var queued = due[pool.rawValue] ?? 0, inFlight = 0
            for partition in 0..<RedisKeys.partitions {
                let base = (partition * pools.count + index) * 3
                queued += Int(replies[base].integer ?? 0) + Int(replies[base + 1].integer ?? 0)
                inFlight += Int(replies[base + 2].integer ?? 0)
            }
            return WorkerPoolStatistics(pool: pool, queued: queued, inFlight: inFlight)
        }
    }

    public func resizeSlotPool(_ name: String, slots: Int) async throws {
        _ = try await redis.pipeline([
            RedisCommand("SET", keys.pool(name).size, String(slots)), RedisCommand("SADD", keys.slotPools, name),
        ])
    }
}
