// SPDX-License-Identifier: Apache-2.0
import Foundation
import Workflow

/// Fetches that choose across partitions (a priority order, filters, a sorting): candidates from every partition,
/// chosen in Swift, then locked partition by partition if they are still ready.
extension RedisWorkflowStore {
    struct Candidate {
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

        var taskID: String { RedisOperations.taskID(ofMember: member) }

        final class Record: Sendable {
            let task: ExternalTask
            init(_ task: ExternalTask) { self.task = task }
        }
    }

    /// How much of each candidate a fetch reads: queue positions alone (plain `ZRANGE`s, merged across partitions),
    /// positions with their pools (`peekQueue`), or whole records (`peek`) when the request filters or sorts on them.
    enum CandidateDetail { case positions, pools, records }

    /// The candidates of every partition, in one round trip (positions may page further on partitions whose next
    /// tasks could still rank among the best `limit`).
    private func candidates(
        _ request: FetchRequest, topics: [String], limit: Int, detail: CandidateDetail, now: Date,
        skip: (String) -> Bool
    ) async throws -> [Candidate] {
        if detail == .positions { return try await positions(topics: topics, limit: limit, now: now, skip: skip) }
        let script = detail == .pools ? RedisScripts.peekQueue : RedisScripts.peek
        let replies = try await redis.pipeline((0..<RedisKeys.partitions).map { partition in
            var command = RedisCommand("EVALSHA", script.sha1, "1", keys.route(partition), keys.prefix(partition),
                                       Self.time(now), String(limit), String(topics.count))
            topics.forEach { command.append($0) }
            return command
        }, script: script)
        if case .error(let message)? = replies.first(where: { if case .error = $0 { true } else { false } }) {
            throw RedisError(.reply, message)
        }
        var result: [Candidate] = []
        for (partition, reply) in replies.enumerated() {
            let flat = reply.array
            for index in stride(from: 0, to: flat.count - 5, by: 6) {
                guard let topic = flat[index].string, let member = flat[index + 1].string,
                      let score = flat[index + 2].string.flatMap(Double.init), !skip(RedisOperations.taskID(ofMember: member))
                else { continue }
                if detail == .pools {
                    let pool = flat[index + 3].string ?? ""
                    if let wanted = request.workerPool, flat[index + 5].string != wanted.rawValue { continue }
                    result.append(Candidate(partition: partition, member: member, score: score, topic: topic,
                                            slotPool: pool.isEmpty ? nil : pool, slots: Int(flat[index + 4].string ?? "") ?? 1,
                                            record: nil))
                } else if let task = try task(RedisOperations.taskID(ofMember: member), flat[index + 5], version: flat[index + 3],
                                              lock: flat[index + 4]) {
                    result.append(Candidate(partition: partition, member: member, score: score, topic: topic,
                                            slotPool: task.slotPool, slots: task.slots, record: .init(task)))
                }
            }
        }
        return result
    }

    func lockChosen(_ request: FetchRequest, topics: [String], expiries: [String: String], now: Date)
        async throws -> [ExternalTask]
    {
        let needsVariables = request.topics.contains { !$0.processVariables.isEmpty }
        let filters = request.createTimeAscending != nil || request.topics.contains(where: \.hasFilters)
        var detail: CandidateDetail = filters ? .records : .positions
        var locked: [ExternalTask] = []
        /// Tasks of a full slot pool, of another worker pool, or taken meanwhile: not tried again in this fetch.
        var refused: Set<String> = []
        for _ in 0..<10 {
            let limit = request.createTimeAscending == false || filters || detail == .pools ? 1000 : request.maxTasks
            // In queue order, passing over the tasks other fetches of this replica are locking or locked since this
            // read began, unless too few others are ready: then among all, as if no other fetch ran.
            var passedOver = false
            let read = claims.reading()
            var candidates = try await candidates(
                request, topics: topics, limit: limit + refused.count, detail: detail, now: now
            ) { id in
                if locked.contains(where: { $0.id == id }) || refused.contains(id) { return true }
                guard detail == .positions, claims.isClaimed(id, since: read) else { return false }
                passedOver = true
                return true
            }
            var amongAll = false
            if passedOver && candidates.count < request.maxTasks - locked.count {
                candidates = try await self.candidates(
                    request, topics: topics, limit: limit + refused.count, detail: detail, now: now
                ) { id in locked.contains { $0.id == id } || refused.contains(id) }
                amongAll = true
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
            // The first picks no other fetch of this replica claimed. Another fetch that read at the same moment
            // may have claimed some since: this round locks the rest and the next reads again, passing over those.
            // A read among all tasks tries the others' picks too, as if no other fetch ran.
            let wanted = request.maxTasks - locked.count
            let mine = claims.claim(ordered.lazy.map { candidates[$0].taskID }, upTo: wanted, since: read)
            let claimedHere = Set(mine)
            let others = amongAll || detail != .positions ? wanted - mine.count : 0
            let othersTaken = Set(ordered.lazy.map { candidates[$0].taskID }.filter { !claimedHere.contains($0) }.prefix(others))
            let chosen = ordered.map { candidates[$0] }
                .filter { claimedHere.contains($0.taskID) || othersTaken.contains($0.taskID) }
            guard !chosen.isEmpty else {
                if amongAll || candidates.isEmpty { return locked }
                continue
            }
            var round: [ExternalTask] = []
            var byPartition: [Int: [Candidate]] = [:]
            for candidate in chosen { byPartition[candidate.partition, default: []].append(candidate) }
            let result: (locked: [ExternalTask], refused: Set<String>, otherPool: Bool)
            do {
                result = try await lock(byPartition.sorted { $0.key < $1.key }, request: request, expiries: expiries, now: now)
            } catch {
                claims.release(mine, locked: [])
                throw error
            }
            claims.release(mine, locked: result.locked.lazy.map(\.id))
            round += result.locked
            refused.formUnion(result.refused)
            // Picks of another worker pool: this topic mixes pools, so choose with each task's pools from now on.
            if result.otherPool { detail = filters ? .records : .pools }
            // Back in the chosen order: picks were locked partition by partition.
            let order = Dictionary(chosen.enumerated().map { ($0.element.taskID, $0.offset) }) { first, _ in first }
            var placed = [ExternalTask?](repeating: nil, count: chosen.count)
            for task in round { if let position = order[task.id] { placed[position] = task } }
            locked += placed.compactMap { $0 }
            let settled = round.count + chosen.filter { refused.contains($0.taskID) }.count
            // Every candidate settled: nothing else is ready, unless this read passed over others' picks (which
            // they may not lock: another worker pool, a full slot pool, an error), so read again.
            let allSettled = chosen.count == candidates.count && settled == chosen.count
            if locked.count >= request.maxTasks || (allSettled && (amongAll || !passedOver)) {
                return locked
            }
        }
        return locked
    }

    /// Locks the picks of every partition: those of a known slot pool once their slots are held, the rest with one
    /// script per partition, all in one pipelined round trip. A script hands back the picks it found to be of a slot
    /// pool (locked here once their slots are held) and those of another worker pool than the request's.
    private func lock(
        _ byPartition: [(key: Int, value: [Candidate])], request: FetchRequest, expiries: [String: String], now: Date
    ) async throws -> (locked: [ExternalTask], refused: Set<String>, otherPool: Bool) {
        var locked: [ExternalTask] = []
        var refused: Set<String> = []
        var partitions: [Int] = []
        var commands: [RedisCommand] = []
        for (partition, picks) in byPartition {
            var arguments = [keys.prefix(partition), request.workerID, "0", request.workerPool?.rawValue ?? "", "0"]
            var count = 0
            for pick in picks {
                let expiry = expiries[pick.topic]!
                if let pool = pick.slotPool {
                    let got = try await lockHoldingSlots(
                        partition, worker: request.workerID, topic: pick.topic, member: pick.member,
                        pool: pool, slots: pick.slots, expiry: expiry, score: expiry, now: now)
                    if got.isEmpty { refused.insert(pick.taskID) }
                    locked += got
                    continue
                }
                arguments += [pick.topic, pick.member, expiry, expiry]
                count += 1
            }
            guard count > 0 else { continue }
            arguments[2] = String(count)
            partitions.append(partition)
            commands.append(.evalsha(RedisScripts.lockChosen, keys: [keys.route(partition)],
                                     arguments: arguments.map { Array($0.utf8) }))
        }
        guard !commands.isEmpty else { return (locked, refused, false) }
        let replies = try await redis.pipeline(commands, script: RedisScripts.lockChosen)
        var otherPool = false
        for (partition, reply) in zip(partitions, replies) {
            if case .error(let message) = reply { throw RedisError(.reply, message) }
            let parts = reply.array
            locked += try lockedTasks(parts.first ?? .null)
            let pooled = parts.count > 1 ? parts[1].array.compactMap(\.string) : []
            for index in stride(from: 0, to: pooled.count - 5, by: 6) {
                let (topic, member, pool) = (pooled[index], pooled[index + 1], pooled[index + 2])
                let (slots, expiry, score) = (Int(pooled[index + 3]) ?? 1, pooled[index + 4], pooled[index + 5])
                let got = try await lockHoldingSlots(
                    partition, worker: request.workerID, topic: topic, member: member, pool: pool, slots: slots,
                    expiry: expiry, score: score, now: now)
                if got.isEmpty { refused.insert(RedisOperations.taskID(ofMember: member)) }
                locked += got
            }
            let other = parts.count > 2 ? parts[2].array.compactMap(\.string) : []
            refused.formUnion(other)
            otherPool = otherPool || !other.isEmpty
        }
        return (locked, refused, otherPool)
    }
}
