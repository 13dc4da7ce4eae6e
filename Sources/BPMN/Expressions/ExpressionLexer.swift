// SPDX-License-Identifier: Apache-2.0

import Foundation

/// One token of an expression, with the zero-based character offset where it starts.
struct ExpressionToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case integer(Int64)
        case decimal(Double)
        case string(String)
        case name(String)
        case symbol(String)
        case end
    }

    let kind: Kind
    let column: Int

    func isSymbol(_ symbol: String) -> Bool { kind == .symbol(symbol) }
    func isName(_ name: String) -> Bool { kind == .name(name) }
}

/// A lazy tokenizer: it scans only as far as the parser asks, so text following the closing `}`
/// of a JUEL part (which may contain unbalanced quotes) is never tokenized.
struct ExpressionLexer {
    let source: String
    let dialect: ExpressionDialect
    private let characters: [Character]
    /// Offset just after the last scanned token.
    private(set) var position: Int
    private var buffered: ExpressionToken?

    init(source: String, characters: [Character], dialect: ExpressionDialect, position: Int) {
        self.source = source
        self.characters = characters
        self.dialect = dialect
        self.position = position
    }

    /// Returns the next token without consuming it.
    mutating func peek() throws(ExpressionError) -> ExpressionToken {
        if let buffered { return buffered }
        let token = try scan()
        buffered = token
        return token
    }

    /// Returns and consumes the next token.
    mutating func next() throws(ExpressionError) -> ExpressionToken {
        let token = try peek()
        buffered = nil
        return token
    }

    private func character(at offset: Int) -> Character? {
        offset < characters.count ? characters[offset] : nil
    }

    private func error(_ detail: String, at column: Int) -> ExpressionError {
        .syntax(source, at: column, detail)
    }

    private mutating func scan() throws(ExpressionError) -> ExpressionToken {
        while let c = character(at: position), c.isWhitespace { position += 1 }
        let start = position
        guard let c = character(at: start) else { return ExpressionToken(kind: .end, column: start) }
        if c.isASCII, c.isNumber { return try scanNumber() }
        if c == "\"" || (c == "'" && dialect == .juel) { return try scanString(quote: c) }
        if c.isLetter || c == "_" || (c == "$" && dialect == .juel) { return scanName() }

        let pair = character(at: start + 1).map { String(c) + String($0) } ?? ""
        let (pairs, singles, hints) = dialect == .feel ? Self.feelSymbols : Self.juelSymbols
        if pairs.contains(pair) {
            position += 2
            return ExpressionToken(kind: .symbol(pair), column: start)
        }
        if let hint = hints[pair] ?? hints[String(c)] { throw error(hint, at: start) }
        if singles.contains(c) {
            position += 1
            return ExpressionToken(kind: .symbol(String(c)), column: start)
        }
        throw error("unexpected character '\(c)'", at: start)
    }

    private typealias SymbolTable = (pairs: Set<String>, singles: Set<Character>, hints: [String: String])

    private static let juelSymbols: SymbolTable = (
        ["==", "!=", "<=", ">=", "&&", "||"],
        ["+", "-", "*", "/", "%", "(", ")", "[", "]", ".", ",", "?", ":", "!", "<", ">", "}"],
        ["=": "expected '==' to compare values", "&": "expected '&&'", "|": "expected '||'"]
    )

    private static let feelSymbols: SymbolTable = (
        ["!=", "<=", ">="],
        ["+", "-", "*", "/", "%", "(", ")", "[", "]", ".", ",", ":", "<", ">", "=", "{", "}"],
        [
            "==": "expected '=' to compare values in FEEL", "&&": "expected 'and' in FEEL",
            "||": "expected 'or' in FEEL", "!": "expected 'not(...)' in FEEL",
            "'": "expected a \"double quoted\" string in FEEL",
        ]
    )

    private mutating func scanNumber() throws(ExpressionError) -> ExpressionToken {
        let start = position
        var isDecimal = false
        func isDigit(_ c: Character?) -> Bool { c.map { $0.isASCII && $0.isNumber } ?? false }
        while isDigit(character(at: position)) { position += 1 }
        if character(at: position) == ".", isDigit(character(at: position + 1)) {
            isDecimal = true
            position += 1
            while isDigit(character(at: position)) { position += 1 }
        }
        if let e = character(at: position), e == "e" || e == "E" {
            let sign = character(at: position + 1)
            let digitOffset = sign == "+" || sign == "-" ? position + 2 : position + 1
            if isDigit(character(at: digitOffset)) {
                isDecimal = true
                position = digitOffset
                while isDigit(character(at: position)) { position += 1 }
            }
        }
        let text = String(characters[start..<position])
        if isDecimal, let value = Double(text), value.isFinite {
            return ExpressionToken(kind: .decimal(value), column: start)
        }
        guard !isDecimal, let value = Int64(text) else { throw error("number '\(text)' is too large", at: start) }
        return ExpressionToken(kind: .integer(value), column: start)
    }

    private mutating func scanString(quote: Character) throws(ExpressionError) -> ExpressionToken {
        let start = position
        var value = ""
        position += 1
        while let c = character(at: position) {
            position += 1
            if c == quote { return ExpressionToken(kind: .string(value), column: start) }
            guard c == "\\", let escaped = character(at: position) else {
                value.append(c)
                continue
            }
            position += 1
            switch escaped {
            case "\\", "'", "\"": value.append(escaped)
            case "n" where dialect == .feel: value.append("\n")
            case "t" where dialect == .feel: value.append("\t")
            case "r" where dialect == .feel: value.append("\r")
            default: value += "\\" + String(escaped)
            }
        }
        throw error("unterminated string literal", at: start)
    }

    private mutating func scanName() -> ExpressionToken {
        let start = position
        while let c = character(at: position),
            c.isLetter || c.isNumber || c == "_" || (c == "$" && dialect == .juel) || (c == "?" && dialect == .feel)
        {
            position += 1
        }
        return ExpressionToken(kind: .name(String(characters[start..<position])), column: start)
    }
}
