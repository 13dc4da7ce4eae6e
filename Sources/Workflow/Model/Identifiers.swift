// SPDX-License-Identifier: Apache-2.0
import Foundation
import Synchronization

/// Generates the ids the engine hands out: 15 characters of `[0-9A-Za-z]`.
///
/// Camunda clients treat ids as opaque strings (Camunda itself can issue plain numbers). Fifteen bytes is the
/// longest string Swift stores inline, so an id costs no allocation, no reference counting and little hashing,
/// and ids are copied and hashed on every engine step.
///
/// Layout: 10 characters encode a per-process counter through a bijection on [0, 62^10) (an affine permutation
/// plus a per-process random offset): unique within a process and random-looking. Character 10 names the store
/// partition (`0`-`9`, `A`-`F`): ids of one instance's tasks carry their instance's partition, so a partitioned
/// store finds a task by its id alone. The last 4 encode a per-process random tag, so ids of different processes
/// (engine replicas) differ too. No syscall per id, and one shared atomic add per block of 256 ids a thread draws.
public enum IDGenerator {
    static let length = 15
    /// The number of store partitions an id can name.
    public static let partitions = 16
    static let modulus: UInt64 = 839_299_365_868_340_224  // 62^10
    /// Coprime to 62^10 (odd, not a multiple of 31): multiplying by it permutes [0, 62^10).
    static let multiplier: UInt64 = 826_173_634_891_462_029
    private static let offset: UInt64 = UInt64.random(in: 0..<modulus)
    private static let tag: UInt64 = UInt64.random(in: 0..<(62 * 62 * 62 * 62))
    private static let counter = Atomic<UInt64>(0)
    private static let digits: StaticString = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

    /// A new id, in a partition that follows from the counter through splitmix64's finaliser (its top 4 bits), so
    /// ids spread evenly over the partitions whatever the pattern in which callers draw them (Fibonacci hashing
    /// alone clusters when every instance draws a Fibonacci number of ids).
    public static func next() -> String {
        let sequence = nextSequence()
        return format(permute(sequence), partition: Int(mix(sequence) >> 60), tag: tag)
    }

    /// A new id in one of the current core's partitions (`CoreAffinity`), spread evenly among those.
    static func nextNearCore() -> String {
        let sequence = nextSequence()
        return format(permute(sequence), partition: CoreAffinity.partition(spreading: mix(sequence)), tag: tag)
    }

    /// Counter values are handed to each thread in blocks: one shared atomic add per block instead of one per id, so
    /// threads on different cores do not pass the counter's cache line back and forth on every id (an instance draws
    /// five or more). Blocks are disjoint, so ids stay unique.
    private static let blockSize: UInt64 = 256
    private static let blockKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { free($0) }
        return key
    }()

    /// This thread's words: the block `[next, end)`, then a turn counter (`CoreAffinity.nextTurn`).
    static func threadWords() -> UnsafeMutablePointer<UInt64> {
        if let stored = pthread_getspecific(blockKey) { return stored.assumingMemoryBound(to: UInt64.self) }
        let words = calloc(3, MemoryLayout<UInt64>.size)!.assumingMemoryBound(to: UInt64.self)
        pthread_setspecific(blockKey, words)
        return words
    }

    static func nextSequence() -> UInt64 {
        let block = threadWords()
        if block[0] == block[1] {
            block[0] = counter.wrappingAdd(blockSize, ordering: .relaxed).oldValue + 1
            block[1] = block[0] + blockSize
        }
        defer { block[0] += 1 }
        return block[0]
    }

    /// Camunda's activity instance id, `nodeID:id`, in one allocation (an interpolation grows its buffer twice).
    public static func activityInstanceID(_ nodeID: String, _ id: String = next()) -> String {
        var result = String()
        result.reserveCapacity(nodeID.utf8.count + 1 + id.utf8.count)
        result += nodeID
        result += ":"
        result += id
        return result
    }

    /// splitmix64's finaliser: every input bit flips about half the output bits.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A new id in the same store partition as `other` (an instance's tasks live where the instance lives).
    public static func next(partitionOf other: String) -> String {
        let sequence = nextSequence()
        return format(permute(sequence), partition: partition(of: other), tag: tag)
    }

    /// The partition of any id: character 10 of the engine's own ids; for other strings FNV-1a modulo 16.
    public static func partition(of id: String) -> Int {
        let utf8 = id.utf8
        if utf8.count == length {
            let byte = utf8[utf8.index(utf8.startIndex, offsetBy: 10)]
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return Int(byte - UInt8(ascii: "A")) + 10
            default: break
            }
        }
        var hash: UInt32 = 2_166_136_261
        for byte in utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return Int(hash % UInt32(partitions))
    }

    /// An affine bijection on [0, 62^10): x -> (x * multiplier + offset) mod 62^10.
    static func permute(_ value: UInt64) -> UInt64 {
        let product = (value % modulus).multipliedFullWidth(by: multiplier)
        let remainder = modulus.dividingFullWidth(product).remainder
        return (remainder + offset) % modulus
    }

    /// 10 base-62 digits of `value` (< 62^10), the partition digit, then 4 digits of `tag`.
    static func format(_ value: UInt64, partition: Int, tag: UInt64) -> String {
        String(unsafeUninitializedCapacity: length) { buffer in
            var rest = value
            for index in stride(from: 9, through: 0, by: -1) {
                buffer[index] = digits.utf8Start[Int(rest % 62)]
                rest /= 62
            }
            buffer[10] = digits.utf8Start[partition]
            var tagRest = tag
            for index in stride(from: 14, through: 11, by: -1) {
                buffer[index] = digits.utf8Start[Int(tagRest % 62)]
                tagRest /= 62
            }
            return length
        }
    }
}
