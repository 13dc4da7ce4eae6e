// SPDX-License-Identifier: Apache-2.0

import Foundation

/// JUEL-only syntax: composites of text and `${...}` parts, and `execution.getVariable('name')`.
extension ExpressionParser {
    /// Splits text and `${...}`/`#{...}` parts; `\${` escapes a literal `${`.
    static func parseTemplate(_ source: String, _ characters: [Character]) throws(ExpressionError)
        -> ExpressionBody
    {
        var parts: [TemplatePart] = []
        var text = ""
        var offset = 0
        func character(at index: Int) -> Character? { index < characters.count ? characters[index] : nil }
        while let c = character(at: offset) {
            let next = character(at: offset + 1)
            if c == "\\", let marker = next, marker == "$" || marker == "#", character(at: offset + 2) == "{" {
                text += String(marker) + "{"
                offset += 3
            } else if c == "$" || c == "#", next == "{" {
                if !text.isEmpty { parts.append(.text(text)) }
                text = ""
                var parser = ExpressionParser(
                    source: source, characters: characters, dialect: .juel, position: offset + 2)
                parts.append(.expression(try parser.parseExpression().node))
                try parser.expect("}")
                offset = parser.lexer.position
            } else {
                text.append(c)
                offset += 1
            }
        }
        if !text.isEmpty { parts.append(.text(text)) }
        if parts.isEmpty { return .literal("") }
        if parts.count == 1, case .text(let text) = parts[0] { return .literal(text) }
        if parts.count == 1, case .expression(let node) = parts[0] { return .juel(node) }
        return .composite(parts)
    }

    /// Only `execution.getVariable('name')` is supported; it is the same as reading `name`.
    mutating func parseMethodCall(on node: ExpressionNode, at column: Int) throws(ExpressionError)
        -> ExpressionNode
    {
        guard dialect == .juel, case .member(.variable("execution"), "getVariable") = node else {
            let what: String =
                switch node {
                case .variable(let name): "function call '\(name)(...)'"
                case .member(_, let name): "method call '\(name)(...)'"
                default: "call"
                }
            throw .syntax(source, at: column, "\(what) is not supported; only execution.getVariable('name') is")
        }
        _ = try lexer.next()
        let argument = try lexer.next()
        guard case .string(let name) = argument.kind else {
            throw .syntax(source, at: argument.column, "expected a quoted variable name")
        }
        try expect(")")
        return .variable(name)
    }
}
