// SPDX-License-Identifier: Apache-2.0
import Foundation
import HeapModule

/// The memory store's index of fetchable external tasks: fetching costs O(log n) in the number of queued tasks.
///
/// Every task has at most one live entry: in its topic's ready heap (ordered by priority, then creation) when it
/// can be fetched now, or in the delayed heap (ordered by time) while it is locked or backing off. Entries are
/// never removed in place: an entry carries the task's version when it was filed, and every change of a task bumps
/// its version and files it again, so an entry whose task is gone or has another version is skipped when popped
/// (no side table to keep in step, and no extra lookup: the task is read anyway).
struct TaskQueue {
    struct ReadyEntry: Comparable {
        let priority: Int64
        let sequence: Int64
        let taskID: String
        let version: Int

        /// The heap's minimum is the next task to hand out: highest priority, then oldest.
        static func < (left: Self, right: Self) -> Bool {
            left.priority != right.priority ? left.priority > right.priority : left.sequence < right.sequence
        }
    }

    struct DelayedEntry: Comparable {
        let time: Date
        let taskID: String
        let version: Int
        static func < (left: Self, right: Self) -> Bool { left.time < right.time }
    }

    /// One ready heap per topic, found through `readyIndex`; heaps sit in an array so a fetch changes one in place
    /// (through the dictionary's optional subscript, each `removeMin` cost two allocations).
    private var readyHeaps: [Heap<ReadyEntry>] = []
    private var readyIndex: [String: Int] = [:]
    private var delayed = Heap<DelayedEntry>()
    /// Entries in all ready heaps, live or stale: zero means there is nothing to look at (no hashing needed).
    private var readyEntries = 0

    /// False when no task can be fetchable at `now`: no ready entry, and no delayed one due. A fetch skips the
    /// partition then, without hashing a topic.
    func mayHaveWork(at now: Date) -> Bool {
        readyEntries > 0 || (delayed.min.map { $0.time <= now } ?? false)
    }

    /// Files a task after any change (which bumped its version): ready, delayed until its lock or back-off ends, or
    /// nowhere (no retries left, or suspended).
    mutating func file(_ task: ExternalTask) {
        guard (task.retries ?? 1) > 0, !task.suspended else { return }
        if let until = task.lockExpirationTime {
            delayed.insert(DelayedEntry(time: until, taskID: task.id, version: task.version))
        } else {
            fileReady(task)
        }
    }

    private mutating func fileReady(_ task: ExternalTask) {
        let heap: Int
        if let known = readyIndex[task.topicName] {
            heap = known
        } else {
            heap = readyHeaps.count
            readyHeaps.append(Heap())
            readyIndex[task.topicName] = heap
        }
        readyHeaps[heap].insert(
            ReadyEntry(priority: task.priority, sequence: task.sequence, taskID: task.id, version: task.version))
        readyEntries += 1
    }

    /// Rebuilds the delayed heap from the tasks once stale entries dominate it. Every leased task leaves an entry
    /// there that goes stale when the task is settled, and would otherwise stay until its lock time passed: that
    /// is throughput times lock duration (a million entries at 10,000 tasks/s and 100 s locks), all of it memory
    /// the heap keeps touching. A task has at most one live entry, so beyond twice the partition's tasks most
    /// are stale. (A task whose lock ran out and which was promoted already gets a second entry: `take` hands a
    /// task out once per call, and its lock bumps the version, which makes the other entry stale.)
    mutating func compactDelayed(tasks: [String: ExternalTask]) {
        guard delayed.count > 2 * tasks.count + 64 else { return }
        delayed = Heap(tasks.values.lazy.compactMap { task in
            guard let until = task.lockExpirationTime, (task.retries ?? 1) > 0, !task.suspended else { return nil }
            return DelayedEntry(time: until, taskID: task.id, version: task.version)
        })
    }

    /// Moves tasks whose lock or back-off ended by `now` to their ready heaps.
    mutating func promote(until now: Date, tasks: [String: ExternalTask]) {
        while let top = delayed.min, top.time <= now {
            delayed.removeMin()
            guard let task = tasks[top.taskID], task.version == top.version else { continue }
            fileReady(task)
        }
    }

    /// Takes up to `limit` ready tasks of the topics, best first, that `accept` agrees to lock. Tasks it refuses
    /// (filtered out) stay queued.
    /// (A topic named twice is looked at twice, which changes nothing.) The ids are appended to `taken`.
    mutating func take(
        topics: some Collection<String>, limit: Int, tasks: [String: ExternalTask], into taken: inout [String],
        accept: (ExternalTask) -> Bool
    ) {
        let start = taken.count
        var refused: [(heap: Int, entry: ReadyEntry)] = []
        while taken.count - start < limit {
            var best: (heap: Int, entry: ReadyEntry)?
            for topic in topics {
                guard let heap = readyIndex[topic], let top = readyHeaps[heap].min else { continue }
                if best == nil || top < best!.entry { best = (heap, top) }
            }
            guard let (heap, entry) = best else { break }
            readyHeaps[heap].removeMin()
            readyEntries -= 1
            guard let task = tasks[entry.taskID], task.version == entry.version,
                  !taken[start...].contains(entry.taskID)  // a second live entry (see `compactDelayed`)
            else { continue }
            if accept(task) {
                taken.append(entry.taskID)
            } else {
                refused.append((heap, entry))
            }
        }
        for (heap, entry) in refused { readyHeaps[heap].insert(entry) }
        readyEntries += refused.count
    }

    /// `take`, returning the ids.
    mutating func take(
        topics: some Collection<String>, limit: Int, tasks: [String: ExternalTask], accept: (ExternalTask) -> Bool
    ) -> [String] {
        var taken: [String] = []
        take(topics: topics, limit: limit, tasks: tasks, into: &taken, accept: accept)
        return taken
    }

    /// Entries in the delayed heap, live or stale.
    var delayedEntries: Int { delayed.count }

    /// The earliest time a delayed task may become fetchable.
    var nextDelayedTime: Date? { delayed.min?.time }
}
