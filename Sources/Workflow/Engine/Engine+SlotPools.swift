// SPDX-License-Identifier: Apache-2.0
import Foundation

extension Engine {
    /// Every slot pool with its size and the slots its leases hold now.
    public func slotPools() async throws -> [SlotPool] { try await store.slotPools(now: clock.now()) }

    /// One slot pool; a name never configured is a pool of 0 slots.
    public func slotPool(_ name: String) async throws -> SlotPool {
        try await slotPools().first { $0.name == name } ?? SlotPool(name: name, slots: 0, occupiedSlots: 0)
    }

    /// Creates or resizes a pool. Leases already holding slots keep them; shrinking only stops new leases.
    @discardableResult
    public func resizeSlotPool(_ name: String, slots: Int) async throws -> SlotPool {
        guard !name.isEmpty, name.count <= 128,
              name.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || "_-.".unicodeScalars.contains($0) })
        else {
            throw WorkflowError(.invalidRequest, "Slot pool name '\(name)' must be 1 to 128 letters, digits, '_', '-' or '.'")
        }
        guard (0...1_000_000).contains(slots) else {
            throw WorkflowError(.invalidRequest, "slots must be between 0 and 1000000, not \(slots)")
        }
        try await store.resizeSlotPool(name, slots: slots)
        // More room: parked fetches may now lease tasks of this pool.
        waiters.notifyAll()
        logger.info("slot pool resized", metadata: ["pool": "\(name)", "slots": "\(slots)"])
        return try await slotPool(name)
    }
}
