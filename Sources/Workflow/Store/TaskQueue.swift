// SPDX-License-Identifier: Apache-2.0
import Foundation
import HeapModule

/// The memory store's index of fetchable external tasks: fetching costs O(log n) in the number of queued tasks.
///
/// Every task has at most one live entry: in its topic's ready heap (ordered by priority, then creation) when it
/// can be fetched now, or in the delayed heap (ordered by time) while it is locked or backing off. Entries are
/// never removed in place; an entry whose stamp is no longer the task's current stamp is skipped when popped.
struct TaskQueue {
    struct ReadyEntry: Comparable {
        let priority: Int64
        let sequence: Int64
        let taskID: String
        let stamp: Int64

        /// The heap's minimum is the next task to hand out: highest priority, then oldest.
        static func < (left: Self, right: Self) -> Bool {
            left.priority != right.priority ? left.priority > right.priority : left.sequence < right.sequence
        }
    }

    struct DelayedEntry: Comparable {
        let time: Date
        let taskID: String
        let stamp: Int64
        static func < (left: Self, right: Self) -> Bool { left.time < right.time }
    }

    private var ready: [String: Heap<ReadyEntry>] = [:]
    private var delayed = Heap<DelayedEntry>()
    /// The stamp of each task's live entry.
    private var stamps: [String: Int64] = [:]
    private var nextStamp: Int64 = 0

    /// (Re)files a task after any change: ready, delayed until its lock or back-off ends, or nowhere (no retries).
    mutating func file(_ task: ExternalTask) {
        nextStamp += 1
        stamps[task.id] = nextStamp
        guard (task.retries ?? 1) > 0, !task.suspended else {
            stamps[task.id] = nil
            return
        }
        if let until = task.lockExpirationTime {
            delayed.insert(DelayedEntry(time: until, taskID: task.id, stamp: nextStamp))
        } else {
            ready[task.topicName, default: Heap()].insert(
                ReadyEntry(priority: task.priority, sequence: task.sequence, taskID: task.id, stamp: nextStamp))
        }
    }

    /// Forgets a task (completed or cancelled); its entries die lazily.
    mutating func remove(_ taskID: String) { stamps[taskID] = nil }

    /// Moves tasks whose lock or back-off ended by `now` to their ready heaps.
    mutating func promote(until now: Date, tasks: [String: ExternalTask]) {
        while let top = delayed.min, top.time <= now {
            delayed.removeMin()
            guard stamps[top.taskID] == top.stamp, let task = tasks[top.taskID] else { continue }
            nextStamp += 1
            stamps[task.id] = nextStamp
            ready[task.topicName, default: Heap()].insert(
                ReadyEntry(priority: task.priority, sequence: task.sequence, taskID: task.id, stamp: nextStamp))
        }
    }

    /// Takes up to `limit` ready tasks of the topics, best first, that `accept` agrees to lock. Tasks it refuses
    /// (filtered out) stay queued.
    mutating func take(
        topics: [String], limit: Int, tasks: [String: ExternalTask], accept: (ExternalTask) -> Bool
    ) -> [String] {
        var taken: [String] = []
        var refused: [(String, ReadyEntry)] = []
        while taken.count < limit {
            var best: (topic: String, entry: ReadyEntry)?
            for topic in topics {
                guard let top = ready[topic]?.min else { continue }
                if best == nil || top < best!.entry { best = (topic, top) }
            }
            guard let (topic, entry) = best else { break }
            ready[topic]?.removeMin()
            guard stamps[entry.taskID] == entry.stamp, let task = tasks[entry.taskID] else { continue }
            if accept(task) {
                stamps[entry.taskID] = nil
                taken.append(entry.taskID)
            } else {
                refused.append((topic, entry))
            }
        }
        for (topic, entry) in refused { ready[topic]?.insert(entry) }
        return taken
    }

    /// The earliest time a delayed task may become fetchable.
    var nextDelayedTime: Date? { delayed.min?.time }
}
