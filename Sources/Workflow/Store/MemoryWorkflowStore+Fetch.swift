// SPDX-License-Identifier: Apache-2.0
import Foundation

/// Fetch-and-lock across the memory store's partitions.
///
/// A plain fetch takes from the partitions in `CoreAffinity.fetchOrder` (its core's partitions first, in turn), each
/// under its own lock: every partition hands out its oldest task first, but there is no order across partitions (Camunda promises none without `usePriority` or
/// `sorting` either). A fetch with `usePriority` or a `sorting` keeps one order across all partitions: it peeks
/// each partition's best task and locks the best of those, one at a time (a task taken meanwhile by another
/// fetch just means another round). That costs a lock of every partition per task: under heavy in-process
/// contention it halves the throughput of plain fetches, so plain fetches do not pay it.
extension MemoryWorkflowStore {
    public func fetchAndLock(_ request: FetchRequest, now: Date) async throws -> [ExternalTask] {
        guard request.maxTasks > 0, !request.topics.isEmpty else { return [] }
        if request.createTimeAscending == false { return lockNewestFirst(request, now: now) }
        var locked: [ExternalTask] = []
        if !request.usePriority, request.createTimeAscending == nil {
            for index in CoreAffinity.fetchOrder(partitions: partitions.count) where locked.count < request.maxTasks {
                withPartition(index) { $0.lock(request, limit: request.maxTasks - locked.count, now: now, into: &locked) }
            }
            return locked
        }
        while locked.count < request.maxTasks {
            var best: (index: Int, priority: Int64, sequence: Int64)?
            for (index, partition) in partitions.enumerated() {
                guard let head = partition.state.withLock({ $0.peek(request, now: now) }) else { continue }
                if best == nil || head.priority > best!.priority
                    || (head.priority == best!.priority && head.sequence < best!.sequence) {
                    best = (index, head.priority, head.sequence)
                }
            }
            guard let best else { break }
            partitions[best.index].state.withLock { $0.lock(request, limit: 1, now: now, into: &locked) }
        }
        return locked
    }

    /// The rare `sorting: createTime desc` fetch: a scan of the topics' tasks, newest first.
    private func lockNewestFirst(_ request: FetchRequest, now: Date) -> [ExternalTask] {
        var candidates = gather { state in
            state.tasks.values.filter { (task: ExternalTask) -> Bool in
                task.isFetchable(at: now) && (request.workerPool == nil || task.workerPool == request.workerPool)
                    && request.topics.contains { state.matches(task, $0) }
            }
        }
        candidates.sort { left, right in
            if request.usePriority, left.priority != right.priority { return left.priority > right.priority }
            return left.sequence > right.sequence
        }
        var locked: [ExternalTask] = []
        for candidate in candidates where locked.count < request.maxTasks {
            if let task = partition(of: candidate.id).state.withLock({ state -> ExternalTask? in
                guard state.tasks[candidate.id]?.version == candidate.version,
                      let topic = request.topics.first(where: { $0.topicName == candidate.topicName && state.matches(candidate, $0) }),
                      state.slots.acquire(candidate, until: now.addingTimeInterval(Double(topic.lockDuration) / 1000), now: now)
                else { return nil }
                return state.lockTask(candidate.id, request, now: now)
            }) { locked.append(task) }
        }
        return locked
    }
}

extension MemoryWorkflowStore.State {
    /// Locks up to `limit` of this partition's best fetchable tasks for the request.
    mutating func lock(_ request: FetchRequest, limit: Int, now: Date, into locked: inout [ExternalTask]) {
        take(request, limit: limit, now: now)
        for id in taken {
            if let task = lockTask(id, request, now: now) { locked.append(task) }
        }
    }

    /// This partition's best fetchable task for the request (whose slots fit), left where it is.
    mutating func peek(_ request: FetchRequest, now: Date) -> (priority: Int64, sequence: Int64)? {
        take(request, limit: 1, now: now, acquiring: false)
        guard let id = taken.first, let task = tasks[id] else { return nil }
        queue.file(task)
        return (task.priority, task.sequence)
    }

    /// Takes the best tasks the request accepts whose slots fit (taking the slots too when `acquiring`); tasks of a
    /// full pool stay queued, so a pool's waiting tasks go in priority order as slots come back.
    /// The ids go to `taken`.
    private mutating func take(_ request: FetchRequest, limit: Int, now: Date, acquiring: Bool = true) {
        taken.removeAll(keepingCapacity: true)
        guard queue.mayHaveWork(at: now) else { return }
        queue.promote(until: now, tasks: tasks)
        let instances = self.instances
        let slots = slotsRef
        queue.take(topics: request.topics.lazy.map(\.topicName), limit: limit, tasks: tasks, into: &taken) { task in
            guard task.isFetchable(at: now), request.workerPool == nil || task.workerPool == request.workerPool,
                  let topic = request.topics.first(where: {
                $0.topicName == task.topicName && Self.matches(task, $0, instances: instances)
            }) else { return false }
            guard task.slotPool != nil else { return true }
            guard acquiring else { return slots.takeUnretainedValue().fits(task, now: now) }
            return slots.takeUnretainedValue().acquire(task, until: now.addingTimeInterval(Double(topic.lockDuration) / 1000), now: now)
        }
    }

    /// Locks one task for the request's worker, with the lock duration of the first topic that accepts it.
    mutating func lockTask(_ id: String, _ request: FetchRequest, now: Date) -> ExternalTask? {
        guard let index = tasks.index(forKey: id) else { return nil }
        let stored = tasks.values[index]
        let topic = request.topics.first { $0.topicName == stored.topicName && matches(stored, $0) }
        tasks.values[index].lock(for: request.workerID, until: now.addingTimeInterval(Double(topic?.lockDuration ?? 0) / 1000))
        let task = tasks.values[index]
        queue.file(task)
        queue.compactDelayed(tasks: tasks)
        leased.insert(id)
        return task
    }
}
