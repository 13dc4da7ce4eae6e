// SPDX-License-Identifier: Apache-2.0
import Foundation
import Workers

/// The ETL steps as plain functions: each takes its typed input and returns its output (or throws).
enum ETLSteps {
    static let requiredColumns = ["id", "customer", "amount", "currency"]

    static func extract(_ input: ExtractInput) throws -> ExtractOutput {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: input.source)) } catch {
            throw CSVTable.Failure(description: "batch \(input.batchId): cannot read \(input.source): \(error.localizedDescription)")
        }
        let table = try CSVTable(parsing: String(decoding: data, as: UTF8.self), source: input.source)
        let missing = requiredColumns.filter { !table.header.contains($0) }
        guard missing.isEmpty else {
            throw CSVTable.Failure(description: "\(input.source): missing columns \(missing.joined(separator: ", "))")
        }
        return ExtractOutput(rows: table.rows, rowCount: table.rows.count)
    }

    /// Trims fields, upper-cases currencies, parses amounts into cents, fingerprints each record and drops exact
    /// duplicates (same id and content).
    static func transform(_ input: TransformInput) -> TransformOutput {
        var seen = Set<String>()
        var records: [Record] = []
        for row in input.rows {
            let id = (row["id"] ?? "").trimmingWhitespace()
            let customer = (row["customer"] ?? "").trimmingWhitespace()
            let currency = (row["currency"] ?? "").trimmingWhitespace().uppercased()
            let amount = cents((row["amount"] ?? "").trimmingWhitespace())
            let fingerprint = fnv1a("\(id)|\(customer)|\(amount.map(String.init) ?? "-")|\(currency)")
            guard seen.insert("\(id)#\(fingerprint)").inserted else { continue }
            records.append(Record(id: id, customer: customer.isEmpty ? nil : customer, amountCents: amount,
                                  currency: currency.isEmpty ? nil : currency, fingerprint: fingerprint))
        }
        return TransformOutput(records: records, recordCount: records.count,
                               duplicatesDropped: input.rows.count - records.count)
    }

    static func load(_ input: LoadInput, into path: String) throws -> LoadOutput {
        let database = try open(path)
        try database.transaction {
            for record in input.records {
                try database.execute(
                    "INSERT OR REPLACE INTO etl_records (batch_id, record_id, customer, amount_cents, currency, fingerprint) "
                        + "VALUES (?, ?, ?, ?, ?, ?)",
                    [.text(input.batchId), .text(record.id), record.customer.map { .text($0) } ?? .null,
                     record.amountCents.map { .integer($0) } ?? .null, record.currency.map { .text($0) } ?? .null,
                     .text(record.fingerprint)])
            }
        }
        return LoadOutput(loadedCount: input.records.count)
    }

    /// Checks what was loaded: every record arrived, ids are set and unique, customers present, amounts numbers
    /// and not negative, currencies known. Any violation is the BPMN error `DQ_FAILED`.
    static func check(_ input: CheckInput, in path: String, currencies: Set<String>) throws -> CheckOutput {
        let database = try open(path)
        let batch: [SQLiteDatabase.Value] = [.text(input.batchId)]
        let count = { (condition: String) throws -> Int64 in
            try database.execute("SELECT count(*) FROM etl_records WHERE batch_id = ? AND (\(condition))", batch)
                .first?.first?.integer ?? 0
        }
        let loaded = try count("1")
        var violations: [String] = []
        if loaded != input.recordCount { violations.append("\(loaded) of \(input.recordCount) records loaded") }
        let checks = [
            ("records without id", "record_id = ''"),
            ("records without customer", "customer IS NULL"),
            ("records whose amount is not a number", "amount_cents IS NULL"),
            ("records with a negative amount", "amount_cents < 0"),
            ("records in an unknown currency",
             "currency IS NULL OR currency NOT IN (\(currencies.sorted().map { "'\($0)'" }.joined(separator: ",")))"),
        ]
        for (name, condition) in checks {
            let found = try count(condition)
            if found > 0 { violations.append("\(found) \(name)") }
        }
        guard violations.isEmpty else {
            throw BPMNError(code: "DQ_FAILED", message: "batch \(input.batchId): " + violations.joined(separator: "; "))
        }
        return CheckOutput(dqScore: 100, dqCheckedRecords: Int(loaded))
    }

    /// Moves the batch's records out of `etl_records` into `etl_quarantine`, in one transaction.
    static func quarantine(_ input: QuarantineInput, in path: String) throws -> QuarantineOutput {
        let database = try open(path)
        let batch: [SQLiteDatabase.Value] = [.text(input.batchId)]
        let moved = try database.transaction { () throws -> Int64 in
            try database.execute(
                "INSERT OR REPLACE INTO etl_quarantine (batch_id, record_id, customer, amount_cents, currency, reason) "
                    + "SELECT batch_id, record_id, customer, amount_cents, currency, ? FROM etl_records WHERE batch_id = ?",
                [.text(input.dqErrorMessage ?? "data-quality check failed"), .text(input.batchId)])
            try database.execute("DELETE FROM etl_records WHERE batch_id = ?", batch)
            return try database.execute("SELECT count(*) FROM etl_quarantine WHERE batch_id = ?", batch).first?.first?.integer ?? 0
        }
        return QuarantineOutput(quarantinedCount: Int(moved))
    }

    /// Opens the database and creates its tables on first use.
    static func open(_ path: String) throws -> SQLiteDatabase {
        let database = try SQLiteDatabase(path: path)
        try database.execute("""
            CREATE TABLE IF NOT EXISTS etl_records (batch_id TEXT NOT NULL, record_id TEXT NOT NULL, customer TEXT,
              amount_cents INTEGER, currency TEXT, fingerprint TEXT NOT NULL, PRIMARY KEY (batch_id, record_id))
            """)
        try database.execute("""
            CREATE TABLE IF NOT EXISTS etl_quarantine (batch_id TEXT NOT NULL, record_id TEXT NOT NULL, customer TEXT,
              amount_cents INTEGER, currency TEXT, reason TEXT, PRIMARY KEY (batch_id, record_id))
            """)
        return database
    }

    /// `12`, `12.5`, `-0.99` as cents; nil for anything else (more than two decimals included).
    static func cents(_ text: String) -> Int64? {
        let negative = text.hasPrefix("-")
        let digits = negative ? String(text.dropFirst()) : text
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        let isDigits = { (part: Substring) in !part.isEmpty && part.utf8.allSatisfy { (48...57).contains($0) } }
        guard (1...2).contains(parts.count), isDigits(parts[0]), parts[0].count <= 13, let whole = Int64(parts[0])
        else { return nil }
        var fraction: Int64 = 0
        if parts.count == 2 {
            guard isDigits(parts[1]), parts[1].count <= 2, let value = Int64(parts[1]) else { return nil }
            fraction = parts[1].count == 1 ? value * 10 : value
        }
        return (negative ? -1 : 1) * (whole * 100 + fraction)
    }

    static func fnv1a(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return String(hash, radix: 16)
    }
}
