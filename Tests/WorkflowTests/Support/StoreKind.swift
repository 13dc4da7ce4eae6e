// SPDX-License-Identifier: Apache-2.0
import Foundation
import Workflow

/// The stores the conformance suite runs against. Every engine scenario runs once per kind.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    /// The embedded default store.
    case memory
    /// The memory store behind a wrapper that snapshots every instance through `Codable` on write and restores it
    /// on read: every step of every scenario also proves the instance survives persist/restore.
    case snapshotting

    var testDescription: String { rawValue }

    func make() -> any WorkflowStore {
        switch self {
        case .memory: MemoryWorkflowStore()
        case .snapshotting: SnapshottingStore(MemoryWorkflowStore())
        }
    }
}

import Testing
