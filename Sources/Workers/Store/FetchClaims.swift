// SPDX-License-Identifier: Apache-2.0
import Synchronization

/// The tasks this replica's fetches are locking at this moment, and those they locked while another fetch was reading
/// the queues. Fetches that run at once read the same queue heads, and all but one found each pick taken by the time
/// their lock script ran: four workers' fetches sent 30–44 % more picks to the lock script than they locked, and chose
/// and locked again over three rounds. A fetch passes over these tasks while enough others are ready
/// (`RedisWorkflowStore.lockChosen`), so the fetches of one replica take different tasks. Only a hint: the lock
/// script decides, and a fetch that finds too few other tasks ready chooses among all.
final class FetchClaims: Sendable {
    private struct State {
        var locking: Set<String> = []
        /// Tasks locked lately, with the release that locked them, in two generations (the older one is dropped when
        /// the newer one is `generation` old). A read that began before that release may still list them.
        var locked: [String: UInt64] = [:]
        var lockedBefore: [String: UInt64] = [:]
        var releases: UInt64 = 0
        var since = ContinuousClock.now

        func lockedAfter(_ read: UInt64, _ id: String) -> Bool {
            (locked[id] ?? lockedBefore[id] ?? 0) > read
        }
    }

    private let state = Mutex(State())
    private let generation: Duration

    init(generation: Duration = .seconds(1)) { self.generation = generation }

    /// Marks the start of a read of the queues: what `isClaimed` and `claim` take as `read`.
    func reading() -> UInt64 { state.withLock { $0.releases } }

    /// Whether another fetch is locking the task now, or locked it since `read` began.
    func isClaimed(_ id: String, since read: UInt64) -> Bool {
        state.withLock { $0.locking.contains(id) || ($0.releases > read && $0.lockedAfter(read, id)) }
    }

    /// Claims the first `count` of `ids` (in the fetch's order, as read at `read`) that no other fetch claimed.
    func claim(_ ids: some Sequence<String>, upTo count: Int, since read: UInt64) -> [String] {
        state.withLock { state in
            var mine: [String] = []
            for id in ids where mine.count < count && !state.lockedAfter(read, id) && state.locking.insert(id).inserted {
                mine.append(id)
            }
            return mine
        }
    }

    /// Ends a fetch's claims, noting those it `locked`.
    func release(_ ids: [String], locked: some Sequence<String>) {
        let locked = Array(locked)
        guard !ids.isEmpty || !locked.isEmpty else { return }
        let now = ContinuousClock.now
        state.withLock { state in
            for id in ids { state.locking.remove(id) }
            if now - state.since > generation {
                state.lockedBefore = state.locked
                state.locked = [:]
                state.since = now
            }
            state.releases += 1
            for id in locked { state.locked[id] = state.releases }
        }
    }
}
