// SPDX-License-Identifier: Apache-2.0
import Synchronization

/// Generates the ids the engine hands out: 15 characters of `[0-9A-Za-z]`.
///
/// Camunda clients treat ids as opaque strings (Camunda itself can issue plain numbers). Fifteen bytes is the
/// longest string Swift stores inline, so an id costs no allocation, no reference counting and little hashing,
/// and ids are copied and hashed on every engine step.
///
/// The first 11 characters encode a per-process counter through a bijection (splitmix64) XOR a per-process random
/// mask: unique within a process and random-looking. The last 4 encode a per-process random tag, so ids of different
/// processes (engine replicas) differ too. No syscall per id (Foundation's `UUID()` reads the random source).
public enum IDGenerator {
    private static let mask: UInt64 = UInt64.random(in: .min ... .max)
    private static let tag: UInt64 = UInt64.random(in: 0..<(62 * 62 * 62 * 62))
    private static let counter = Atomic<UInt64>(0)
    static let length = 15

    public static func next() -> String {
        let sequence = counter.wrappingAdd(1, ordering: .relaxed).newValue
        return format(scramble(sequence) ^ mask, tag: tag)
    }

    /// An id in the same store partition as `other` (FNV-1a of the id, modulo `partitions`): tasks of an
    /// instance live where the instance lives, so a store finds them by id alone. About `partitions` draws.
    public static func next(partitionOf other: String, partitions: Int = 16) -> String {
        let wanted = partition(of: other, partitions: partitions)
        while true {
            let id = next()
            if partition(of: id, partitions: partitions) == wanted { return id }
        }
    }

    /// The partition of any id (FNV-1a over its UTF-8 bytes).
    public static func partition(of id: String, partitions: Int = 16) -> Int {
        var hash: UInt32 = 2_166_136_261
        for byte in id.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return Int(hash % UInt32(partitions))
    }

    /// splitmix64's finaliser: a bijection on UInt64, so distinct counters give distinct values.
    static func scramble(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// 11 base-62 digits of `value` (62^11 > 2^64), then 4 of `tag`.
    static func format(_ value: UInt64, tag: UInt64) -> String {
        let digits: StaticString = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
        return String(unsafeUninitializedCapacity: length) { buffer in
            var rest = value
            for index in stride(from: 10, through: 0, by: -1) {
                buffer[index] = digits.utf8Start[Int(rest % 62)]
                rest /= 62
            }
            var tagRest = tag
            for index in stride(from: 14, through: 11, by: -1) {
                buffer[index] = digits.utf8Start[Int(tagRest % 62)]
                tagRest /= 62
            }
            return length
        }
    }
}
