// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
@testable import Workers
import Workflow

/// A write on the cluster is answered once a replica has it (`WAIT`), so a master killed right after cannot take it
/// along; reads do not wait. Measured against a replica that sleeps (`DEBUG SLEEP`, allowed on the loopback test
/// cluster): the write waits out the acknowledgement timeout.
struct RedisClusterReplicaAckTests {
    /// The master and the replica that hold `key`'s slot, from `CLUSTER SLOTS`.
    static func shard(of key: String, _ cluster: RedisClusterClient) async throws -> (master: RedisEndpoint, replica: RedisEndpoint) {
        let slot = Int64(RedisClusterSlot.of(key: Array(key.utf8)))
        for range in try await cluster.send("CLUSTER", "SLOTS").array {
            let fields = range.array
            guard fields.count >= 4, let low = fields[0].integer, let high = fields[1].integer, (low...high).contains(slot)
            else { continue }
            func node(_ reply: RedisReply) -> RedisEndpoint {
                RedisEndpoint(host: reply.array[0].string ?? "127.0.0.1", port: Int(reply.array[1].integer ?? 0))
            }
            return (node(fields[2]), node(fields[3]))
        }
        throw RedisError(.protocolViolation, "no replica holds slot \(slot)")
    }

    @Test(.enabled(if: TestRedis.cluster != nil, "needs REDIS_CLUSTER"))
    func writesEndWithAWaitForAReplicaAndReadsDoNot() async throws {
        let cluster = TestRedis.cluster!
        try await cluster.refreshSlots()
        let (master, _) = try await Self.shard(of: "wf-test-ack", cluster)
        let wait = cluster.replicaWait(master, [RedisCommand("GET", "k"), RedisCommand("EVALSHA", "sha", "1", "k")])
        #expect(wait?.arguments.map { String(decoding: $0, as: UTF8.self) } == ["WAIT", "1", "100"])
        #expect(cluster.replicaWait(master, [RedisCommand("GET", "k"), RedisCommand("HGETALL", "k")]) == nil)
        let unacknowledged = RedisClusterClient(seeds: cluster.seeds, replicaAckTimeout: 0)
        try await unacknowledged.refreshSlots()
        #expect(unacknowledged.replicaWait(master, [RedisCommand("SET", "k", "v")]) == nil)
    }

    /// The replica sleeps for 0.8 s; a write sent while it sleeps waits out the acknowledgement timeout. A run in
    /// which the sleep began after the write, or ended too soon (a loaded host), proves nothing and is taken again.
    @Test(.enabled(if: TestRedis.cluster != nil, "needs REDIS_CLUSTER"))
    func aWriteWaitsForItsSleepingReplica() async throws {
        let cluster = TestRedis.cluster!
        let key = "wf-test-\(IDGenerator.next()):ack"
        let (_, replica) = try await Self.shard(of: key, cluster)
        let sleeper = RedisClient(replica, threads: 1)
        let clock = ContinuousClock()
        for _ in 0..<3 {
            let began = clock.now
            async let slept = sleeper.send("DEBUG", "SLEEP", "0.8")
            try await Task.sleep(for: .milliseconds(100))
            let sent = clock.now
            _ = try await cluster.send("SET", key, "1")
            let answered = clock.now
            _ = try await slept
            // The sleep began after `began` (so it lasts past the write's 100 ms wait when the write went out within
            // 600 ms), and 0.8 s before its answer came at the latest (so before the write went out).
            let woke = clock.now
            guard woke - .milliseconds(800) <= sent, sent - began < .milliseconds(600) else { continue }
            #expect(answered - sent >= .milliseconds(90), "the write waited for the sleeping replica")
            #expect(try await cluster.send("GET", key).string == "1")
            _ = try await cluster.send("DEL", key)
            return
        }
        Issue.record("the replica never slept through a write in three tries")
    }
}
