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
///
/// The fields fixed when the activity starts sit in one shared immutable record: the record travels from the
/// runtime's effects through the commit into the history, and each copy retains one reference, not ten strings.
public struct HistoricActivityInstance: Sendable, Hashable, Codable {
    struct Identity: Sendable, Hashable, Codable {
        let id: String
        let activityID: String
        let activityName: String?
        let activityType: String
        let processInstanceID: String
        let processDefinitionID: String
        let processDefinitionKey: String
        let executionID: String
        let parentActivityInstanceID: String?
        let startTime: Date
        let sequence: Int64
    }

    private let box: Shared<Identity>
    public var id: String { box.value.id }
    public var activityID: String { box.value.activityID }
    public var activityName: String? { box.value.activityName }
    public var activityType: String { box.value.activityType }
    public var processInstanceID: String { box.value.processInstanceID }
    public var processDefinitionID: String { box.value.processDefinitionID }
    public var processDefinitionKey: String { box.value.processDefinitionKey }
    public var executionID: String { box.value.executionID }
    public var parentActivityInstanceID: String? { box.value.parentActivityInstanceID }
    public var startTime: Date { box.value.startTime }
    public var sequence: Int64 { box.value.sequence }
    public var endTime: Date?
    public var canceled: Bool
    public var taskID: String?
    public var calledProcessInstanceID: String?

    init(
        id: String, activityID: String, activityName: String?, activityType: String, processInstanceID: String,
        processDefinitionID: String, processDefinitionKey: String, executionID: String,
        parentActivityInstanceID: String?, startTime: Date, sequence: Int64
    ) {
        box = Shared(Identity(
            id: id, activityID: activityID, activityName: activityName, activityType: activityType,
            processInstanceID: processInstanceID, processDefinitionID: processDefinitionID,
            processDefinitionKey: processDefinitionKey, executionID: executionID,
            parentActivityInstanceID: parentActivityInstanceID, startTime: startTime, sequence: sequence))
        canceled = false
    }

    // One flat JSON object: the identity's keys and the inline fields side by side.
    private enum CodingKeys: String, CodingKey { case endTime, canceled, taskID, calledProcessInstanceID }

    public init(from decoder: any Decoder) throws {
        box = Shared(try Identity(from: decoder))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        endTime = try container.decodeIfPresent(Date.self, forKey: .endTime)
        canceled = try container.decode(Bool.self, forKey: .canceled)
        taskID = try container.decodeIfPresent(String.self, forKey: .taskID)
        calledProcessInstanceID = try container.decodeIfPresent(String.self, forKey: .calledProcessInstanceID)
    }

    public func encode(to encoder: any Encoder) throws {
        try box.value.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(endTime, forKey: .endTime)
        try container.encode(canceled, forKey: .canceled)
        try container.encodeIfPresent(taskID, forKey: .taskID)
        try container.encodeIfPresent(calledProcessInstanceID, forKey: .calledProcessInstanceID)
    }

    public static func == (left: Self, right: Self) -> Bool {
        (left.box === right.box || left.box.value == right.box.value) && left.endTime == right.endTime
            && left.canceled == right.canceled && left.taskID == right.taskID
            && left.calledProcessInstanceID == right.calledProcessInstanceID
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(box.value.id)
        hasher.combine(endTime)
    }
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
