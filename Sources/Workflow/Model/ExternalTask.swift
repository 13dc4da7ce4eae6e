// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation

/// An external task: a unit of work waiting for (or leased by) a worker.
///
/// What never changes after creation (ids, topic, activity, properties) sits in one shared immutable record, so a
/// copy of a task (into a commit, the store's table, a fetch result) retains one reference instead of a dozen
/// strings; only the lock, retry and queue fields are stored inline.
public struct ExternalTask: Sendable, Hashable, Codable {
    /// The fields fixed at creation.
    struct Identity: Sendable, Hashable, Codable {
        let id: String
        let topicName: String
        let processInstanceID: String
        let processDefinitionID: String
        let processDefinitionKey: String
        let processDefinitionVersionTag: String?
        let activityID: String
        let activityInstanceID: String
        let executionID: String
        let businessKey: String?
        let tenantID: String?
        let createTime: Date
        let extensionProperties: [String: String]
        let slotPool: String?
        let slots: Int
    }

    let box: Shared<Identity>
    public var id: String { box.value.id }
    public var topicName: String { box.value.topicName }
    public var processInstanceID: String { box.value.processInstanceID }
    public var processDefinitionID: String { box.value.processDefinitionID }
    public var processDefinitionKey: String { box.value.processDefinitionKey }
    public var processDefinitionVersionTag: String? { box.value.processDefinitionVersionTag }
    public var activityID: String { box.value.activityID }
    public var activityInstanceID: String { box.value.activityInstanceID }
    /// The execution (token) waiting on the task.
    public var executionID: String { box.value.executionID }
    public var businessKey: String? { box.value.businessKey }
    public var tenantID: String? { box.value.tenantID }
    public var createTime: Date { box.value.createTime }
    public var extensionProperties: [String: String] { box.value.extensionProperties }
    public var slotPool: String? { box.value.slotPool }
    public var slots: Int { box.value.slots }

    // The changing fields, packed: a task is copied whole into effects, commits, tables and fetch results, and an
    // effect is as large as its largest case (this one). Optionals are stored as sentinels, the rare error texts
    // behind one reference.
    public var priority: Int64
    /// The worker holding (or last holding) the lock; kept after a failure, as Camunda does.
    public var workerID: String?
    private var lockExpiry = Double.nan
    /// Incremented on every change; a store rejects writes based on an older version.
    public var version: Int = 0
    /// Creation order, for FIFO fetching within a priority.
    public var sequence: Int64 = 0
    private var errorTexts: Shared<(message: String?, details: String?)>?
    private var storedRetries = Self.none
    private var storedFailures = Self.none
    public var suspended: Bool = false
    public internal(set) var workerPool: WorkerPoolType

    private static let none = Int32.min

    public var lockExpirationTime: Date? {
        get { lockExpiry.isNaN ? nil : Date(timeIntervalSinceReferenceDate: lockExpiry) }
        set { lockExpiry = newValue?.timeIntervalSinceReferenceDate ?? .nan }
    }
    /// Null until the first failure.
    public var retries: Int? {
        get { storedRetries == Self.none ? nil : Int(storedRetries) }
        set { storedRetries = newValue.map { Int32(clamping: max($0, Int(Self.none) + 1)) } ?? Self.none }
    }
    /// Failures reported so far (nil: none); the exponent of the default back-off.
    public var failures: Int? {
        get { storedFailures == Self.none ? nil : Int(storedFailures) }
        set { storedFailures = newValue.map { Int32(clamping: max($0, Int(Self.none) + 1)) } ?? Self.none }
    }
    public var errorMessage: String? {
        get { errorTexts?.value.message }
        set { errorTexts = Self.texts(newValue, errorDetails) }
    }
    public var errorDetails: String? {
        get { errorTexts?.value.details }
        set { errorTexts = Self.texts(errorMessage, newValue) }
    }

    private static func texts(_ message: String?, _ details: String?) -> Shared<(message: String?, details: String?)>? {
        message == nil && details == nil ? nil : Shared((message, details))
    }

    init(
        id: String, topicName: String, processInstanceID: String, processDefinitionID: String,
        processDefinitionKey: String, processDefinitionVersionTag: String?, activityID: String,
        activityInstanceID: String, executionID: String, businessKey: String?, tenantID: String?, createTime: Date,
        priority: Int64, retries: Int?, extensionProperties: [String: String], workerPool: WorkerPoolType,
        slotPool: String?, slots: Int
    ) {
        box = Shared(Identity(
            id: id, topicName: topicName, processInstanceID: processInstanceID, processDefinitionID: processDefinitionID,
            processDefinitionKey: processDefinitionKey, processDefinitionVersionTag: processDefinitionVersionTag,
            activityID: activityID, activityInstanceID: activityInstanceID, executionID: executionID,
            businessKey: businessKey, tenantID: tenantID, createTime: createTime,
            extensionProperties: extensionProperties, slotPool: slotPool, slots: slots))
        self.priority = priority
        self.workerPool = workerPool
        self.retries = retries
    }

    /// Leases the task to a worker: the stored copy is changed in place (one table lookup), with a new version.
    mutating func lock(for workerID: String, until expiry: Date) {
        self.workerID = workerID
        lockExpirationTime = expiry
        version += 1
    }

    /// True when a worker may fetch the task at `now`.
    public func isFetchable(at now: Date) -> Bool {
        !suspended && (retries ?? 1) > 0 && (lockExpirationTime.map { $0 <= now } ?? true)
    }

    /// True when the task is locked at `now`.
    public func isLocked(at now: Date) -> Bool { lockExpirationTime.map { $0 > now } ?? false }

    // One flat JSON object, as before the split: the identity's keys and the inline fields side by side.
    private enum CodingKeys: String, CodingKey {
        case priority, workerID, lockExpirationTime, retries, errorMessage, errorDetails, suspended, workerPool,
            failures, version, sequence
    }

    public init(from decoder: any Decoder) throws {
        box = Shared(try Identity(from: decoder))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        priority = try container.decode(Int64.self, forKey: .priority)
        workerPool = try container.decode(WorkerPoolType.self, forKey: .workerPool)
        workerID = try container.decodeIfPresent(String.self, forKey: .workerID)
        lockExpirationTime = try container.decodeIfPresent(Date.self, forKey: .lockExpirationTime)
        retries = try container.decodeIfPresent(Int.self, forKey: .retries)
        errorMessage = try container.decodeIfPresent(String.self, forKey: .errorMessage)
        errorDetails = try container.decodeIfPresent(String.self, forKey: .errorDetails)
        suspended = try container.decodeIfPresent(Bool.self, forKey: .suspended) ?? false
        failures = try container.decodeIfPresent(Int.self, forKey: .failures)
        version = try container.decodeIfPresent(Int.self, forKey: .version) ?? 0
        sequence = try container.decodeIfPresent(Int64.self, forKey: .sequence) ?? 0
    }

    public func encode(to encoder: any Encoder) throws {
        try box.value.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(priority, forKey: .priority)
        try container.encodeIfPresent(workerID, forKey: .workerID)
        try container.encodeIfPresent(lockExpirationTime, forKey: .lockExpirationTime)
        try container.encodeIfPresent(retries, forKey: .retries)
        try container.encodeIfPresent(errorMessage, forKey: .errorMessage)
        try container.encodeIfPresent(errorDetails, forKey: .errorDetails)
        try container.encode(suspended, forKey: .suspended)
        try container.encode(workerPool, forKey: .workerPool)
        try container.encodeIfPresent(failures, forKey: .failures)
        try container.encode(version, forKey: .version)
        try container.encode(sequence, forKey: .sequence)
    }

    public static func == (left: ExternalTask, right: ExternalTask) -> Bool {
        (left.box === right.box || left.box.value == right.box.value) && left.priority == right.priority
            && left.workerID == right.workerID && left.lockExpirationTime == right.lockExpirationTime
            && left.retries == right.retries && left.errorMessage == right.errorMessage
            && left.errorDetails == right.errorDetails && left.suspended == right.suspended
            && left.workerPool == right.workerPool && left.failures == right.failures && left.version == right.version
            && left.sequence == right.sequence
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(box.value.id)
        hasher.combine(version)
    }
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
