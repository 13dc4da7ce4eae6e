// SPDX-License-Identifier: Apache-2.0

/// Redis Cluster's key → slot mapping: CRC16 (XMODEM) of the key's hash tag (`{…}`, when non-empty) or of the
/// whole key, modulo 16384.
enum RedisClusterSlot {
    static let count = 16384

    static func of(key: [UInt8]) -> Int {
        var hashed = key[...]
        if let open = key.firstIndex(of: UInt8(ascii: "{")),
           let close = key[(open + 1)...].firstIndex(of: UInt8(ascii: "}")), close > open + 1 {
            hashed = key[(open + 1)..<close]
        }
        return Int(crc16(hashed) % UInt16(count))
    }

    static func crc16(_ bytes: ArraySlice<UInt8>) -> UInt16 {
        var crc: UInt16 = 0
        for byte in bytes {
            crc ^= UInt16(byte) << 8
            for _ in 0..<8 { crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x1021 : crc << 1 }
        }
        return crc
    }

    /// The key a command of this store routes by: the first key of `EVALSHA`/`EVAL`, else the first argument;
    /// nil for commands without a key (`PING`, `SCRIPT`, `PUBLISH`, ...).
    static func key(of command: RedisCommand) -> [UInt8]? {
        guard let name = command.arguments.first.map({ String(decoding: $0, as: UTF8.self).uppercased() }) else { return nil }
        switch name {
        case "EVALSHA", "EVAL":
            guard command.arguments.count > 3, command.arguments[2] != Array("0".utf8) else { return nil }
            return command.arguments[3]
        case "PING", "SCRIPT", "PUBLISH", "CLUSTER", "INFO", "ASKING", "FLUSHALL", "DBSIZE":
            return nil
        default:
            return command.arguments.count > 1 ? command.arguments[1] : nil
        }
    }
}
