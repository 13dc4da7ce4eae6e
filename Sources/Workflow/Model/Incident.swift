// SPDX-License-Identifier: Apache-2.0
import Foundation

/// An incident: something in an instance needs an operator (a task out of retries, a failed expression).
public struct Incident: Sendable, Hashable, Codable {
    /// `failedExternalTask` for external tasks out of retries; `failedJob` for conditions,
    /// inputs or gateways that could not be evaluated.
    public let type: String
    public let id: String
    public let timestamp: Date
    public let processInstanceID: String
    public let processDefinitionID: String
    public let executionID: String
    public let activityID: String
    /// The external task id for `failedExternalTask`.
    public let configuration: String?
    public let message: String?

    public static let failedExternalTask = "failedExternalTask"
    /// A step that could not go on (an expression failed, no flow could be taken). Camunda reports such failures
    /// of asynchronous continuations as `failedJob`, the only other type clients know (pycamunda's enum has just
    /// these two), so that is the name on the wire.
    public static let failedExpression = "failedJob"
}
