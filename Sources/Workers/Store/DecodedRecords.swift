// SPDX-License-Identifier: Apache-2.0
import Foundation
import Workflow

/// Records this replica wrote or decoded lately, with the exact JSON they came from: a read that gets the same bytes
/// back from Redis takes the decoded value instead of decoding again. The value is a function of the bytes, so
/// there is nothing to invalidate: another replica's write changes the bytes, and the read decodes them.
///
/// Decoding instance and task records with `JSONDecoder` was the largest cost of a task's fetch and complete in
/// the engine (the fetch reads each task's instance for its variables, the complete reads both again). A record is
/// written, fetched and completed moments apart, so even a small memo answers most reads: a written record goes in
/// when decoding its bytes gives the written value back (`remember`). Bounded: at most `capacity`
/// records of at most 16 KiB each, the oldest forgotten first, in 16 shards (one lock each) by the record's partition.
final class DecodedRecords<Value: Sendable>: Sendable {
    private let entries: PartitionedMemo<Entry>

    private struct Entry: Sendable {
        let json: [UInt8]
        let value: Value
    }

    /// Records longer than this are decoded every time.
    static var maxRecordBytes: Int { 16_384 }

    init(capacity: Int) { entries = PartitionedMemo(capacity: capacity) }

    /// The value decoded from exactly these bytes, if this replica has it.
    private func value(_ id: String, json: [UInt8]) -> Value? {
        guard let entry = entries[id], entry.json == json else { return nil }
        return entry.value
    }

    private func store(_ id: String, json: [UInt8], value: Value) { entries.store(id, Entry(json: json, value: value)) }

    /// The value of the latest bytes seen for `id`, whatever Redis holds now: for a caller that checks versions
    /// when it commits, and reads again on a conflict.
    func latest(_ id: String) -> Value? { entries[id]?.value }

    func forget(_ id: String) { entries.remove(id) }

    /// Keeps a record this replica wrote. The caller vouches that decoding `json` gives `value` back exactly (a
    /// debug build checks it), so the memo still holds only what decoding those bytes gives.
    func remember(_ id: String, _ json: [UInt8], _ value: Value) where Value: Codable & Equatable {
        guard json.count <= Self.maxRecordBytes else { return }
        assert((try? JSONDecoder().decode(Value.self, from: Data(json))) == value,
               "\(Value.self) \(id) does not decode back to the value written")
        store(id, json: json, value: value)
    }

    /// Decodes `json` into a value, or takes the one decoded from the same bytes before.
    func decode(_ id: String, _ json: [UInt8]) throws -> Value? where Value: Decodable {
        guard !json.isEmpty else { return nil }
        if let known = value(id, json: json) { return known }
        let value = try RecordDecoder.decode(Value.self, from: json)
        // Large records (big variables) are not kept: the memo stays small, and they are few.
        if json.count <= Self.maxRecordBytes { store(id, json: json, value: value) }
        return value
    }
}
