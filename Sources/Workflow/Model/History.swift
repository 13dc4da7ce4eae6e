// SPDX-License-Identifier: Apache-2.0
import Foundation

/// The history of one process instance.
public struct HistoricProcessInstance: Sendable, Hashable, Codable {
    public enum State: String, Sendable, Hashable, Codable {
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
    /// The process-scope variables the instance ended with (empty while it runs: those live in the instance).
    public var finalVariables: [String: VariableValue] = [:]
}

/// The history of one activity instance.
public struct HistoricActivityInstance: Sendable, Hashable, Codable {
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

/// An incident with its life cycle: open while in the runtime, then resolved (retries set, execution moved on) or
/// deleted (its instance was deleted or ended).
public struct HistoricIncident: Sendable, Hashable, Codable {
    public enum State: String, Sendable, Hashable, Codable { case open, resolved, deleted }
    public let incident: Incident
    public var endTime: Date?
    public var state: State

    public init(incident: Incident, endTime: Date? = nil, state: State = .open) {
        self.incident = incident
        self.endTime = endTime
        self.state = state
    }
}

/// The latest value of one variable of one scope (Camunda's historic variable instance).
public struct HistoricVariableInstance: Sendable, Hashable, Codable {
    /// `<scope or execution id>:<name>`: stable for the life of the variable.
    public let id: String
    public let name: String
    public let value: VariableValue
    public let processInstanceID: String
    public let processDefinitionID: String
    public let processDefinitionKey: String
    public let executionID: String
    public let activityInstanceID: String
    public let createTime: Date
}
