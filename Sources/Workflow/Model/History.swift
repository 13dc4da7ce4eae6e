// SPDX-License-Identifier: Apache-2.0
import Foundation

/// The history of one process instance.
public struct HistoricProcessInstance: Sendable, Hashable {
    public enum State: String, Sendable, Hashable {
        case active = "ACTIVE", completed = "COMPLETED", externallyTerminated = "EXTERNALLY_TERMINATED",
            internallyTerminated = "INTERNALLY_TERMINATED"
    }

    public let id: String
    public let businessKey: String?
    public let processDefinitionID: String
    public let processDefinitionKey: String
    public let processDefinitionName: String?
    public let processDefinitionVersion: Int
    public let startTime: Date
    public var endTime: Date?
    public let startActivityID: String?
    public var deleteReason: String?
    public let superProcessInstanceID: String?
    public let rootProcessInstanceID: String
    public var state: State
}

/// The history of one activity instance.
public struct HistoricActivityInstance: Sendable, Hashable {
    public let id: String
    public let activityID: String
    public let activityName: String?
    public let activityType: String
    public let processInstanceID: String
    public let processDefinitionID: String
    public let processDefinitionKey: String
    public let executionID: String
    public let parentActivityInstanceID: String?
    public let startTime: Date
    public var endTime: Date?
    public var canceled: Bool
    public var taskID: String?
    public var calledProcessInstanceID: String?
    public let sequence: Int64
}
