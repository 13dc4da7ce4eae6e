// SPDX-License-Identifier: Apache-2.0
import Foundation
import Synchronization

/// Parked long-polling fetches, woken when a task of one of their topics may have become fetchable.
final class FetchWaiters: Sendable {
    private struct Waiter {
        let topics: Set<String>
        let continuation: CheckedContinuation<Void, Never>
    }

    private let waiters = Mutex<[UInt64: Waiter]>([:])
    private let nextID = Atomic<UInt64>(0)
    /// Parked waiters, readable without the lock so that a commit with nobody waiting pays nothing.
    private let parked = Atomic<Int>(0)
    /// At most this many requests may be parked at once (Camunda's queue capacity is 200; we allow more).
    let capacity = 10_000

    var count: Int { parked.load(ordering: .relaxed) }

    /// True when some fetch is parked.
    var isEmpty: Bool { parked.load(ordering: .relaxed) == 0 }

    /// Waits until `notify` names one of the topics, `duration` passes, or the task is cancelled.
    ///
    /// The waiter is registered before its timeout starts, so even a timeout of a microsecond cannot fire while
    /// there is nothing yet to wake.
    func wait(topics: Set<String>, for duration: Duration) async {
        let id = nextID.wrappingAdd(1, ordering: .relaxed).newValue
        guard duration > .zero else { return }
        let timeout = Mutex<Task<Void, Never>?>(nil)
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                waiters.withLock { $0[id] = Waiter(topics: topics, continuation: continuation) }
                parked.wrappingAdd(1, ordering: .relaxed)
                timeout.withLock {
                    $0 = Task {
                        try? await Task.sleep(for: duration)
                        self.resume(id)
                    }
                }
                if Task.isCancelled { resume(id) }
            }
        } onCancel: {
            self.resume(id)
        }
        timeout.withLock { $0?.cancel() }
    }

    /// Wakes every waiter interested in one of the topics; they re-try their fetch.
    func notify(topics: Set<String>) {
        let woken = waiters.withLock { waiters -> [Waiter] in
            let matching = waiters.filter { !$0.value.topics.isDisjoint(with: topics) }
            for id in matching.keys { waiters[id] = nil }
            return Array(matching.values)
        }
        if !woken.isEmpty { parked.wrappingSubtract(woken.count, ordering: .relaxed) }
        for waiter in woken { waiter.continuation.resume() }
    }

    private func resume(_ id: UInt64) {
        guard let waiter = waiters.withLock({ $0.removeValue(forKey: id) }) else { return }
        parked.wrappingSubtract(1, ordering: .relaxed)
        waiter.continuation.resume()
    }
}
