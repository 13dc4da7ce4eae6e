// SPDX-License-Identifier: Apache-2.0
import Foundation
import Synchronization

/// Parked long-polling fetches, woken when a task of one of their topics may have become fetchable.
///
/// Fairness: each fetch request draws one ticket and keeps it across every park of its request, and woken
/// waiters are resumed oldest ticket first, so the worker that has waited longest gets the first try at a task.
/// Timeliness: a waiter's timer is shortened whenever a task of its topics gets a lock or back-off that ends
/// sooner (`expiring`), so lock expiry and retry timeouts wake it without polling.
/// No lost wake-ups: a fetch that may park counts itself in `watching` before it first looks at the store, and
/// stays counted until it returns. While any fetch watches, every notice bumps `epoch`; a fetch reads it before
/// looking at the store and parks only if nothing was announced since (checked under the lock that notices take),
/// else it looks again at once. A notice that finds nobody watching does nothing, and loses nothing: the notifier
/// reads the count after its commit, a fetch counts itself before its first read, so a fetch it did not count
/// sees the change in the store. A busy engine with no parked fetch then writes no shared counter per commit.
final class FetchWaiters: Sendable {
    private struct Waiter {
        let topics: Set<String>
        let continuation: CheckedContinuation<Void, Never>
        var wakeAt: ContinuousClock.Instant
        var timer: Task<Void, Never>?
    }

    private let waiters = Mutex<[UInt64: Waiter]>([:])
    private let nextTicket = Atomic<UInt64>(0)
    /// Parked waiters, readable without the lock so that a commit with nobody waiting pays nothing.
    private let parked = Atomic<Int>(0)
    private let changes = Atomic<UInt64>(0)
    /// Fetches that may park, from before their first look at the store until they return.
    private let watching = Atomic<Int>(0)
    /// At most this many requests may be parked at once (Camunda's queue capacity is 200; we allow more).
    let capacity = 10_000

    var count: Int { parked.load(ordering: .relaxed) }

    /// True when some fetch is parked.
    var isEmpty: Bool { parked.load(ordering: .sequentiallyConsistent) == 0 }

    /// Read before a fetch looks at the store, after `startWatching`; pass it to `wait`.
    var epoch: UInt64 { changes.load(ordering: .sequentiallyConsistent) }

    /// A fetch that may park begins: notices count from now on. Pair with `stopWatching`.
    func startWatching() { watching.wrappingAdd(1, ordering: .sequentiallyConsistent) }

    func stopWatching() { watching.wrappingSubtract(1, ordering: .relaxed) }

    /// Bumps the epoch when some fetch watches; false when none does (then nobody needs the notice).
    private func announce() -> Bool {
        guard watching.load(ordering: .sequentiallyConsistent) > 0 else { return false }
        changes.wrappingAdd(1, ordering: .sequentiallyConsistent)
        return true
    }

    /// A new request's place in the queue.
    func ticket() -> UInt64 { nextTicket.wrappingAdd(1, ordering: .relaxed).newValue }

    /// Waits until `notify` names one of the topics, `duration` passes (or a shorter `expiring` time), or the task
    /// is cancelled.
    ///
    /// The waiter is registered before its timer starts, so even a timeout of a microsecond cannot fire while
    /// there is nothing yet to wake.
    func wait(ticket: UInt64? = nil, topics: Set<String>, for duration: Duration, since epoch: UInt64? = nil) async {
        let id = ticket ?? self.ticket()
        guard duration > .zero else { return }
        // A parked waiter watches too (a caller that read no epoch is still woken by notices).
        startWatching()
        defer { stopWatching() }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let wakeAt = ContinuousClock.now + duration
                // Count first, then check the epoch (a notifier bumps the epoch, then reads the count): one of
                // the two always sees the other, so a notice is never lost between them.
                let registered = waiters.withLock { waiters -> Bool in
                    parked.wrappingAdd(1, ordering: .sequentiallyConsistent)
                    if let epoch, changes.load(ordering: .sequentiallyConsistent) != epoch {
                        parked.wrappingSubtract(1, ordering: .relaxed)
                        return false
                    }
                    waiters[id] = Waiter(topics: topics, continuation: continuation, wakeAt: wakeAt, timer: nil)
                    return true
                }
                guard registered else { return continuation.resume() }
                arm(id, at: wakeAt)
                if Task.isCancelled { resume(id) }
            }
        } onCancel: {
            self.resume(id)
        }
    }

    /// Wakes every waiter interested in one of the topics, oldest ticket first; they re-try their fetch.
    /// - Returns: the tickets resumed, in order.
    @discardableResult
    func notify(topics makeTopics: @autoclosure () -> Set<String>) -> [UInt64] {
        resumeMatching {
            let topics = makeTopics()
            return { !$0.isDisjoint(with: topics) }
        }
    }

    /// Wakes every waiter (slots of a slot pool came back: tasks of any topic may now be leased).
    @discardableResult
    func notifyAll() -> [UInt64] { resumeMatching { { _ in true } } }

    /// Resumes the waiters whose topics pass the filter, oldest ticket first; the filter is built only if any wait.
    private func resumeMatching(_ makeFilter: () -> (Set<String>) -> Bool) -> [UInt64] {
        guard announce(), !isEmpty else { return [] }
        let wanted = makeFilter()
        let woken = waiters.withLock { waiters -> [(UInt64, Waiter)] in
            let matching = waiters.filter { wanted($0.value.topics) }.sorted { $0.key < $1.key }
            for (id, _) in matching { waiters[id] = nil }
            return matching.map { ($0.key, $0.value) }
        }
        if !woken.isEmpty { parked.wrappingSubtract(woken.count, ordering: .relaxed) }
        for (_, waiter) in woken {
            waiter.timer?.cancel()
            waiter.continuation.resume()
        }
        return woken.map(\.0)
    }

    /// A task of `topic` becomes fetchable again after `delay` (its lock or back-off ends then): waiters of that
    /// topic that would sleep longer wake at that time instead.
    func expiring(topic: String, after delay: Duration) {
        guard announce(), !isEmpty else { return }
        let at = ContinuousClock.now + delay
        let rearm = waiters.withLock { waiters -> [UInt64] in
            waiters.filter { $0.value.topics.contains(topic) && $0.value.wakeAt > at }.map(\.key)
        }
        for id in rearm { arm(id, at: at) }
    }

    /// (Re)starts a waiter's timer for `at`, replacing a later one.
    private func arm(_ id: UInt64, at: ContinuousClock.Instant) {
        let timer = Task {
            try? await Task.sleep(until: at, clock: .continuous)
            if !Task.isCancelled { self.resume(id) }
        }
        let replaced = waiters.withLock { waiters -> Task<Void, Never>?? in
            guard var waiter = waiters[id], waiter.timer == nil || at <= waiter.wakeAt else { return .none }
            let old = waiter.timer
            waiter.wakeAt = at
            waiter.timer = timer
            waiters[id] = waiter
            return .some(old)
        }
        switch replaced {
        case .none: timer.cancel()  // gone already, or a sooner timer runs
        case .some(let old): old?.cancel()
        }
    }

    private func resume(_ id: UInt64) {
        guard let waiter = waiters.withLock({ $0.removeValue(forKey: id) }) else { return }
        parked.wrappingSubtract(1, ordering: .relaxed)
        waiter.timer?.cancel()
        waiter.continuation.resume()
    }
}
