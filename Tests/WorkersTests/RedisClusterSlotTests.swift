// SPDX-License-Identifier: Apache-2.0
import Testing
@testable import Workers

/// Key → slot as Redis Cluster computes it (values from the Redis Cluster specification).
struct RedisClusterSlotTests {
    @Test func crc16AndHashTags() {
        #expect(RedisClusterSlot.crc16(Array("123456789".utf8)[...]) == 0x31C3)
        #expect(RedisClusterSlot.of(key: Array("foo".utf8)) == 12182)
        #expect(RedisClusterSlot.of(key: Array("{user1000}.following".utf8)) == RedisClusterSlot.of(key: Array("{user1000}.followers".utf8)))
        #expect(RedisClusterSlot.of(key: Array("foo{}{bar}".utf8)) != RedisClusterSlot.of(key: Array("bar".utf8)), "an empty tag hashes the whole key")
        #expect(RedisClusterSlot.of(key: Array("foo{{bar}}zap".utf8)) == RedisClusterSlot.of(key: Array("{bar".utf8)))
        #expect(RedisClusterSlot.of(key: Array("wf:{p07}:inst".utf8)) == RedisClusterSlot.of(key: Array("wf:{p07}:ready:t".utf8)))
    }

    @Test func commandsRouteByTheirKey() {
        #expect(RedisClusterSlot.key(of: RedisCommand("HGET", "k", "f")) == Array("k".utf8))
        #expect(RedisClusterSlot.key(of: RedisCommand("EVALSHA", "sha", "1", "k", "a")) == Array("k".utf8))
        #expect(RedisClusterSlot.key(of: RedisCommand("EVALSHA", "sha", "0", "a")) == nil)
        #expect(RedisClusterSlot.key(of: RedisCommand("PUBLISH", "channel", "m")) == nil)
        #expect(RedisClusterSlot.key(of: RedisCommand("SCRIPT", "LOAD", "x")) == nil)
        #expect(RedisClusterClient.target(of: "ASK 3999 127.0.0.1:6381") == RedisEndpoint(host: "127.0.0.1", port: 6381))
    }
}
