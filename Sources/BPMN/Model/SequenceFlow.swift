// SPDX-License-Identifier: Apache-2.0

/// A sequence flow between two nodes of the same scope, optionally guarded by a condition.
public struct SequenceFlow: Sendable, Hashable {
    public let id: String
    public let name: String?
    public let sourceID: String
    public let targetID: String
    public let condition: Expression?
    public let line: Int
}
