// SPDX-License-Identifier: Apache-2.0

extension JSONTape {
    /// Checks the grammar and appends one token per value, depth first.
    struct Scanner {
        let bytes: [UInt8]
        var index = 0
        static let maxDepth = 512

        func failure(_ reason: String) -> Failure { Failure(offset: index, reason: reason) }

        private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x0A, 0x0D, 0x09: index += 1
                default: return
                }
            }
        }

        mutating func value(depth: Int, into tokens: inout [Token]) throws(Failure) {
            guard depth < Self.maxDepth else { throw failure("nesting deeper than \(Self.maxDepth)") }
            skipWhitespace()
            guard let byte = current else { throw failure("unexpected end of input") }
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["): try container(byte == UInt8(ascii: "{"), depth: depth, into: &tokens)
            case UInt8(ascii: "\""): Self.append(try string(), to: &tokens)
            case UInt8(ascii: "t"): Self.append(try literal("true", .true), to: &tokens)
            case UInt8(ascii: "f"): Self.append(try literal("false", .false), to: &tokens)
            case UInt8(ascii: "n"): Self.append(try literal("null", .null), to: &tokens)
            default: Self.append(try number(), to: &tokens)
            }
        }

        /// A leaf: the next value starts right after it.
        private static func append(_ token: Token, to tokens: inout [Token]) {
            var token = token
            token.next = Int32(tokens.count + 1)
            tokens.append(token)
        }

        private mutating func literal(_ word: StaticString, _ kind: Kind) throws(Failure) -> Token {
            let count = word.utf8CodeUnitCount
            let start = index
            guard index + count <= bytes.count,
                  bytes[index ..< index + count].elementsEqual(UnsafeBufferPointer(start: word.utf8Start, count: count))
            else { throw failure("expected '\(word)'") }
            index += count
            return Token(kind: kind, flag: false, start: Int32(start), end: Int32(index), next: Int32(0))
        }

        private mutating func container(_ isObject: Bool, depth: Int, into tokens: inout [Token]) throws(Failure) {
            let at = tokens.count
            let start = index
            tokens.append(Token(kind: isObject ? .object : .array, flag: false, start: Int32(start), end: 0, next: 0))
            index += 1
            let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
            skipWhitespace()
            if current == close {
                index += 1
            } else {
                while true {
                    if isObject {
                        skipWhitespace()
                        guard current == UInt8(ascii: "\"") else { throw failure("expected a member name") }
                        Self.append(try string(), to: &tokens)
                        skipWhitespace()
                        guard current == UInt8(ascii: ":") else { throw failure("expected ':'") }
                        index += 1
                    }
                    try value(depth: depth + 1, into: &tokens)
                    skipWhitespace()
                    guard let byte = current else { throw failure(isObject ? "unterminated object" : "unterminated array") }
                    index += 1
                    if byte == UInt8(ascii: ",") { continue }
                    if byte == close { break }
                    index -= 1
                    throw failure(isObject ? "expected ',' or '}'" : "expected ',' or ']'")
                }
            }
            tokens[at] = Token(kind: tokens[at].kind, flag: false, start: Int32(start), end: Int32(index),
                               next: Int32(tokens.count))
        }

        private mutating func string() throws(Failure) -> Token {
            index += 1
            let start = index
            var escaped = false
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    return Token(kind: .string, flag: escaped, start: Int32(start), end: Int32(index - 1), next: 0)
                }
                if byte < 0x20 { throw failure("control character in string") }
                index += 1
                guard byte == UInt8(ascii: "\\") else { continue }
                escaped = true
                guard let escape = current else { throw failure("unterminated escape") }
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    continue
                case UInt8(ascii: "u"):
                    guard index + 4 <= bytes.count, bytes[index ..< index + 4].allSatisfy(\.isHexDigit)
                    else { throw failure("invalid \\u escape") }
                    index += 4
                default: throw failure("invalid escape")
                }
            }
            throw failure("unterminated string")
        }

        /// RFC 8259: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
        private mutating func number() throws(Failure) -> Token {
            let start = index
            if current == UInt8(ascii: "-") { index += 1 }
            guard let first = current, first.isDigit else { throw failure("unexpected character") }
            index += 1
            if first != UInt8(ascii: "0") { skipDigits() }
            var fraction = false
            if current == UInt8(ascii: ".") {
                index += 1
                guard current?.isDigit == true else { throw failure("invalid number") }
                skipDigits()
                fraction = true
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                index += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
                guard current?.isDigit == true else { throw failure("invalid number") }
                skipDigits()
                fraction = true
            }
            return Token(kind: .number, flag: fraction, start: Int32(start), end: Int32(index), next: 0)
        }

        private mutating func skipDigits() {
            while let byte = current, byte.isDigit { index += 1 }
        }
    }
}

extension UInt8 {
    fileprivate var isDigit: Bool { self >= 48 && self <= 57 }
    fileprivate var isHexDigit: Bool {
        isDigit || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(self | 0x20)
    }
}
