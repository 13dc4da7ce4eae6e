// SPDX-License-Identifier: Apache-2.0
import Foundation
import NIOPosix
import Synchronization

/// A pool of blocking hiredis connections to one Redis server. Every call runs on the client's own threads
/// (an `NIOThreadPool`), never on Swift's cooperative pool; a broken connection is dropped and made anew.
public final class RedisClient: RedisConnector {
    public let endpoint: RedisEndpoint
    private let threads: NIOThreadPool
    private let idle = Mutex<[RedisConnection]>([])
    private let maxIdle: Int

    /// - Parameters:
    ///   - endpoint: the server.
    ///   - threads: how many calls may be in flight at once (each holds one connection while it runs).
    public init(_ endpoint: RedisEndpoint, threads: Int = 8) {
        self.endpoint = endpoint
        self.threads = NIOThreadPool(numberOfThreads: threads)
        self.maxIdle = threads
        self.threads.start()
    }

    deinit { threads.shutdownGracefully { _ in } }

    /// Sends the commands in one round trip; replies come back in order, error replies included (not thrown).
    public func pipeline(_ commands: [RedisCommand]) async throws -> [RedisReply] {
        guard !commands.isEmpty else { return [] }
        return try await threads.runIfActive { [self] in try self.withConnection { try $0.send(commands) } }
    }

    public var endpoints: [RedisEndpoint] { [endpoint] }

    public func loadScript(_ script: RedisScript) async throws { try await send("SCRIPT", "LOAD", script.source) }

    private func withConnection<T>(_ body: (RedisConnection) throws -> T) throws -> T {
        let connection = try idle.withLock { $0.popLast() } ?? RedisConnection(endpoint)
        do {
            let result = try body(connection)
            release(connection)
            return result
        } catch {
            release(connection)
            throw error
        }
    }

    private func release(_ connection: RedisConnection) {
        guard !connection.isBroken else { return }
        idle.withLock { idle in if idle.count < maxIdle { idle.append(connection) } }
    }
}

/// A Lua script, called by its SHA-1.
public struct RedisScript: Sendable {
    public let source: String
    public let sha1: String

    public init(_ source: String) {
        self.source = source
        self.sha1 = SHA1.hex(Array(source.utf8))
    }
}
