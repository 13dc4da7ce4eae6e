// SPDX-License-Identifier: Apache-2.0

import Foundation

/// FEEL-only syntax: `if ... then ... else`, function calls, list and context literals.
extension ExpressionParser {
    private static let feelReserved: Set<String> = ["and", "or", "then", "else", "in", "for", "some", "every"]

    /// A FEEL name that is not `true`/`false`/`null`: a keyword, a function call or a variable.
    mutating func parseFEELName(_ name: String, at token: ExpressionToken) throws(ExpressionError) -> ParsedNode {
        let column = token.column
        if Self.feelReserved.contains(name) { throw .syntax(source, at: column, "expected an operand") }
        if name == "if" {
            let condition = try parseExpression()
            try expect("then")
            let then = try parseExpression()
            try expect("else")
            let otherwise = try parseExpression()
            let node = ExpressionNode.conditional(condition.node, then.node, otherwise.node)
            return try tree(node, [condition, then, otherwise], token)
        }
        var function = name
        if name == "is", try lexer.peek().isName("defined") {
            _ = try lexer.next()
            function = "is defined"
        }
        guard try lexer.peek().isSymbol("(") else { return ParsedNode(.variable(name)) }
        _ = try lexer.next()
        guard let arity = ExpressionEvaluator.functionArity[function] else {
            throw .syntax(source, at: column, "unknown function '\(function)'")
        }
        let arguments = try parseList(until: ")")
        guard arity.contains(arguments.count) else {
            let expected = arity.lowerBound == arity.upperBound ? "\(arity.lowerBound)" : "at least \(arity.lowerBound)"
            throw .syntax(source, at: column, "function '\(function)' expects \(expected) argument(s)")
        }
        return try tree(.call(function, arguments.map(\.node)), arguments, token)
    }

    /// Parses `a, b, c` up to and including the `closing` symbol; the opening symbol is already consumed.
    mutating func parseList(until closing: String) throws(ExpressionError) -> [ParsedNode] {
        var elements: [ParsedNode] = []
        if try lexer.peek().isSymbol(closing) {
            _ = try lexer.next()
            return elements
        }
        repeat {
            elements.append(try parseExpression())
        } while try consume(",")
        try expect(closing)
        return elements
    }

    /// Parses `{key: value, "other key": value}`; the opening brace is already consumed.
    mutating func parseContext(at token: ExpressionToken) throws(ExpressionError) -> ParsedNode {
        var keys: [String] = []
        var values: [ParsedNode] = []
        if try consume("}") { return ParsedNode(.context([])) }
        repeat {
            let keyToken = try lexer.next()
            switch keyToken.kind {
            case .name(let key), .string(let key):
                try expect(":")
                keys.append(key)
                values.append(try parseExpression())
            default:
                throw .syntax(source, at: keyToken.column, "expected a context key")
            }
        } while try consume(",")
        try expect("}")
        let entries = zip(keys, values).map { ContextEntry(key: $0, value: $1.node) }
        return try tree(.context(entries), values, token)
    }
}
