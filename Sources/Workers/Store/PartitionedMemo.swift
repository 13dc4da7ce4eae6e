// SPDX-License-Identifier: Apache-2.0
import DequeModule
import Synchronization

/// A bounded dictionary by record id, in 16 shards (one lock each) by the record's partition, so replicas' worker
/// traffic on different partitions does not queue on one lock. Full shards forget their oldest entry first.
/// `DecodedRecords` and `RecentLeases` keep their records in one.
final class PartitionedMemo<Value: Sendable>: Sendable {
    private struct Shard {
        var entries: [String: Value] = [:]
        /// Ids in the order they were first stored (possibly some removed meanwhile: skipped when met).
        var order = Deque<String>()
    }

    private final class Locked: Sendable {
        let shard = Mutex(Shard())
    }

    private let shards: [Locked]
    private let capacityPerShard: Int

    init(capacity: Int) {
        shards = (0..<RedisKeys.partitions).map { _ in Locked() }
        capacityPerShard = max(1, capacity / RedisKeys.partitions)
    }

    private func shard(_ id: String) -> Locked { shards[RedisKeys.partition(of: id)] }

    subscript(id: String) -> Value? {
        shard(id).shard.withLock { $0.entries[id] }
    }

    func store(_ id: String, _ value: Value) {
        let capacity = capacityPerShard
        shard(id).shard.withLock { shard in
            if shard.entries.updateValue(value, forKey: id) == nil { shard.order.append(id) }
            while shard.entries.count > capacity, let oldest = shard.order.popFirst() {
                shard.entries[oldest] = nil
            }
            // Removed ids pile up in `order` (taken leases, ended instances): drop them now and then.
            if shard.order.count > 2 * capacity {
                shard.order = Deque(shard.order.filter { shard.entries[$0] != nil })
            }
        }
    }

    @discardableResult
    func remove(_ id: String) -> Value? {
        shard(id).shard.withLock { $0.entries.removeValue(forKey: id) }
    }
}
