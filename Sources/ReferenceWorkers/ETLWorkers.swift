// SPDX-License-Identifier: Apache-2.0
//
// ReferenceWorkers: handlers for the models in processes/, on the Swift worker runtime. They do real work on real
// data and show how the runtime is meant to be used (typed handlers, pools, BPMN errors).
import Foundation
import NIOPosix
import Workers
import Workflow

/// The ETL pipeline of `processes/etl-pipeline.bpmn`: extract rows from a CSV file (`source`), transform them into
/// typed records, load them into a SQLite file, check the loaded data; a failed check takes the `DQ_FAILED` path
/// and the batch is quarantined. Loads are idempotent (keyed by batch and record id), so a task that runs again
/// after a worker died changes nothing twice.
public struct ETLWorkers: Sendable {
    public let databasePath: String
    /// The currencies the data-quality check accepts.
    public let currencies: Set<String>

    public init(databasePath: String, currencies: Set<String> = ["EUR", "USD", "GBP", "CHF"]) {
        self.databasePath = databasePath
        self.currencies = currencies
    }

    public var subscriptions: [TopicSubscription] {
        [
            .typed(topic: "etl.extract", pool: .ioIntensive, variables: ["batchId", "source"]) { (input: ExtractInput, _) in
                try await blocking { try ETLSteps.extract(input) }
            },
            .typed(topic: "etl.transform", pool: .cpuIntensive, variables: ["batchId", "rows"]) { (input: TransformInput, _) in
                ETLSteps.transform(input)
            },
            .typed(topic: "etl.load", pool: .ioIntensive, variables: ["batchId", "records"]) { (input: LoadInput, _) in
                try await blocking { try ETLSteps.load(input, into: databasePath) }
            },
            .typed(topic: "dq.check", pool: .generalPurpose, variables: ["batchId", "recordCount"]) { (input: CheckInput, _) in
                try await blocking { try ETLSteps.check(input, in: databasePath, currencies: currencies) }
            },
            .typed(topic: "etl.quarantine", pool: .generalPurpose, variables: ["batchId", "dqErrorMessage"]) {
                (input: QuarantineInput, _) in
                try await blocking { try ETLSteps.quarantine(input, in: databasePath) }
            },
        ]
    }
}

/// File and database work runs on NIO's blocking-IO threads, never on the concurrency pool's few threads.
func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await NIOThreadPool.singleton.runIfActive(body)
}

struct ExtractInput: Decodable { let batchId: String; let source: String }
struct ExtractOutput: Encodable { let rows: [[String: String]]; let rowCount: Int }
struct TransformInput: Decodable { let batchId: String; let rows: [[String: String]] }
struct TransformOutput: Encodable { let records: [Record]; let recordCount: Int; let duplicatesDropped: Int }
struct LoadInput: Decodable { let batchId: String; let records: [Record] }
struct LoadOutput: Encodable { let loadedCount: Int }
struct CheckInput: Decodable { let batchId: String; let recordCount: Int }
struct CheckOutput: Encodable { let dqScore: Int; let dqCheckedRecords: Int }
struct QuarantineInput: Decodable { let batchId: String; let dqErrorMessage: String? }
struct QuarantineOutput: Encodable { let quarantinedCount: Int }

/// One transformed row.
struct Record: Codable, Sendable, Hashable {
    let id: String
    let customer: String?
    /// nil when the amount is not a number (the check reports it).
    let amountCents: Int64?
    let currency: String?
    /// FNV-1a of the normalised fields: equal rows have equal fingerprints.
    let fingerprint: String
}
