// SPDX-License-Identifier: Apache-2.0
import Foundation

/// A named lock held by one owner until it expires, for workers that must not run something twice at once
/// (a nightly export, a migration). Each acquisition by a new owner gets a larger fencing token: a resource that
/// remembers the largest token it has seen can refuse writes from an owner whose lock already expired.
public struct DistributedLock: Sendable, Hashable, Codable {
    public let name: String
    public let owner: String
    /// Strictly increasing per lock name across owners; renewing by the same owner keeps it.
    public let fencingToken: Int64
    public let expiresAt: Date

    public init(name: String, owner: String, fencingToken: Int64, expiresAt: Date) {
        self.name = name
        self.owner = owner
        self.fencingToken = fencingToken
        self.expiresAt = expiresAt
    }
}
