// SPDX-License-Identifier: Apache-2.0
import Synchronization

/// Generates the ids the engine hands out, in UUID shape (8-4-4-4-12 lower-case hex).
///
/// The last 64 bits are a counter scrambled by a bijection (splitmix64), so ids are unique within a process; the first
/// 64 bits mix in a random per-process prefix, so ids of different processes (engine replicas) differ. They look
/// random and cost no syscall (Foundation's `UUID()` reads the system random source on every call).
public enum IDGenerator {
    private static let prefix: UInt64 = UInt64.random(in: .min ... .max)
    private static let counter = Atomic<UInt64>(UInt64.random(in: 0 ... (1 << 40)))

    public static func next() -> String {
        let sequence = counter.wrappingAdd(1, ordering: .relaxed).newValue
        return format(scramble(prefix ^ sequence), scramble(sequence))
    }

    /// splitmix64's finaliser: a bijection on UInt64, so distinct counters give distinct values.
    static func scramble(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    static func format(_ high: UInt64, _ low: UInt64) -> String {
        let digits: StaticString = "0123456789abcdef"
        return String(unsafeUninitializedCapacity: 36) { buffer in
            var index = 0
            func put(_ value: UInt64, nibbles: Int) {
                for shift in stride(from: (nibbles - 1) * 4, through: 0, by: -4) {
                    buffer[index] = digits.utf8Start[Int((value >> UInt64(shift)) & 0xF)]
                    index += 1
                }
            }
            func dash() {
                buffer[index] = UInt8(ascii: "-")
                index += 1
            }
            put(high >> 32, nibbles: 8); dash()
            put(high >> 16, nibbles: 4); dash()
            put(high, nibbles: 4); dash()
            put(low >> 48, nibbles: 4); dash()
            put(low, nibbles: 12)
            return 36
        }
    }
}
