// SPDX-License-Identifier: Apache-2.0
import Foundation
import Workflow

/// Distributed locks on Redis: one hash per lock, `wf:{lock:NAME}` (owner, until, token, fence), each in its own
/// Cluster slot; the fencing counter stays after a release, so tokens only grow.
extension RedisWorkflowStore {
    static let acquireScript = RedisScript("""
    local owner = redis.call('HGET', KEYS[1], 'owner')
    local live = owner and tonumber(redis.call('HGET', KEYS[1], 'until') or '0') > tonumber(ARGV[3])
    if live and owner ~= ARGV[1] then return false end
    local token
    if live then token = redis.call('HGET', KEYS[1], 'token') else token = redis.call('HINCRBY', KEYS[1], 'fence', 1) end
    redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'until', ARGV[2], 'token', token)
    return tostring(token)
    """)

    static let releaseScript = RedisScript("""
    if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
    redis.call('HDEL', KEYS[1], 'owner', 'until', 'token')
    return 1
    """)

    private func lockKey(_ name: String) -> String { keys.namespace + "{lock:" + name + "}" }

    public func acquireLock(_ name: String, owner: String, until: Date, now: Date) async throws -> DistributedLock? {
        let reply = try await redis.evaluate(
            Self.acquireScript, keys: [lockKey(name)],
            arguments: [owner, Self.time(until), Self.time(now)].map { Array($0.utf8) })
        guard let token = reply.integer else { return nil }
        return DistributedLock(name: name, owner: owner, fencingToken: token, expiresAt: until)
    }

    public func releaseLock(_ name: String, owner: String) async throws -> Bool {
        try await redis.evaluate(Self.releaseScript, keys: [lockKey(name)], arguments: [Array(owner.utf8)]).integer == 1
    }

    public func lock(_ name: String, now: Date) async throws -> DistributedLock? {
        let fields = try await redis.send("HMGET", lockKey(name), "owner", "until", "token").array
        guard fields.count == 3, let owner = fields[0].string, let until = fields[1].string.flatMap({ Self.date(Substring($0)) }),
              let token = fields[2].integer, until > now
        else { return nil }
        return DistributedLock(name: name, owner: owner, fencingToken: token, expiresAt: until)
    }
}
