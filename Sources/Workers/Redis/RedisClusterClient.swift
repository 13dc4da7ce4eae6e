// SPDX-License-Identifier: Apache-2.0
import Foundation
import Synchronization

/// A Redis Cluster: commands go to the master that owns their key's slot (from `CLUSTER SLOTS`), in one pipeline
/// per master, sent in parallel. `MOVED` refreshes the slot map and retries there; `ASK` retries once on the named
/// node after `ASKING`; a lost connection or `CLUSTERDOWN`/`TRYAGAIN` (a master failing over) refreshes the map and
/// retries until `failoverTimeout` has passed, so a replica's promotion is ridden out.
///
/// Replication is asynchronous: a master killed right after it answered may take its last writes with it, and its
/// promoted replica would run a settled task again. So a pipeline that changes anything on a master with replicas
/// ends with `WAIT 1 <replicaAckTimeout>`, and is answered once a replica has its writes (or the time is up: a
/// replica that is down slows the writes, it does not stop them).
public final class RedisClusterClient: RedisConnector {
    public let seeds: [RedisEndpoint]
    let failoverTimeout: Duration
    /// How long a write waits for a replica's acknowledgement (ms); 0: not at all.
    let replicaAckTimeout: Int
    private let threadsPerNode: Int
    /// Slot → master, the masters (empty until the first `CLUSTER SLOTS`), and how many replicas each has.
    private struct SlotMap {
        var owners: [RedisEndpoint?] = []
        var masters: [RedisEndpoint] = []
        var replicas: [RedisEndpoint: Int] = [:]
    }

    private let map = Mutex(SlotMap())
    private let clients = Mutex<[RedisEndpoint: RedisClient]>([:])

    public init(seeds: [RedisEndpoint], threadsPerNode: Int = 2, failoverTimeout: Duration = .seconds(20),
                replicaAckTimeout: Int = 100) {
        self.seeds = seeds
        self.threadsPerNode = threadsPerNode
        self.failoverTimeout = failoverTimeout
        self.replicaAckTimeout = replicaAckTimeout
    }

    /// Reads `HOST:PORT,HOST:PORT,...`.
    public convenience init(nodes: String) throws(RedisError) {
        var seeds: [RedisEndpoint] = []
        for node in nodes.split(separator: ",") { seeds.append(try RedisEndpoint(url: String(node).trimmingCharacters(in: .whitespaces))) }
        guard !seeds.isEmpty else { throw RedisError(.connection, "no Redis Cluster nodes given") }
        self.init(seeds: seeds)
    }

    public var endpoints: [RedisEndpoint] { Array(Set(seeds + masters)) }

    private var masters: [RedisEndpoint] { map.withLock { $0.masters } }

    private func client(_ endpoint: RedisEndpoint) -> RedisClient {
        clients.withLock { clients in
            if let client = clients[endpoint] { return client }
            let client = RedisClient(endpoint, threads: threadsPerNode)
            clients[endpoint] = client
            return client
        }
    }

    /// Reads the slot map from the first node that answers (known masters first, then the seeds).
    public func refreshSlots() async throws {
        var lastError: (any Error)?
        for node in masters + seeds {
            do {
                let reply = try await client(node).send("CLUSTER", "SLOTS")
                var map = [RedisEndpoint?](repeating: nil, count: RedisClusterSlot.count)
                var replicas: [RedisEndpoint: Int] = [:]
                for range in reply.array {
                    let fields = range.array
                    guard fields.count >= 3, let low = fields[0].integer, let high = fields[1].integer,
                          let host = fields[2].array.first?.string, let port = fields[2].array.dropFirst().first?.integer
                    else { continue }
                    let master = RedisEndpoint(host: host.isEmpty ? node.host : host, port: Int(port))
                    for slot in Int(low)...Int(high) where slot < RedisClusterSlot.count { map[slot] = master }
                    // After the master: one entry per replica.
                    replicas[master] = fields.count - 3
                }
                let masters = Set(map.compactMap { $0 }).sorted { ($0.host, $0.port) < ($1.host, $1.port) }
                guard !masters.isEmpty else { throw RedisError(.protocolViolation, "empty slot map") }
                self.map.withLock { $0 = SlotMap(owners: map, masters: masters, replicas: replicas) }
                return
            } catch {
                lastError = error
            }
        }
        throw lastError ?? RedisError(.connection, "no Redis Cluster node answered")
    }

    private func node(for command: RedisCommand) async throws -> RedisEndpoint {
        if masters.isEmpty { try await refreshSlots() }
        let slot = RedisClusterSlot.key(of: command).map(RedisClusterSlot.of(key:))
        if let slot, let owner = map.withLock({ $0.owners.isEmpty ? nil : $0.owners[slot] }) { return owner }
        guard let any = masters.first ?? seeds.first else { throw RedisError(.connection, "no Redis Cluster node known") }
        return any
    }

    public func pipeline(_ commands: [RedisCommand]) async throws -> [RedisReply] {
        guard !commands.isEmpty else { return [] }
        let deadline = ContinuousClock.now + failoverTimeout
        var replies = [RedisReply?](repeating: nil, count: commands.count)
        var pending = Array(commands.indices)
        var lastError: (any Error)?
        while !pending.isEmpty {
            var groups: [RedisEndpoint: [Int]] = [:]
            for index in pending { groups[try await node(for: commands[index]), default: []].append(index) }
            var retry: [Int] = []
            var refresh = false
            try await withThrowingTaskGroup(of: (RedisEndpoint, [Int], Result<[RedisReply], any Error>).self) { group in
                for (endpoint, indices) in groups {
                    group.addTask { [self] in
                        do {
                            let sent = indices.map { commands[$0] }
                            guard let wait = replicaWait(endpoint, sent) else {
                                return (endpoint, indices, .success(try await client(endpoint).pipeline(sent)))
                            }
                            return (endpoint, indices, .success(Array(try await client(endpoint).pipeline(sent + [wait]).dropLast())))
                        } catch {
                            return (endpoint, indices, .failure(error))
                        }
                    }
                }
                for try await (_, indices, result) in group {
                    switch result {
                    case .failure(let error):
                        lastError = error
                        // Sent but unanswered: only commands that change nothing may be sent again.
                        if let error = error as? RedisError, error.code == .lostReply,
                           !indices.allSatisfy({ Self.isReadOnly(commands[$0]) }) {
                            throw error
                        }
                        refresh = true
                        retry += indices
                    case .success(let answers):
                        for (index, answer) in zip(indices, answers) {
                            if case .error(let message) = answer {
                                if message.hasPrefix("MOVED") || message.hasPrefix("CLUSTERDOWN") || message.hasPrefix("TRYAGAIN") {
                                    lastError = RedisError(.reply, message)
                                    refresh = true
                                    retry.append(index)
                                    continue
                                }
                                if message.hasPrefix("ASK"), let target = Self.target(of: message) {
                                    let asked = try await client(target).pipeline([RedisCommand("ASKING"), commands[index]])
                                    replies[index] = asked[1]
                                    continue
                                }
                            }
                            replies[index] = answer
                        }
                    }
                }
            }
            pending = retry
            guard !pending.isEmpty else { break }
            guard ContinuousClock.now < deadline else { throw lastError ?? RedisError(.connection, "Redis Cluster unavailable") }
            if refresh {
                try? await Task.sleep(for: .milliseconds(100))
                try? await refreshSlots()
            }
        }
        return replies.map { $0 ?? .null }
    }

    /// `WAIT 1 <timeout>` after commands that may change something on a master that has a replica; nil otherwise.
    func replicaWait(_ master: RedisEndpoint, _ commands: [RedisCommand]) -> RedisCommand? {
        guard replicaAckTimeout > 0, !commands.allSatisfy(Self.isReadOnly),
              map.withLock({ $0.replicas[master] ?? 0 }) > 0 else { return nil }
        return RedisCommand("WAIT", "1", String(replicaAckTimeout))
    }

    /// Commands that change nothing, safe to send again when their answer was lost.
    static func isReadOnly(_ command: RedisCommand) -> Bool {
        let name = command.arguments.first.map { String(decoding: $0, as: UTF8.self).uppercased() } ?? ""
        return ["GET", "HGET", "HGETALL", "HVALS", "HMGET", "HEXISTS", "HLEN", "ZRANGE", "ZRANGEBYSCORE", "ZCOUNT",
                "ZCARD", "ZSCORE", "SMEMBERS", "SCARD", "LRANGE", "LLEN", "EXISTS", "PING", "CLUSTER", "INFO"].contains(name)
    }

    /// `ASK 3999 127.0.0.1:6381` → 127.0.0.1:6381.
    static func target(of redirect: String) -> RedisEndpoint? {
        let parts = redirect.split(separator: " ")
        guard parts.count >= 3 else { return nil }
        return try? RedisEndpoint(url: String(parts[2]))
    }

    public func loadScript(_ script: RedisScript) async throws {
        if masters.isEmpty { try await refreshSlots() }
        for master in masters { try await client(master).send("SCRIPT", "LOAD", script.source) }
    }
}
