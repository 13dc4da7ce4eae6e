// SPDX-License-Identifier: Apache-2.0
import BPMN

/// A JSON document as one flat array of tokens over its bytes (a "tape", as simdjson calls it): every value is one
/// token; an object's members follow it as key, value, key, value, and each token knows where the value after it
/// starts. Nothing else is built: `RecordDecoder` reads keys by comparing bytes and makes a `String` only for a
/// value it is asked for.
///
/// Reading is strict RFC 8259, as `ExpressionValue.parseJSON` reads it: whole document, no trailing content,
/// nesting at most 512 deep, escapes and numbers checked.
struct JSONTape {
    enum Kind: UInt8 { case object, array, string, number, `true`, `false`, null }

    struct Token {
        let kind: Kind
        /// A string holding an escape (decoded on reading), or a number with a fraction or exponent.
        let flag: Bool
        /// The value's bytes: a string's without its quotes; an object's or array's from its bracket to after its
        /// closing one.
        let start: Int32
        let end: Int32
        /// The index of the token after this value and everything in it.
        var next: Int32
    }

    let bytes: [UInt8]
    private(set) var tokens: [Token] = []

    struct Failure: Error, CustomStringConvertible {
        let offset: Int
        let reason: String
        var description: String { "invalid JSON at byte \(offset): \(reason)" }
    }

    init(_ bytes: [UInt8]) throws(Failure) {
        self.bytes = bytes
        guard bytes.count < Int(Int32.max) else { throw Failure(offset: 0, reason: "a record of 2 GiB or more") }
        tokens.reserveCapacity(bytes.count / 12 + 4)
        var scanner = Scanner(bytes: bytes)
        try scanner.value(depth: 0, into: &tokens)
        scanner.skipWhitespace()
        guard scanner.index == bytes.count else { throw scanner.failure("unexpected content after the document") }
    }

    subscript(index: Int) -> Token { tokens[index] }

    /// The whole value's bytes (with a string's quotes), for reading it as an `ExpressionValue`.
    func raw(_ index: Int) -> ArraySlice<UInt8> {
        let token = tokens[index]
        let quotes = token.kind == .string ? 1 : 0
        return bytes[Int(token.start) - quotes ..< Int(token.end) + quotes]
    }

    /// Whether a key token (a string) spells `key`.
    func key(_ index: Int, is key: String) -> Bool {
        let token = tokens[index]
        if token.flag { return string(index) == key }
        let count = Int(token.end - token.start)
        // Most keys differ in length: no look at the bytes for those.
        guard key.utf8.count == count else { return false }
        var key = key
        return key.withUTF8 { utf8 in
            guard utf8.count == count else { return false }
            return bytes.withUnsafeBufferPointer { buffer in
                utf8.elementsEqual(UnsafeBufferPointer(rebasing: buffer[Int(token.start) ..< Int(token.end)]))
            }
        }
    }

    /// The value token of an object's first member named `key`.
    func member(_ object: Int, _ key: String) -> Int? {
        let end = Int(tokens[object].next)
        var token = object + 1
        while token < end {
            if self.key(token, is: key) { return token + 1 }
            token = Int(tokens[token + 1].next)
        }
        return nil
    }

    /// An object's (key token, value token) pairs, or an array's (item token, item token), in order.
    func children(_ container: Int) -> [(key: Int, value: Int)] {
        let isObject = tokens[container].kind == .object
        let end = Int(tokens[container].next)
        var result: [(key: Int, value: Int)] = []
        var token = container + 1
        while token < end {
            let value = isObject ? token + 1 : token
            result.append((token, value))
            token = Int(tokens[value].next)
        }
        return result
    }

    /// A number token as an integer, as `ExpressionValue.intValue` reads it (a whole double too).
    func wholeNumber(_ index: Int) -> Int64? {
        guard tokens[index].kind == .number else { return nil }
        return integer(index) ?? double(index).flatMap { Int64(exactly: $0) }
    }

    /// A string token's text, escapes decoded.
    func string(_ index: Int) -> String {
        let token = tokens[index]
        let content = bytes[Int(token.start) ..< Int(token.end)]
        guard token.flag else { return String(decoding: content, as: UTF8.self) }
        // The scanner checked the escapes: the standard reader decodes them (a quoted copy, rare).
        if case .string(let text)? = try? ExpressionValue.parseJSON(raw(index)) { return text }
        return String(decoding: content, as: UTF8.self)
    }

    /// A number token as an integer, if it is written as one and fits 64 bits.
    func integer(_ index: Int) -> Int64? {
        let token = tokens[index]
        guard !token.flag else { return nil }
        var position = Int(token.start)
        let negative = bytes[position] == UInt8(ascii: "-")
        if negative { position += 1 }
        var value: Int64 = 0
        while position < Int(token.end) {
            let digit = Int64(bytes[position] &- 48)
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = negative ? shifted.subtractingReportingOverflow(digit)
                                            : shifted.addingReportingOverflow(digit)
            if overflow1 || overflow2 { return nil }
            value = sum
            position += 1
        }
        return value
    }

    /// A number token as a double, rounded as `Double(String)` rounds it.
    func double(_ index: Int) -> Double? {
        // (Zero goes the exact way below, which keeps the sign of `-0`.)
        if let whole = integer(index), whole != 0, whole.magnitude <= 1 << 53 { return Double(whole) }
        if let exact = exactDouble(index) { return exact }
        let token = tokens[index]
        return Double(String(decoding: bytes[Int(token.start) ..< Int(token.end)], as: UTF8.self))
    }

    private static let powersOfTen: [Double] = (0...22).map { exponent in
        (0..<exponent).reduce(1.0) { value, _ in value * 10 }
    }

    /// Clinger's fast path: digits that fit 2^53 and a power of ten up to 10^22 are both exact doubles, so one
    /// multiplication or division rounds correctly, as parsing the text does (`817882310.9626862`, the store's times).
    private func exactDouble(_ index: Int) -> Double? {
        let token = tokens[index]
        var position = Int(token.start)
        let negative = bytes[position] == UInt8(ascii: "-")
        if negative { position += 1 }
        var mantissa: UInt64 = 0
        var digits = 0, scale = 0
        var fraction = false
        while position < Int(token.end) {
            let byte = bytes[position]
            if byte == UInt8(ascii: ".") {
                fraction = true
            } else if byte >= 48, byte <= 57 {
                if mantissa == 0, byte == 48 {
                    if fraction { scale -= 1 }
                } else {
                    digits += 1
                    guard digits <= 16 else { return nil }
                    mantissa = mantissa * 10 + UInt64(byte - 48)
                    if fraction { scale -= 1 }
                }
            } else {
                return nil  // an exponent: the slow path
            }
            position += 1
        }
        guard mantissa <= 1 << 53, scale >= -22 else { return nil }
        let value = Double(mantissa) / Self.powersOfTen[-scale]
        return negative ? -value : value
    }
}
