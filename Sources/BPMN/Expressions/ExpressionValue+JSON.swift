// SPDX-License-Identifier: Apache-2.0

/// Strict JSON (RFC 8259) reading and writing for `ExpressionValue`, the engine's JSON model.
extension ExpressionValue {
    /// Why a JSON text could not be read.
    public struct JSONError: Error, Sendable, Hashable, CustomStringConvertible {
        public let offset: Int
        public let reason: String
        public var description: String { "invalid JSON at byte \(offset): \(reason)" }
    }

    /// Parses a JSON document. Integers that fit 64 bits become `.int`, other numbers `.double`.
    public static func parseJSON(_ bytes: some Collection<UInt8>) throws(JSONError) -> ExpressionValue {
        var reader = JSONReader(bytes: Array(bytes))
        let value = try reader.value(depth: 0)
        reader.skipWhitespace()
        guard reader.index == reader.bytes.count else { throw reader.error("unexpected content after the document") }
        return value
    }

    /// Parses a JSON document given as text.
    public static func parseJSON(_ text: String) throws(JSONError) -> ExpressionValue { try parseJSON(Array(text.utf8)) }

    /// The value serialized as compact JSON, object keys sorted.
    public var jsonText: String { String(decoding: jsonBytes, as: UTF8.self) }

    /// The value serialized as compact JSON bytes.
    public var jsonBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        Self.write(self, into: &out)
        return out
    }

    /// Appends the value as compact JSON (object keys sorted).
    public func writeJSON(into out: inout [UInt8]) { Self.write(self, into: &out) }

    /// Appends `text` as a JSON string, quoted and escaped.
    public static func writeJSONString(_ text: String, into out: inout [UInt8]) { writeString(text, into: &out) }

    private static func write(_ value: ExpressionValue, into out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .int(let number): out.append(contentsOf: String(number).utf8)
        case .double(let number): out.append(contentsOf: (number.isFinite ? number.description : "null").utf8)
        case .string(let text): writeString(text, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                write(item, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, member) in members.sorted(by: { $0.key < $1.key }).enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                writeString(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                write(member.value, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func writeString(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most texts (ids, names, values) need no escape: copied whole (scanned as one buffer where they are one).
        let escape = { (byte: UInt8) in byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") }
        if !(text.utf8.withContiguousStorageIfAvailable { $0.contains(where: escape) } ?? text.utf8.contains(where: escape)) {
            out.append(contentsOf: text.utf8)
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(92); out.append(byte)
            case UInt8(ascii: "\n"): out.append(92); out.append(UInt8(ascii: "n"))
            case UInt8(ascii: "\r"): out.append(92); out.append(UInt8(ascii: "r"))
            case UInt8(ascii: "\t"): out.append(92); out.append(UInt8(ascii: "t"))
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += [92, UInt8(ascii: "u"), 48, 48, hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// A recursive-descent JSON reader over bytes.
private struct JSONReader {
    let bytes: [UInt8]
    var index = 0
    static let maxDepth = 512

    func error(_ reason: String) -> ExpressionValue.JSONError { .init(offset: index, reason: reason) }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    mutating func value(depth: Int) throws(ExpressionValue.JSONError) -> ExpressionValue {
        guard depth < Self.maxDepth else { throw error("nesting deeper than \(Self.maxDepth)") }
        skipWhitespace()
        guard index < bytes.count else { throw error("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: return try number()
        }
    }

    mutating func literal(_ word: String) throws(ExpressionValue.JSONError) {
        let count = word.utf8.count
        guard index + count <= bytes.count, bytes[index..<index + count].elementsEqual(word.utf8) else {
            throw error("expected '\(word)'")
        }
        index += count
    }

    mutating func object(depth: Int) throws(ExpressionValue.JSONError) -> ExpressionValue {
        index += 1
        // Members are gathered first and hashed into a dictionary of the right size once (growing it member by
        // member rehashed it again and again); a repeated name keeps its last value.
        var members: [(String, ExpressionValue)] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object([:]) }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a member name") }
            let key = try string()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
            index += 1
            members.append((key, try value(depth: depth + 1)))
            skipWhitespace()
            guard index < bytes.count else { throw error("unterminated object") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(Dictionary(members) { _, last in last }) }
            throw error("expected ',' or '}'")
        }
    }

    mutating func array(depth: Int) throws(ExpressionValue.JSONError) -> ExpressionValue {
        index += 1
        var items: [ExpressionValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
        while true {
            items.append(try value(depth: depth + 1))
            skipWhitespace()
            guard index < bytes.count else { throw error("unterminated array") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
            throw error("expected ',' or ']'")
        }
    }

    mutating func string() throws(ExpressionValue.JSONError) -> String {
        index += 1
        // Most strings have no escape: one String straight from the bytes.
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return String(decoding: bytes[start..<index - 1], as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            index += 1
        }
        var scalars = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""): return String(decoding: scalars, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { throw error("unterminated escape") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(escape)
                case UInt8(ascii: "b"): scalars.append(8)
                case UInt8(ascii: "f"): scalars.append(12)
                case UInt8(ascii: "n"): scalars.append(10)
                case UInt8(ascii: "r"): scalars.append(13)
                case UInt8(ascii: "t"): scalars.append(9)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800..<0xDC00).contains(code), index + 1 < bytes.count, bytes[index] == 92,
                       bytes[index + 1] == UInt8(ascii: "u") {
                        index += 2
                        let low = try hex4()
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
                    scalars += Array(String(Character(scalar)).utf8)
                default: throw error("invalid escape")
                }
            case 0..<0x20: throw error("control character in string")
            default: scalars.append(byte)
            }
        }
        throw error("unterminated string")
    }

    mutating func hex4() throws(ExpressionValue.JSONError) -> UInt32 {
        guard index + 4 <= bytes.count,
              let code = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
        else { throw error("invalid \\u escape") }
        index += 4
        return code
    }

    /// Decimal digits as an Int64, nil past 64 bits (then read as a double), without making a String first.
    private func integer(_ digits: ArraySlice<UInt8>, negative: Bool) -> Int64? {
        var value: Int64 = 0
        for byte in digits {
            let (shifted, overflowed) = value.multipliedReportingOverflow(by: 10)
            let digit = Int64(byte &- 48)
            let (next, overflowedAgain) = negative ? shifted.subtractingReportingOverflow(digit)
                                                   : shifted.addingReportingOverflow(digit)
            if overflowed || overflowedAgain { return nil }
            value = next
        }
        return value
    }

    mutating func number() throws(ExpressionValue.JSONError) -> ExpressionValue {
        let start = index
        var isInteger = true
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        let digitsStart = index
        while index < bytes.count {
            let byte = bytes[index]
            if (48...57).contains(byte) { index += 1; continue }
            switch byte {
            case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "+"), UInt8(ascii: "-"):
                isInteger = false
                index += 1
                continue
            default: break
            }
            break
        }
        guard index > digitsStart else { throw error("unexpected character") }
        if isInteger, let value = integer(bytes[digitsStart..<index], negative: digitsStart > start) { return .int(value) }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        guard let value = Double(text) else { throw error("invalid number '\(text)'") }
        return .double(value)
    }
}
