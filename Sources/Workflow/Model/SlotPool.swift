// SPDX-License-Identifier: Apache-2.0
import Foundation

/// A slot pool (as in Airflow): a global limit on how many tasks of the pool are leased at once, across every
/// worker and engine replica. A task joins a pool through the `slotPool` extension property and takes `slots`
/// slots (default 1) from its lease until it is completed, failed, unlocked, hits a BPMN error or its lease expires.
public struct SlotPool: Sendable, Hashable {
    public let name: String
    /// How many slots the pool has.
    public let slots: Int
    /// Slots held by unexpired leases.
    public let occupiedSlots: Int

    public var openSlots: Int { max(0, slots - occupiedSlots) }

    public init(name: String, slots: Int, occupiedSlots: Int) {
        self.name = name
        self.slots = slots
        self.occupiedSlots = occupiedSlots
    }

    /// Pools every store knows without configuration. A pool never configured and not listed here has no slots:
    /// its tasks wait until it is created (`PUT /slot-pool/{name}`).
    public static let defaults: [String: Int] = ["etl_pool": 24, "dq_pool": 8]
}

/// What a task update does to the slots its lease holds.
public enum SlotChange: Sendable, Hashable {
    /// Nothing (priority, retries).
    case keep
    /// The task is leased until then (`lock`, `extendLock`): its slots are held, even past the pool's size.
    case hold(until: Date)
    /// The lease ended (`failure`, `unlock`): its slots come back.
    case release
}
