// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
@testable import Workers
import Workflow

/// A write on the cluster is answered once a replica has it (`WAIT`), so a master killed right after cannot take it
/// along; reads do not wait. Measured against a replica that sleeps (`DEBUG SLEEP`, allowed on the loopback test
/// cluster): the write waits out the acknowledgement timeout, the read does not.
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
    func writesWaitForAReplicaAndReadsDoNot() async throws {
        let cluster = TestRedis.cluster!
        let key = "wf-test-\(IDGenerator.next()):ack"
        let (_, replica) = try await Self.shard(of: key, cluster)
        let sleeper = RedisClient(replica, threads: 1)
        let clock = ContinuousClock()

        async let slept = sleeper.send("DEBUG", "SLEEP", "0.4")
        try await Task.sleep(for: .milliseconds(100))
        let read = try await clock.measure { _ = try await cluster.send("GET", key) }
        let written = try await clock.measure { _ = try await cluster.send("SET", key, "1") }
        _ = try await slept
        #expect(written >= .milliseconds(90), "the write waited for the sleeping replica (\(written))")
        #expect(read < written, "the read did not (\(read))")
        #expect(try await cluster.send("GET", key).string == "1")
        _ = try await cluster.send("DEL", key)
    }
}
