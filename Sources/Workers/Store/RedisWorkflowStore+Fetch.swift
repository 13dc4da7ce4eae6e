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
            var replies = try await redis.pipeline(commands)
            // A node without the script (restart, failover): load it and send again only what did not run.
            let missing = replies.indices.filter {
                if case .error(let message) = replies[$0] { message.hasPrefix("NOSCRIPT") } else { false }
            }
            if !missing.isEmpty {
                try await redis.loadScript(RedisScripts.fetch)
                for (index, reply) in zip(missing, try await redis.pipeline(missing.map { commands[$0] })) { replies[index] = reply }
            }
            var short = false
            for (share, reply) in zip(shares, replies) {
                if case .error(let message) = reply { throw RedisError(.reply, message) }
                let taken = try Self.lockedTasks(reply.array.first ?? .null)
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
    private func lockHoldingSlots(
        _ partition: Int, worker: String, topic: String, member: String, pool: String, slots: Int, expiry: String,
        score: String, now: Date
    ) async throws -> [ExternalTask] {
        let taskID = String(member.dropFirst(16))
        guard try await acquireSlots(pool: pool, task: taskID, slots: slots, until: expiry, now: now) else { return [] }
        let reply = try await redis.evaluate(
            RedisScripts.lockChosen, keys: [keys.route(partition)],
            arguments: [keys.prefix(partition), worker, "1", topic, member, expiry, score].map { Array($0.utf8) })
        let locked = try Self.lockedTasks(reply)
        if locked.isEmpty { try await releaseSlots([pool + "\u{1F}" + taskID]) }
        return locked
    }

    /// (id, version, JSON) triples of a lock script.
    private static func lockedTasks(_ reply: RedisReply) throws -> [ExternalTask] {
        let flat = reply.array
        return try stride(from: 0, to: flat.count - 2, by: 3).compactMap { index in
            try task(flat[index + 2], version: flat[index + 1], lock: .null)
        }
    }

    private struct Candidate {
        let partition: Int
        let member: String
        let score: Double
        let topic: String
        let slotPool: String?
        let slots: Int
        /// The record, read only when the request filters on it (or sorts by create time); boxed, so that moving
        /// candidates while choosing copies a pointer, not a whole record.
        let record: Record?

        var task: ExternalTask? { record?.task }

        var taskID: String { String(member.dropFirst(16)) }

        final class Record: Sendable {
            let task: ExternalTask
            init(_ task: ExternalTask) { self.task = task }
        }
    }

    /// The candidates of every partition, in one round trip: whole records (`peek`) when the request filters or
    /// sorts on them, else only queue positions and pools (`peekQueue`).
    private func candidates(
        _ request: FetchRequest, topics: [String], limit: Int, now: Date, skip: (String) -> Bool
    ) async throws -> [Candidate] {
        let light = request.createTimeAscending == nil && !request.topics.contains(where: \.hasFilters)
        let script = light ? RedisScripts.peekQueue : RedisScripts.peek
        var replies: [RedisReply] = []
        for attempt in 0..<2 {
            replies = try await redis.pipeline((0..<RedisKeys.partitions).map { partition in
                var command = RedisCommand("EVALSHA", script.sha1, "1", keys.route(partition), keys.prefix(partition),
                                           Self.time(now), String(limit), String(topics.count))
                topics.forEach { command.append($0) }
                return command
            })
            guard case .error(let message)? = replies.first(where: { if case .error = $0 { true } else { false } }) else { break }
            guard message.hasPrefix("NOSCRIPT"), attempt == 0 else { throw RedisError(.reply, message) }
            try await redis.loadScript(script)
        }
        var result: [Candidate] = []
        for (partition, reply) in replies.enumerated() {
            let flat = reply.array
            for index in stride(from: 0, to: flat.count - 5, by: 6) {
                guard let topic = flat[index].string, let member = flat[index + 1].string,
                      let score = flat[index + 2].string.flatMap(Double.init), !skip(String(member.dropFirst(16)))
                else { continue }
                if light {
                    let pool = flat[index + 3].string ?? ""
                    if let wanted = request.workerPool, flat[index + 5].string != wanted.rawValue { continue }
                    result.append(Candidate(partition: partition, member: member, score: score, topic: topic,
                                            slotPool: pool.isEmpty ? nil : pool, slots: Int(flat[index + 4].string ?? "") ?? 1,
                                            record: nil))
                } else if let task = try Self.task(flat[index + 5], version: flat[index + 3], lock: flat[index + 4]) {
                    result.append(Candidate(partition: partition, member: member, score: score, topic: topic,
                                            slotPool: task.slotPool, slots: task.slots, record: .init(task)))
                }
            }
        }
        return result
    }

    private func lockChosen(_ request: FetchRequest, topics: [String], expiries: [String: String], now: Date)
        async throws -> [ExternalTask]
    {
        let needsVariables = request.topics.contains { !$0.processVariables.isEmpty }
        let limit = request.createTimeAscending == false || request.topics.contains(where: \.hasFilters) || request.workerPool != nil
            ? 1000 : request.maxTasks
        var locked: [ExternalTask] = []
        /// Tasks of a full slot pool (or taken meanwhile): not tried again in this fetch.
        var refused: Set<String> = []
        for _ in 0..<10 {
            var candidates = try await candidates(request, topics: topics, limit: limit + refused.count, now: now) { id in
                locked.contains { $0.id == id } || refused.contains(id)
            }
            let variables = needsVariables ? try await instances(ids: Set(candidates.compactMap(\.task?.processInstanceID))) : [:]
            candidates = candidates.filter { candidate in
                guard let task = candidate.task else { return true }  // nothing to filter on
                return request.accepts(task) { variables[task.processInstanceID]?.variables ?? [:] }
            }
            // Only the positions are sorted: the order of the candidates is what matters, not moving them about.
            let ordered = candidates.indices.sorted { leftIndex, rightIndex in
                let (left, right) = (candidates[leftIndex], candidates[rightIndex])
                if request.createTimeAscending == false, let leftTask = left.task, let rightTask = right.task {
                    if request.usePriority, leftTask.priority != rightTask.priority { return leftTask.priority > rightTask.priority }
                    return leftTask.sequence > rightTask.sequence
                }
                return left.score != right.score ? left.score < right.score : left.member < right.member
            }
            let chosen = ordered.prefix(request.maxTasks - locked.count).map { candidates[$0] }
            guard !chosen.isEmpty else { return locked }
            var round: [ExternalTask] = []
            var byPartition: [Int: [Candidate]] = [:]
            for candidate in chosen { byPartition[candidate.partition, default: []].append(candidate) }
            for (partition, picks) in byPartition.sorted(by: { $0.key < $1.key }) {
                var arguments = [keys.prefix(partition), request.workerID, "0"]
                var count = 0
                for pick in picks {
                    let expiry = expiries[pick.topic]!
                    if let pool = pick.slotPool {
                        let got = try await lockHoldingSlots(
                            partition, worker: request.workerID, topic: pick.topic, member: pick.member,
                            pool: pool, slots: pick.slots, expiry: expiry, score: expiry, now: now)
                        if got.isEmpty { refused.insert(pick.taskID) }
                        round += got
                        continue
                    }
                    arguments += [pick.topic, pick.member, expiry, expiry]
                    count += 1
                }
                guard count > 0 else { continue }
                arguments[2] = String(count)
                let reply = try await redis.evaluate(
                    RedisScripts.lockChosen, keys: [keys.route(partition)], arguments: arguments.map { Array($0.utf8) })
                round += try Self.lockedTasks(reply)
            }
            // Back in the chosen order: picks were locked partition by partition.
            let order = Dictionary(chosen.enumerated().map { ($0.element.taskID, $0.offset) }) { first, _ in first }
            var placed = [ExternalTask?](repeating: nil, count: chosen.count)
            for task in round { if let position = order[task.id] { placed[position] = task } }
            locked += placed.compactMap { $0 }
            let settled = round.count + chosen.filter { refused.contains($0.taskID) }.count
            if locked.count >= request.maxTasks || (chosen.count == candidates.count && settled == chosen.count) {
                return locked
            }
        }
        return locked
    }
}
