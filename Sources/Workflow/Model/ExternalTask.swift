// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation

/// An external task: a unit of work waiting for (or leased by) a worker.
public struct ExternalTask: Sendable, Hashable, Codable {
    public let id: String
    public let topicName: String
    public let processInstanceID: String
    public let processDefinitionID: String
    public let processDefinitionKey: String
    public let processDefinitionVersionTag: String?
    public let activityID: String
    public let activityInstanceID: String
    /// The execution (token) waiting on the task.
    public let executionID: String
    public let businessKey: String?
    public let tenantID: String?
    public let createTime: Date
    public var priority: Int64
    /// The worker holding (or last holding) the lock; kept after a failure, as Camunda does.
    public var workerID: String?
    public var lockExpirationTime: Date?
    /// Null until the first failure.
    public var retries: Int?
    public var errorMessage: String?
    public var errorDetails: String?
    public var suspended: Bool = false
    public let extensionProperties: [String: String]
    public internal(set) var workerPool: WorkerPoolType
    public let slotPool: String?
    public let slots: Int
    /// Incremented on every change; a store rejects writes based on an older version.
    /// Failures reported so far (nil: none); the exponent of the default back-off.
    public var failures: Int?
    public var version: Int = 0
    /// Creation order, for FIFO fetching within a priority.
    public var sequence: Int64 = 0

    /// True when a worker may fetch the task at `now`.
    public func isFetchable(at now: Date) -> Bool {
        !suspended && (retries ?? 1) > 0 && (lockExpirationTime.map { $0 <= now } ?? true)
    }

    /// True when the task is locked at `now`.
    public func isLocked(at now: Date) -> Bool { lockExpirationTime.map { $0 > now } ?? false }
}

/// A user task waiting for completion through the task API.
public struct UserTask: Sendable, Hashable, Codable {
    public let id: String
    public let name: String?
    public let processInstanceID: String
    public let processDefinitionID: String
    public let activityID: String
    public let executionID: String
    public let createTime: Date
}
