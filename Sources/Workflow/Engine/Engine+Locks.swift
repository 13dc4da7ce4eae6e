// SPDX-License-Identifier: Apache-2.0
import Foundation

extension Engine {
    /// Takes a named lock for `owner` for `ttl` milliseconds, or renews it when `owner` holds it already.
    /// - Throws: `lockHeld` when another owner holds it; `invalidRequest` for an empty name or owner or a ttl ≤ 0.
    public func acquireLock(_ name: String, owner: String?, ttl: Int64?) async throws -> DistributedLock {
        guard let owner, !owner.isEmpty else { throw WorkflowError(.invalidRequest, "owner is null") }
        guard let ttl, (1...Self.maxLockTTL).contains(ttl) else {
            throw WorkflowError(.invalidRequest, "ttl must be a number of milliseconds from 1 to \(Self.maxLockTTL) (a year)")
        }
        try Self.checkLockName(name)
        let now = clock.now()
        guard let lock = try await store.acquireLock(
            name, owner: owner, until: now.addingTimeInterval(Double(ttl) / 1000), now: now)
        else {
            let holder = try await store.lock(name, now: now)
            throw WorkflowError(.lockHeld, "Lock '\(name)' is held by '\(holder?.owner ?? "another owner")'"
                + (holder.map { " until \(CamundaDate.format($0.expiresAt))" } ?? ""))
        }
        return lock
    }

    /// Releases a named lock held by `owner`. - Throws: `lockHeld` when `owner` does not hold it.
    public func releaseLock(_ name: String, owner: String?) async throws {
        guard let owner, !owner.isEmpty else { throw WorkflowError(.invalidRequest, "owner is null") }
        try Self.checkLockName(name)
        guard try await store.releaseLock(name, owner: owner) else {
            throw WorkflowError(.lockHeld, "Lock '\(name)' is not held by '\(owner)'")
        }
    }

    /// The unexpired holder of a lock. - Throws: `notFound` when nobody holds it.
    public func lock(_ name: String) async throws -> DistributedLock {
        try Self.checkLockName(name)
        guard let lock = try await store.lock(name, now: clock.now()) else {
            throw WorkflowError(.notFound, "Lock '\(name)' is not held")
        }
        return lock
    }

    /// The longest a lock may be taken for at once: a year, in milliseconds.
    public static let maxLockTTL: Int64 = 366 * 24 * 3_600_000

    private static func checkLockName(_ name: String) throws(WorkflowError) {
        guard !name.isEmpty, name.count <= 200, !name.contains("{"), !name.contains("}") else {
            throw WorkflowError(.invalidRequest, "A lock name must be 1 to 200 characters without braces")
        }
    }
}
