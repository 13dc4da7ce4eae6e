// SPDX-License-Identifier: Apache-2.0
import Synchronization

/// Sixteen lock-protected values, so that threads touching different keys rarely meet on one lock (the engine's
/// bookkeeping is on every fetch and completion; one shared lock would serialise the store's 16 partitions).
final class Sharded<Value: Sendable>: Sendable {
    static var count: Int { 16 }
    private final class Shard: Sendable {
        let mutex: Mutex<Value>
        init(_ value: Value) { mutex = Mutex(value) }
    }

    private let shards: [Shard]

    init(_ make: () -> Value) { shards = (0..<Self.count).map { _ in Shard(make()) } }

    /// The shard of an engine id (its partition character) or of any other string (its hash).
    static func shard(of key: String) -> Int { IDGenerator.partition(of: key) % count }

    func withLock<Result>(_ key: String, _ body: (inout sending Value) throws -> sending Result) rethrows -> sending Result {
        try shards[Self.shard(of: key)].mutex.withLock(body)
    }

    /// Visits every shard in turn.
    func forEach(_ body: (inout sending Value) -> Void) {
        for shard in shards { shard.mutex.withLock { body(&$0) } }
    }
}
