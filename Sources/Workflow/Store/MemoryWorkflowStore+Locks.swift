// SPDX-License-Identifier: Apache-2.0
import Foundation

/// Distributed locks of the memory store (one process, so "distributed" only across its clients).
extension MemoryWorkflowStore {
    public func acquireLock(_ name: String, owner: String, until: Date, now: Date) async throws -> DistributedLock? {
        global.withLock { global in
            let held = global.locks[name]
            if let held, held.owner != owner, held.expiresAt > now { return nil }
            let token = held?.owner == owner && held!.expiresAt > now ? held!.fencingToken : (global.fencing[name] ?? 0) + 1
            global.fencing[name] = token
            let lock = DistributedLock(name: name, owner: owner, fencingToken: token, expiresAt: until)
            global.locks[name] = lock
            return lock
        }
    }

    public func releaseLock(_ name: String, owner: String) async throws -> Bool {
        global.withLock { global in
            guard global.locks[name]?.owner == owner else { return false }
            global.locks[name] = nil
            return true
        }
    }

    public func lock(_ name: String, now: Date) async throws -> DistributedLock? {
        global.withLock { $0.locks[name].flatMap { $0.expiresAt > now ? $0 : nil } }
    }
}
