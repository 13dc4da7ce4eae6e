// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
@testable import Workers

/// The hiredis client: URL parsing, script naming, and calls against the real server at `REDIS_URL`.
struct RedisClientTests {
    static let url = ProcessInfo.processInfo.environment["REDIS_URL"]

    @Test func parsesRedisURLs() throws {
        #expect(try RedisEndpoint(url: "redis://10.0.0.5:6380") == RedisEndpoint(host: "10.0.0.5", port: 6380))
        #expect(try RedisEndpoint(url: "redis://cache") == RedisEndpoint(host: "cache", port: 6379))
        for bad in ["redis://", "redis://h:0", "redis://h:x", "redis://user:pw@h:1", "redis://h:1/2"] {
            #expect(throws: RedisError.self, "\(bad)") { try RedisEndpoint(url: bad) }
        }
    }

    @Test func sha1MatchesKnownVectors() {
        #expect(SHA1.hex([]) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(SHA1.hex(Array("abc".utf8)) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(SHA1.hex(Array(String(repeating: "a", count: 1000).utf8)) == "291e9a6c66994949b57ba5e650361e98fc36b1ba")
    }

    @Test func commandsAreWrittenAsRESP() {
        var resp: [UInt8] = []
        let command = RedisCommand(bytes: [Array("SET".utf8), [], Array("a\r\nb".utf8)])
        command.writeRESP(into: &resp)
        #expect(String(decoding: resp, as: UTF8.self) == "*3\r\n$3\r\nSET\r\n$0\r\n\r\n$4\r\na\r\nb\r\n")
        #expect(command.respSize >= resp.count)
    }

    @Test(.enabled(if: url != nil, "needs REDIS_URL (scripts/test.sh starts a redis-server)"))
    func argumentsOfAnyBytesAndSizeGoThrough() async throws {
        let client = RedisClient(try RedisEndpoint(url: Self.url!), threads: 1)
        let key = "wf-test-resp-" + UUID().uuidString
        let big = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let replies = try await client.pipeline([
            RedisCommand(bytes: [Array("SET".utf8), Array(key.utf8), []]), RedisCommand("GET", key),
            RedisCommand(bytes: [Array("SET".utf8), Array(key.utf8), Array("*1\r\n$3\r\nGET\r\n".utf8)]),
            RedisCommand("GET", key),
            RedisCommand(bytes: [Array("SET".utf8), Array(key.utf8), big]), RedisCommand("GET", key),
            RedisCommand("DEL", key),
        ])
        #expect(replies[1] == .bulk([]), "an empty argument")
        #expect(replies[3] == .bulk(Array("*1\r\n$3\r\nGET\r\n".utf8)), "RESP inside an argument is data")
        #expect(replies[5] == .bulk(big), "a 300 kB argument")
        #expect(replies[6] == .integer(1))
    }

    @Test(.enabled(if: url != nil, "needs REDIS_URL (scripts/test.sh starts a redis-server)"))
    func pipelinesAndScriptsAgainstTheServer() async throws {
        let client = RedisClient(try RedisEndpoint(url: Self.url!), threads: 2)
        let key = "wf-test-client-" + UUID().uuidString
        let replies = try await client.pipeline([
            RedisCommand("SET", key, "a\u{0}b"), RedisCommand("GET", key), RedisCommand("INCR", key + ":n"),
            RedisCommand("GET", key + ":missing"), RedisCommand("NOSUCHCOMMAND"),
        ])
        #expect(replies[0] == .status("OK"))
        #expect(replies[1] == .bulk([97, 0, 98]), "binary safe")
        #expect(replies[2] == .integer(1))
        #expect(replies[3] == .null)
        guard case .error = replies[4] else { Issue.record("expected an error reply, got \(replies[4])"); return }
        // A script the server has never seen (a fresh comment): EVALSHA answers NOSCRIPT, evaluate loads it.
        let script = RedisScript("-- \(UUID().uuidString)\nreturn {KEYS[1], ARGV[1]}")
        #expect(try await client.send("SCRIPT", "EXISTS", script.sha1) == .array([.integer(0)]))
        let answer = try await client.evaluate(script, keys: [key], arguments: [Array("x".utf8)])
        #expect(answer == .array([.bulk(Array(key.utf8)), .bulk([120])]), "loaded after NOSCRIPT")
        // The server names the script as we do.
        #expect(try await client.send("SCRIPT", "LOAD", script.source).string == script.sha1)
        try await client.send("DEL", key, key + ":n")
    }

    /// Thousands of callers at once share two connections: their calls go out in batches, and each caller gets its
    /// own replies, in its own order, error replies included. Then the server drops the client's connections: the
    /// next calls run on new connections.
    @Test(.enabled(if: url != nil, "needs REDIS_URL (scripts/test.sh starts a redis-server)"))
    func concurrentCallersShareConnectionsAndKeepTheirReplies() async throws {
        let client = RedisClient(try RedisEndpoint(url: Self.url!), threads: 2)
        let key = "wf-test-batch-" + UUID().uuidString
        try await withThrowingTaskGroup(of: Void.self) { group in
            for caller in 0..<3_000 {
                group.addTask {
                    let replies = try await client.pipeline([
                        RedisCommand("ECHO", "caller-\(caller)"), RedisCommand("HINCRBY", key, "n", "1"),
                        RedisCommand("NOSUCHCOMMAND"), RedisCommand("ECHO", "\(caller)-end"),
                    ])
                    #expect(replies.count == 4)
                    #expect(replies[0].string == "caller-\(caller)")
                    #expect((replies[1].integer ?? 0) >= 1)
                    if case .error = replies[2] {} else { Issue.record("caller \(caller): no error reply: \(replies[2])") }
                    #expect(replies[3].string == "\(caller)-end")
                }
            }
            try await group.waitForAll()
        }
        #expect(try await client.send("HGET", key, "n").string == "3000", "every call ran exactly once")
        // The server drops this client's connections (named first; other tests share the server, so not theirs).
        let name = "wf-test-kill-" + UUID().uuidString.prefix(8)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<200 { group.addTask { try await client.send("CLIENT", "SETNAME", name) } }
            try await group.waitForAll()
        }
        let list = try await client.send("CLIENT", "LIST").string ?? ""
        let ids = list.split(separator: "\n").filter { $0.contains(" name=\(name) ") }.compactMap { line in
            line.split(separator: " ").first { $0.hasPrefix("id=") }.map { String($0.dropFirst(3)) }
        }
        #expect(!ids.isEmpty)
        for id in ids { _ = try? await client.send("CLIENT", "KILL", "ID", id) }
        try await Task.sleep(for: .milliseconds(50))
        for _ in 0..<10 {
            #expect(try await client.send("PING") == .status("PONG"), "new connections after the server dropped the old")
        }
        try await client.send("DEL", key)
    }

    @Test func unreachableServerIsAClearError() async throws {
        let client = RedisClient(RedisEndpoint(host: "127.0.0.1", port: 1), threads: 1)
        await #expect(throws: RedisError.self) { try await client.send("PING") }
    }
}
