// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Workflow

/// An external task as a worker receives it: what it is, where it comes from, and the variables it asked for.
public struct WorkerTask: Sendable {
    public let id: String
    public let topicName: String
    public let workerID: String
    public let processInstanceID: String
    public let processDefinitionKey: String?
    public let activityID: String?
    public let businessKey: String?
    /// Null until the first failure (Camunda's convention).
    public let retries: Int?
    public let priority: Int64
    public let lockExpirationTime: Date?
    public let extensionProperties: [String: String]
    public let variables: [String: VariableValue]

    public init(
        id: String, topicName: String, workerID: String, processInstanceID: String, processDefinitionKey: String? = nil,
        activityID: String? = nil, businessKey: String? = nil, retries: Int? = nil, priority: Int64 = 0,
        lockExpirationTime: Date? = nil, extensionProperties: [String: String] = [:],
        variables: [String: VariableValue] = [:]
    ) {
        self.id = id
        self.topicName = topicName
        self.workerID = workerID
        self.processInstanceID = processInstanceID
        self.processDefinitionKey = processDefinitionKey
        self.activityID = activityID
        self.businessKey = businessKey
        self.retries = retries
        self.priority = priority
        self.lockExpirationTime = lockExpirationTime
        self.extensionProperties = extensionProperties
        self.variables = variables
    }

    /// The slot pool the task holds slots of (the `slotPool` extension property), if any.
    public var slotPool: String? { extensionProperties["slotPool"] }

    /// One variable decoded as `T` (`String`, `Int`, `Double`, `Bool`, `Date`, arrays, or any `Decodable` for a Json
    /// variable); throws `VariableCodingError` when it is missing or of another type.
    public func variable<T: Decodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        try VariableCoding.decode(type, from: variables[name] ?? .null, name: name)
    }

    /// All variables decoded into one `Decodable` value, one variable per property.
    public func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        try VariableCoding.decode(type, fromVariables: variables)
    }
}
