// SPDX-License-Identifier: Apache-2.0
import Foundation
import Workflow

extension RedisWorkflowStore {
    /// The best `limit` ready tasks of the topics across every partition, in queue order (priority, then sequence),
    /// read with plain `ZRANGE`s and no script: each queue (partition and topic) is read a page at a time, and read
    /// further only while the last task read from it could still rank among the best `limit`. Partitions with due
    /// delayed tasks (a lease ran out, a back-off ended) move them to their queues first.
    ///
    /// Reading whole pages with each task's pools in a script cost about 100 µs of Redis time per partition and
    /// fetch, and Redis, not the engine, was what limited the throughput. Which pools a pick belongs to is checked
    /// when it is locked (`lockChosen`).
    /// One more than `limit` when there is more, so that the caller knows whether there is work beyond its picks.
    ///
    /// A queue read further is read again from its head, with a page twice as long: reading on from an offset would
    /// skip tasks when another fetch took some ahead of it meanwhile (and read some twice when tasks were added).
    func positions(topics: [String], limit: Int, now: Date, skip: (String) -> Bool) async throws -> [Candidate] {
        let limit = limit + 1
        struct Queue {
            let partition: Int
            let topic: String
            var exhausted = false
            var last: (score: Double, member: String)?
            /// The ready tasks read from this queue, best first, without those the caller skips.
            var entries: [(score: Double, member: String)] = []
        }
        var queues = (0..<RedisKeys.partitions).flatMap { partition in topics.map { Queue(partition: partition, topic: $0) } }
        var page = max(2, 2 * limit / RedisKeys.partitions + 2)
        // First round: how many delayed tasks are due in each partition, and every queue's first page.
        var commands = (0..<RedisKeys.partitions).map {
            RedisCommand("ZCOUNT", keys.prefix($0) + "delayed", "-inf", Self.time(now))
        }
        var wanted = Array(queues.indices)
        commands += wanted.map { readyPage(queues[$0].partition, queues[$0].topic, count: page) }
        var replies = try Self.checked(try await redis.pipeline(commands))
        let due = (0..<RedisKeys.partitions).filter { (replies[$0].integer ?? 0) > 0 }
        if !due.isEmpty {
            try await promote(partitions: due, now: now)
            // Those partitions' queues changed: read them again.
            let again = wanted.filter { due.contains(queues[$0].partition) }
            let fresh = try Self.checked(try await redis.pipeline(again.map {
                readyPage(queues[$0].partition, queues[$0].topic, count: page)
            }))
            for (queue, reply) in zip(again, fresh) { replies[RedisKeys.partitions + queue] = reply }
        }
        replies.removeFirst(RedisKeys.partitions)
        var entries: [(score: Double, member: String, queue: Int)] = []
        for round in 0..<12 {
            for (queue, reply) in zip(wanted, replies) {
                let flat = reply.array
                queues[queue].entries.removeAll(keepingCapacity: true)
                queues[queue].last = nil
                for index in stride(from: 0, to: flat.count - 1, by: 2) {
                    guard let member = flat[index].string, let score = flat[index + 1].string.flatMap(Double.init) else {
                        continue
                    }
                    queues[queue].last = (score, member)
                    if !skip(RedisOperations.taskID(ofMember: member)) { queues[queue].entries.append((score, member)) }
                }
                queues[queue].exhausted = flat.count / 2 < page
            }
            entries = queues.indices.flatMap { queue in queues[queue].entries.map { ($0.score, $0.member, queue) } }
            entries.sort { $0.score != $1.score ? $0.score < $1.score : $0.member < $1.member }
            let cutoff = entries.count >= limit ? entries[limit - 1] : nil
            wanted = queues.indices.filter { index in
                guard !queues[index].exhausted, let last = queues[index].last else { return false }
                guard let cutoff else { return true }
                return last.score != cutoff.score ? last.score < cutoff.score : last.member < cutoff.member
            }
            guard !wanted.isEmpty, round < 11 else { break }
            page *= 2
            replies = try Self.checked(try await redis.pipeline(wanted.map {
                readyPage(queues[$0].partition, queues[$0].topic, count: page)
            }))
        }
        return entries.prefix(limit).map { entry in
            Candidate(partition: queues[entry.queue].partition, member: entry.member, score: entry.score,
                      topic: queues[entry.queue].topic, slotPool: nil, slots: 1, record: nil)
        }
    }

    /// The replies, or the first error reply thrown (a server loading, busy or refusing: the fetch fails, it does not
    /// take an error for an empty queue).
    private static func checked(_ replies: [RedisReply]) throws -> [RedisReply] {
        if case .error(let message)? = replies.first(where: { if case .error = $0 { true } else { false } }) {
            throw RedisError(.reply, message)
        }
        return replies
    }

    /// The first `count` ready tasks of a queue, with their scores.
    private func readyPage(_ partition: Int, _ topic: String, count: Int) -> RedisCommand {
        RedisCommand("ZRANGE", keys.prefix(partition) + RedisKeys.ready(topic), "0", String(count - 1), "WITHSCORES")
    }

    /// Runs `promote` in each of the partitions, in one round trip (loading the script where a node lacks it).
    func promote(partitions: [Int], now: Date) async throws {
        let commands = partitions.map { partition in
            RedisCommand.evalsha(RedisScripts.promote, keys: [keys.route(partition)],
                                 arguments: [keys.prefix(partition), Self.time(now)].map { Array($0.utf8) })
        }
        _ = try Self.checked(try await redis.pipeline(commands, script: RedisScripts.promote))
    }
}
