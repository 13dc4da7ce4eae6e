// SPDX-License-Identifier: Apache-2.0
import Foundation
import Workflow

extension RedisWorkflowStore {
    /// Locks up to `maxTasks` tasks. Plain requests (no filters, no priority across partitions, oldest first) lock
    /// in one script per partition that has work, visited round robin. Others peek every partition in one round
    /// trip, choose in Swift (filters, global priority order) and lock the chosen ones if they are still ready.
    public func fetchAndLock(_ request: FetchRequest, now: Date) async throws -> [ExternalTask] {
        guard request.maxTasks > 0, !request.topics.isEmpty else { return [] }
        var lockDurations: [(topic: String, milliseconds: Int64)] = []
        for topic in request.topics where !lockDurations.contains(where: { $0.topic == topic.topicName }) {
            lockDurations.append((topic.topicName, topic.lockDuration))
        }
        let expiries = Dictionary(lockDurations.map {
            ($0.topic, Self.time(now.addingTimeInterval(Double($0.milliseconds) / 1000)))
        }) { first, _ in first }
        // A sorting by create time keeps one order across partitions, so it peeks every partition.
        let plain = !request.usePriority && request.createTimeAscending == nil && request.workerPool == nil
            && request.topics.allSatisfy { !$0.hasFilters }
        let locked = plain
            ? try await lockPlain(request, topics: lockDurations.map(\.topic), expiries: expiries, now: now)
            : try await lockChosen(request, topics: lockDurations.map(\.topic), expiries: expiries, now: now)
        return locked.map { task in
            var task = task
            task.workerID = request.workerID
            task.lockExpirationTime = expiries[task.topicName].flatMap { Self.date(Substring($0)) }
            leases.keep(task)
            return task
        }
    }

    /// Per partition, how many tasks of the topics are ready or have a lock or back-off that ended (an upper bound
    /// of what a fetch there can take), in one round trip.
    private func workPerPartition(topics: [String], now: Date) async throws -> [Int] {
        var commands: [RedisCommand] = []
        for partition in 0..<RedisKeys.partitions {
            let prefix = keys.prefix(partition)
            commands.append(RedisCommand("ZCOUNT", prefix + "delayed", "-inf", Self.time(now)))
            commands += topics.map { RedisCommand("ZCARD", prefix + RedisKeys.ready($0)) }
        }
        let replies = try await redis.pipeline(commands)
        let stride = topics.count + 1
        return (0..<RedisKeys.partitions).map { partition in
            replies[partition * stride ..< (partition + 1) * stride].reduce(0) { $0 + Int($1.integer ?? 0) }
        }
    }

    /// Shares the request's tasks out over the partitions with work (round robin from a moving start), runs one
    /// fetch script per partition in one pipelined round trip, and goes round again over the other partitions when
    /// one gave less than its count promised (taken meanwhile, or tasks waiting for a full slot pool).
    private func lockPlain(_ request: FetchRequest, topics: [String], expiries: [String: String], now: Date)
        async throws -> [ExternalTask]
    {
        var locked: [ExternalTask] = []
        /// Partitions that gave less than asked (their work was taken meanwhile, or is waiting for a full slot pool).
        var exhausted: Set<Int> = []
        for _ in 0...RedisKeys.partitions where locked.count < request.maxTasks {
            let work = try await workPerPartition(topics: topics, now: now)
            let start = nextPartition.wrappingAdd(1, ordering: .relaxed).oldValue
            var shares: [(partition: Int, count: Int)] = []
            var remaining = request.maxTasks - locked.count
            for offset in 0..<RedisKeys.partitions where remaining > 0 {
                let partition = (start + offset) % RedisKeys.partitions
                let share = min(work[partition], remaining)
                guard share > 0, !exhausted.contains(partition) else { continue }
                shares.append((partition, share))
                remaining -= share
            }
            guard !shares.isEmpty else { break }
            let commands = shares.map { share -> RedisCommand in
                var arguments = [keys.prefix(share.partition), Self.time(now), request.workerID, String(share.count),
                                 String(topics.count)]
                for topic in topics { arguments += [topic, expiries[topic]!, expiries[topic]!] }
                return RedisCommand.evalsha(RedisScripts.fetch, keys: [keys.route(share.partition)],
                                            arguments: arguments.map { Array($0.utf8) })
            }
            let replies = try await redis.pipeline(commands, script: RedisScripts.fetch)
            var short = false
            for (share, reply) in zip(shares, replies) {
                if case .error(let message) = reply { throw RedisError(.reply, message) }
                let taken = try lockedTasks(reply.array.first ?? .null)
                locked += taken
                let pooled = reply.array.count > 1 ? reply.array[1].array.compactMap { $0.string } : []
                var got = taken.count
                for index in stride(from: 0, to: pooled.count - 5, by: 6) where locked.count < request.maxTasks {
                    let (topic, member, pool) = (pooled[index], pooled[index + 1], pooled[index + 2])
                    let (slots, expiry, score) = (Int(pooled[index + 3]) ?? 1, pooled[index + 4], pooled[index + 5])
                    let one = try await lockHoldingSlots(
                        share.partition, worker: request.workerID, topic: topic, member: member, pool: pool,
                        slots: slots, expiry: expiry, score: score, now: now)
                    locked += one
                    got += one.count
                }
                if got < share.count {
                    short = true
                    exhausted.insert(share.partition)
                }
            }
            // Every share filled: the counts were right and the request is served as far as the work allowed.
            if !short { break }
        }
        return locked
    }

    /// Locks one task of a slot pool: takes its slots, then locks it if it is still ready, else gives them back.
    func lockHoldingSlots(
        _ partition: Int, worker: String, topic: String, member: String, pool: String, slots: Int, expiry: String,
        score: String, now: Date
    ) async throws -> [ExternalTask] {
        let taskID = RedisOperations.taskID(ofMember: member)
        guard try await acquireSlots(pool: pool, task: taskID, slots: slots, until: expiry, now: now) else { return [] }
        let reply = try await redis.evaluate(
            RedisScripts.lockChosen, keys: [keys.route(partition)],
            arguments: [keys.prefix(partition), worker, "1", "", "1", topic, member, expiry, score].map { Array($0.utf8) })
        let locked = try lockedTasks(reply.array.first ?? .null)
        if locked.isEmpty { try await releaseSlots([pool + "\u{1F}" + taskID]) }
        return locked
    }

    /// The (id, version, task JSON, instance JSON) quadruples of a lock script. Each instance read with the lock is
    /// kept for `instances(ofLocked:)`.
    func lockedTasks(_ reply: RedisReply) throws -> [ExternalTask] {
        let flat = reply.array
        return try stride(from: 0, to: flat.count - 3, by: 4).compactMap { index in
            guard let id = flat[index].string, let task = try task(id, flat[index + 2], version: flat[index + 1], lock: .null)
            else { return nil }
            // An instance that does not decode is not kept: the engine reads it again for the variables and fails
            // there, where it gives the locked tasks back (a throw here would leave them locked until they expire).
            if let json = flat[index + 3].bytes, !json.isEmpty,
               let instance = try? decodedInstances.decode(task.processInstanceID, json) {
                instancesAtLock.store(id, instance)
            }
            return task
        }
    }

    /// The instances of tasks a fetch of this replica just locked, as the lock read them (in the same script, so
    /// the variables a worker gets are those of the moment its lock was taken); any other read now.
    public func instances(ofLocked tasks: [ExternalTask]) async throws -> [String: ProcessInstance] {
        var found: [String: ProcessInstance] = [:]
        var missing: Set<String> = []
        for task in tasks {
            if let instance = instancesAtLock.remove(task.id) {
                found[instance.id] = instance
            } else {
                missing.insert(task.processInstanceID)
            }
        }
        guard !missing.isEmpty else { return found }
        return found.merging(try await instances(ids: missing)) { _, fresh in fresh }
    }
}
