// SPDX-License-Identifier: Apache-2.0
import DequeModule
import Foundation
import Synchronization
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
    private struct Shard {
        var entries: [String: (json: [UInt8], value: Value)] = [:]
        /// Ids in the order they were first stored (possibly some forgotten meanwhile: dropped when met).
        var order = Deque<String>()
    }

    private final class Locked: Sendable {
        let shard = Mutex(Shard())
    }

    /// Records longer than this are decoded every time.
    static var maxRecordBytes: Int { 16_384 }

    private let shards: [Locked]
    private let capacityPerShard: Int

    init(capacity: Int) {
        shards = (0..<RedisKeys.partitions).map { _ in Locked() }
        capacityPerShard = max(1, capacity / RedisKeys.partitions)
    }

    private func shard(_ id: String) -> Locked { shards[RedisKeys.partition(of: id)] }

    /// The value decoded from exactly these bytes, if this replica has it.
    private func value(_ id: String, json: [UInt8]) -> Value? {
        shard(id).shard.withLock { shard in
            guard let entry = shard.entries[id], entry.json == json else { return nil }
            return entry.value
        }
    }

    private func store(_ id: String, json: [UInt8], value: Value) {
        shard(id).shard.withLock { shard in
            if shard.entries.updateValue((json, value), forKey: id) == nil { shard.order.append(id) }
            while shard.entries.count > capacityPerShard, let oldest = shard.order.popFirst() {
                shard.entries[oldest] = nil
            }
            // Forgotten ids pile up in `order` when records go (ended instances): drop them now and then.
            if shard.order.count > 2 * capacityPerShard {
                shard.order = Deque(shard.order.filter { shard.entries[$0] != nil })
            }
        }
    }

    /// The value of the latest bytes seen for `id`, whatever Redis holds now: for a caller that checks versions
    /// when it commits, and reads again on a conflict.
    func latest(_ id: String) -> Value? { shard(id).shard.withLock { $0.entries[id]?.value } }

    func forget(_ id: String) { shard(id).shard.withLock { _ = $0.entries.removeValue(forKey: id) } }

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
        let value = try JSONDecoder().decode(Value.self, from: Data(json))
        // Large records (big variables) are not kept: the memo stays small, and they are few.
        if json.count <= Self.maxRecordBytes { store(id, json: json, value: value) }
        return value
    }
}
