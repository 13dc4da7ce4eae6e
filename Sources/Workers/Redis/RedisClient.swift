// SPDX-License-Identifier: Apache-2.0
import Foundation

/// A client of one Redis server that pipelines on its own: calls made at the same time go out together. A few
/// lanes, each one blocking hiredis connection on a thread of its own (never on Swift's cooperative pool), take
/// whatever calls are waiting, send them in one write, read their replies in order and resume each caller. Under
/// load one round trip, one pair of system calls and one wake-up serve many calls (auto-pipelining); a broken
/// connection is dropped and made anew on the lane's next batch.
public final class RedisClient: RedisConnector {
    public let endpoint: RedisEndpoint
    private let queue = RedisCallQueue()

    /// - Parameters:
    ///   - endpoint: the server.
    ///   - threads: how many connections (lanes) may have calls in flight at once. Two: a second lane keeps calls
    ///     moving while one waits on a slow script, and fewer lanes batch more (in the REST benchmark on 2 cores,
    ///     one or two lanes did 10–20 % better than four).
    public init(_ endpoint: RedisEndpoint, threads: Int = 2) {
        self.endpoint = endpoint
        for lane in 0..<max(1, threads) {
            let thread = Thread { [queue] in RedisClient.runLane(queue, endpoint: endpoint) }
            thread.name = "redis-\(endpoint.port)-\(lane)"
            thread.start()
        }
    }

    deinit { queue.close() }

    /// Sends the commands in one round trip; replies come back in order, error replies included (not thrown).
    public func pipeline(_ commands: [RedisCommand]) async throws -> [RedisReply] {
        guard !commands.isEmpty else { return [] }
        return try await withCheckedThrowingContinuation { continuation in
            queue.add(RedisCall(commands: commands, continuation: continuation))
        }
    }

    public var endpoints: [RedisEndpoint] { [endpoint] }

    public func loadScript(_ script: RedisScript) async throws { try await send("SCRIPT", "LOAD", script.source) }

    /// One lane: takes the waiting calls and runs them on its connection, until the client goes away.
    private static func runLane(_ queue: RedisCallQueue, endpoint: RedisEndpoint) {
        var connection: RedisConnection?
        while let (batch, waited) = queue.take() {
            do {
                // A connection that sat idle may have been closed by the server (a restart, a timeout, CLIENT KILL).
                if waited, connection?.isClosedByPeer == true { connection = nil }
                if connection?.isBroken ?? true { connection = try RedisConnection(endpoint) }
                var failed = false
                // Each caller is resumed as soon as its own replies are in, not after the whole batch.
                connection!.send(batch: batch.map(\.commands)) { index, result in
                    if case .failure = result { failed = true }
                    batch[index].continuation.resume(with: result)
                }
                // After a failure the connection may hold unsent or unread commands: never reuse it.
                if failed { connection = nil }
            } catch {
                connection = nil
                for call in batch { call.continuation.resume(throwing: error) }
            }
        }
    }
}

/// A caller's commands and where their replies go.
struct RedisCall: Sendable {
    let commands: [RedisCommand]
    let continuation: CheckedContinuation<[RedisReply], any Error>
}

/// The calls waiting for a lane. Lanes sleep on the condition while there are none.
final class RedisCallQueue: @unchecked Sendable {
    // The condition guards `waiting` and `closed` (hence the unchecked Sendable).
    private let condition = NSCondition()
    private var waiting: [RedisCall] = []
    private var closed = false
    /// Commands one batch takes at most (a bound on one write and on the replies read before anyone resumes).
    private let maxCommands = 512

    func add(_ call: RedisCall) {
        condition.lock()
        guard !closed else {
            condition.unlock()
            call.continuation.resume(throwing: RedisError(.connection, "the Redis client was shut down"))
            return
        }
        waiting.append(call)
        condition.signal()
        condition.unlock()
    }

    /// The next batch, waiting for one, and whether it had to wait; nil once the queue is closed and empty.
    func take() -> (batch: [RedisCall], waited: Bool)? {
        condition.lock()
        defer { condition.unlock() }
        var waited = false
        while waiting.isEmpty {
            if closed { return nil }
            condition.wait()
            waited = true
        }
        var count = 0, commands = 0
        while count < waiting.count, count == 0 || commands + waiting[count].commands.count <= maxCommands {
            commands += waiting[count].commands.count
            count += 1
        }
        let batch: [RedisCall]
        if count == waiting.count {
            batch = waiting
            waiting = []
            waiting.reserveCapacity(batch.count)
        } else {
            batch = Array(waiting.prefix(count))
            waiting.removeFirst(count)
        }
        // More left: wake another lane for them.
        if !waiting.isEmpty { condition.signal() }
        return (batch, waited)
    }

    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
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
