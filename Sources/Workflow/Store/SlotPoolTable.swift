// SPDX-License-Identifier: Apache-2.0
import Foundation
import Synchronization

/// The memory store's slot pools: sizes and the leases holding slots, shared by all partitions behind one lock.
/// A partition takes this lock inside its own (never the other way round), so the two cannot deadlock.
final class SlotPoolTable: Sendable {
    struct Holder {
        let slots: Int
        var until: Date
    }

    struct Table {
        var sizes: [String: Int] = SlotPool.defaults
        var holders: [String: [String: Holder]] = [:]

        /// Slots held by unexpired leases; drops expired holders.
        mutating func occupied(_ pool: String, now: Date) -> Int {
            holders[pool] = holders[pool]?.filter { $0.value.until > now }
            return holders[pool]?.reduce(0) { $0 + $1.value.slots } ?? 0
        }

        /// Whether the task's slots fit and no unexpired lease of it holds slots already (as on Redis).
        mutating func fits(_ task: ExternalTask, pool: String, now: Date) -> Bool {
            let used = occupied(pool, now: now)
            return holders[pool]?[task.id] == nil && used + task.slots <= sizes[pool] ?? 0
        }
    }

    let table = Mutex(Table())

    /// Whether the task's slots fit now (a fetch checking before it takes).
    func fits(_ task: ExternalTask, now: Date) -> Bool {
        guard let pool = task.slotPool else { return true }
        return table.withLock { $0.fits(task, pool: pool, now: now) }
    }

    /// Takes the task's slots until `until` if they fit (a lease that expired holds nothing any more).
    func acquire(_ task: ExternalTask, until: Date, now: Date) -> Bool {
        guard let pool = task.slotPool else { return true }
        return table.withLock { table in
            guard table.fits(task, pool: pool, now: now) else { return false }
            table.holders[pool, default: [:]][task.id] = Holder(slots: task.slots, until: until)
            return true
        }
    }

    func apply(_ change: SlotChange, to task: ExternalTask) {
        guard let pool = task.slotPool, change != .keep else { return }
        table.withLock { table in
            if case .hold(let until) = change {
                table.holders[pool, default: [:]][task.id] = Holder(slots: task.slots, until: until)
            } else {
                table.holders[pool]?[task.id] = nil
            }
        }
    }

    func release(_ task: ExternalTask) { apply(.release, to: task) }

    func pools(now: Date) -> [SlotPool] {
        table.withLock { table in
            Set(table.sizes.keys).union(table.holders.keys).sorted().map { name in
                SlotPool(name: name, slots: table.sizes[name] ?? 0, occupiedSlots: table.occupied(name, now: now))
            }
        }
    }

    func resize(_ name: String, slots: Int) { table.withLock { $0.sizes[name] = slots } }
}
