// SPDX-License-Identifier: Apache-2.0

/// Anything that runs Redis commands: one server (`RedisClient`) or a Redis Cluster (`RedisClusterClient`).
public protocol RedisConnector: Sendable {
    /// The servers a subscriber may connect to (pub/sub reaches every node of a cluster).
    var endpoints: [RedisEndpoint] { get }
    /// Sends the commands and returns one reply each, in order; error replies are returned, not thrown.
    func pipeline(_ commands: [RedisCommand]) async throws -> [RedisReply]
    /// Makes a script known to every server that may run it.
    func loadScript(_ script: RedisScript) async throws
}

extension RedisConnector {
    /// Sends one command and returns its reply; an error reply is thrown.
    @discardableResult
    public func send(_ command: RedisCommand) async throws -> RedisReply {
        let reply = try await pipeline([command])[0]
        if case .error(let message) = reply { throw RedisError(.reply, message) }
        return reply
    }

    @discardableResult
    public func send(_ arguments: String...) async throws -> RedisReply { try await send(RedisCommand(arguments)) }

    /// Sends calls of one script in one round trip. Those a node answered `NOSCRIPT` (a restart, a failover) are sent
    /// again once the script is loaded: only what did not run. Other error replies are returned, not thrown.
    /// Like `evaluate`, it tries three times (a flush may come between the load and the retry).
    public func pipeline(_ commands: [RedisCommand], script: RedisScript) async throws -> [RedisReply] {
        var replies = try await pipeline(commands)
        for _ in 0..<3 {
            let missing = replies.indices.filter {
                if case .error(let message) = replies[$0] { message.hasPrefix("NOSCRIPT") } else { false }
            }
            guard !missing.isEmpty else { break }
            try await loadScript(script)
            for (index, reply) in zip(missing, try await pipeline(missing.map { commands[$0] })) { replies[index] = reply }
        }
        return replies
    }

    /// Runs a Lua script by its SHA, loading it once when the server does not know it yet (a restart, a failover).
    public func evaluate(_ script: RedisScript, keys: [String], arguments: [[UInt8]]) async throws -> RedisReply {
        try await evaluate(script, RedisCommand.evalsha(script, keys: keys, arguments: arguments))
    }

    /// Runs an `EVALSHA` command of `script` (built by `RedisCommand.evalsha`), as `evaluate` does.
    func evaluate(_ script: RedisScript, _ command: RedisCommand) async throws -> RedisReply {
        var reply = try await pipeline([command])[0]
        // Loaded again after a restart, a failover or a SCRIPT FLUSH (even one between the load and the retry).
        for _ in 0..<3 {
            guard case .error(let message) = reply, message.hasPrefix("NOSCRIPT") else { break }
            try await loadScript(script)
            reply = try await pipeline([command])[0]
        }
        if case .error(let message) = reply { throw RedisError(.reply, message) }
        return reply
    }
}

extension RedisCommand {
    /// `EVALSHA sha numkeys keys... arguments...`.
    static func evalsha(_ script: RedisScript, keys: [String], arguments: [[UInt8]]) -> RedisCommand {
        var command = RedisCommand(bytes: [Array("EVALSHA".utf8), Array(script.sha1.utf8), Array(String(keys.count).utf8)])
        command.arguments += keys.map { Array($0.utf8) } + arguments
        return command
    }
}
