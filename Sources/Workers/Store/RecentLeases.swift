// SPDX-License-Identifier: Apache-2.0
import DequeModule
import Synchronization
import Workflow

/// The tasks this replica's fetches locked lately, as they were handed out: the complete that follows moments later
/// starts from them instead of reading the task and its instance again. They may be stale (the lock ran out and
/// another worker took the task, another replica changed it): whoever takes one commits with version checks and
/// reads again on a conflict. Taken once; bounded, oldest forgotten first, 16 shards by the task's partition.
final class RecentLeases: Sendable {
    private struct Shard {
        var tasks: [String: ExternalTask] = [:]
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

    func keep(_ task: ExternalTask) {
        shard(task.id).shard.withLock { shard in
            if shard.tasks.updateValue(task, forKey: task.id) == nil { shard.order.append(task.id) }
            while shard.tasks.count > capacityPerShard, let oldest = shard.order.popFirst() {
                shard.tasks[oldest] = nil
            }
            // Taken ids pile up in `order`: drop them now and then.
            if shard.order.count > 2 * capacityPerShard {
                shard.order = Deque(shard.order.filter { shard.tasks[$0] != nil })
            }
        }
    }

    /// The task as its lease handed it out, once.
    func take(_ id: String) -> ExternalTask? {
        shard(id).shard.withLock { $0.tasks.removeValue(forKey: id) }
    }

    func forget(_ id: String) { _ = take(id) }
}
