// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation

extension ExternalTask {
    /// A task read from its record's members, as `init(from:)` reads them (a fetch reads every task it locks).
    /// Members are asked for in the order `encode(to:)` writes them.
    public init(fields: any RecordFields) throws {
        let f = fields
        box = Shared(Identity(
            id: try f.required("id", f.string), topicName: try f.required("topicName", f.string),
            processInstanceID: try f.required("processInstanceID", f.string),
            processDefinitionID: try f.required("processDefinitionID", f.string),
            processDefinitionKey: try f.required("processDefinitionKey", f.string),
            processDefinitionVersionTag: try f.string("processDefinitionVersionTag"),
            activityID: try f.required("activityID", f.string),
            activityInstanceID: try f.required("activityInstanceID", f.string),
            executionID: try f.required("executionID", f.string), businessKey: try f.string("businessKey"),
            tenantID: try f.string("tenantID"), createTime: try f.required("createTime", f.date),
            extensionProperties: try f.required("extensionProperties", f.strings), slotPool: try f.string("slotPool"),
            slots: try f.required("slots", f.int)))
        // In the order `encode(to:)` writes them (a reader may take each only when it is the next one).
        priority = try f.required("priority", f.integer)
        workerPool = .generalPurpose
        workerID = try f.string("workerID")
        lockExpirationTime = try f.date("lockExpirationTime")
        retries = try f.int("retries")
        errorMessage = try f.string("errorMessage")
        errorDetails = try f.string("errorDetails")
        suspended = try f.boolean("suspended") ?? false
        guard let pool = WorkerPoolType(rawValue: try f.required("workerPool", f.string)) else {
            throw RecordFieldMismatch(key: "workerPool")
        }
        workerPool = pool
        failures = try f.int("failures")
        version = try f.int("version") ?? 0
        sequence = try f.integer("sequence") ?? 0
        try f.done()
    }
}
