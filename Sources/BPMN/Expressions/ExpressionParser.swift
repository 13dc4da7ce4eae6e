// SPDX-License-Identifier: Apache-2.0

import Foundation

/// A subtree with its height; heights are bounded so that evaluating or releasing a tree cannot exhaust the stack.
struct ParsedNode {
    let node: ExpressionNode
    let height: Int

    init(_ node: ExpressionNode, height: Int = 1) {
        self.node = node
        self.height = height
    }
}

/// A precedence-climbing parser for the JUEL and FEEL subsets, plus the splitter for JUEL composites.
struct ExpressionParser {
    var lexer: ExpressionLexer
    /// Current recursion depth of the parser.
    private var recursion = 0
    /// Bound on both parser recursion and tree height, so that deep input cannot exhaust the stack.
    static let maximumHeight = 100
    var dialect: ExpressionDialect { lexer.dialect }
    var source: String { lexer.source }

    init(source: String, characters: [Character], dialect: ExpressionDialect, position: Int) {
        lexer = ExpressionLexer(source: source, characters: characters, dialect: dialect, position: position)
    }

    /// Parses a whole expression source, choosing the dialect from its shape.
    static func parse(_ source: String) throws(ExpressionError) -> ExpressionBody {
        let characters = Array(source)
        guard characters.first == "=" else { return try parseTemplate(source, characters) }
        var parser = ExpressionParser(source: source, characters: characters, dialect: .feel, position: 1)
        let node = try parser.parseExpression().node
        let end = try parser.lexer.next()
        guard end.kind == .end else { throw .syntax(source, at: end.column, "expected end of expression") }
        return .feel(node)
    }

    // MARK: Precedence climbing

    private enum Precedence {
        static let conditional = 1, or = 2, and = 3, equality = 4, relational = 5, additive = 6, multiplicative = 7
    }

    private static let juelOperators: [String: (BinaryOperator, Int)] = [
        "||": (.or, Precedence.or), "or": (.or, Precedence.or),
        "&&": (.and, Precedence.and), "and": (.and, Precedence.and),
        "==": (.equal, Precedence.equality), "eq": (.equal, Precedence.equality),
        "!=": (.notEqual, Precedence.equality), "ne": (.notEqual, Precedence.equality),
        "<": (.less, Precedence.relational), "lt": (.less, Precedence.relational),
        ">": (.greater, Precedence.relational), "gt": (.greater, Precedence.relational),
        "<=": (.lessOrEqual, Precedence.relational), "le": (.lessOrEqual, Precedence.relational),
        ">=": (.greaterOrEqual, Precedence.relational), "ge": (.greaterOrEqual, Precedence.relational),
        "+": (.add, Precedence.additive), "-": (.subtract, Precedence.additive),
        "*": (.multiply, Precedence.multiplicative), "/": (.divide, Precedence.multiplicative),
        "div": (.divide, Precedence.multiplicative), "%": (.modulo, Precedence.multiplicative),
        "mod": (.modulo, Precedence.multiplicative),
    ]

    /// FEEL has a single, non-associative comparison level that also holds `in`.
    private static let feelOperators: [String: (BinaryOperator, Int)] = [
        "or": (.or, Precedence.or), "and": (.and, Precedence.and),
        "=": (.equal, Precedence.equality), "!=": (.notEqual, Precedence.equality),
        "<": (.less, Precedence.equality), ">": (.greater, Precedence.equality),
        "<=": (.lessOrEqual, Precedence.equality), ">=": (.greaterOrEqual, Precedence.equality),
        "in": (.in, Precedence.equality),
        "+": (.add, Precedence.additive), "-": (.subtract, Precedence.additive),
        "*": (.multiply, Precedence.multiplicative), "/": (.divide, Precedence.multiplicative),
        "%": (.modulo, Precedence.multiplicative),
    ]

    private static let juelReserved: Set<String> = [
        "and", "or", "not", "eq", "ne", "lt", "gt", "le", "ge", "div", "mod", "empty", "instanceof",
    ]

    private func binaryOperator(_ token: ExpressionToken) -> (BinaryOperator, Int)? {
        let table = dialect == .feel ? Self.feelOperators : Self.juelOperators
        switch token.kind {
        case .symbol(let text), .name(let text): return table[text]
        default: return nil
        }
    }

    /// Parses operators binding at least as tightly as `minimum`.
    mutating func parseExpression(_ minimum: Int = 0) throws(ExpressionError) -> ParsedNode {
        var left = try parseUnary()
        while true {
            let token = try lexer.peek()
            if dialect == .juel, token.isSymbol("?"), minimum <= Precedence.conditional {
                _ = try lexer.next()
                let then = try parseExpression()
                try expect(":")
                let otherwise = try parseExpression(Precedence.conditional)
                left = try tree(.conditional(left.node, then.node, otherwise.node), [left, then, otherwise], token)
                continue
            }
            guard let (op, precedence) = binaryOperator(token), precedence >= minimum else { return left }
            _ = try lexer.next()
            let right = try parseExpression(precedence + 1)
            left = try tree(.binary(op, left.node, right.node), [left, right], token)
        }
    }

    private mutating func parseUnary() throws(ExpressionError) -> ParsedNode {
        let token = try lexer.peek()
        // Every level of recursion passes here, so this bounds the parser's own stack depth.
        recursion += 1
        defer { recursion -= 1 }
        guard recursion <= Self.maximumHeight else { throw tooDeep(token) }
        let unary: UnaryOperator? =
            if token.isSymbol("-") { .negate }
            else if dialect == .juel, token.isSymbol("!") || token.isName("not") { .not }
            else if dialect == .juel, token.isName("empty") { .empty }
            else { nil }
        guard let unary else { return try parsePostfix(try parsePrimary()) }
        _ = try lexer.next()
        let operand = try parseUnary()
        return try tree(.unary(unary, operand.node), [operand], token)
    }

    private mutating func parsePrimary() throws(ExpressionError) -> ParsedNode {
        let token = try lexer.next()
        switch token.kind {
        case .integer(let value): return ParsedNode(.literal(.int(value)))
        case .decimal(let value): return ParsedNode(.literal(.double(value)))
        case .string(let value): return ParsedNode(.literal(.string(value)))
        case .name(let name): return try parseName(name, at: token)
        case .symbol("("):
            let inner = try parseExpression()
            try expect(")")
            return inner
        case .symbol("[") where dialect == .feel:
            let elements = try parseList(until: "]")
            return try tree(.list(elements.map(\.node)), elements, token)
        case .symbol("{") where dialect == .feel:
            return try parseContext(at: token)
        default:
            throw .syntax(source, at: token.column, "expected an operand")
        }
    }

    private mutating func parseName(_ name: String, at token: ExpressionToken) throws(ExpressionError) -> ParsedNode {
        switch name {
        case "true": return ParsedNode(.literal(.bool(true)))
        case "false": return ParsedNode(.literal(.bool(false)))
        case "null": return ParsedNode(.literal(.null))
        default: break
        }
        guard dialect == .feel else {
            if Self.juelReserved.contains(name) { throw .syntax(source, at: token.column, "expected an operand") }
            return ParsedNode(.variable(name))
        }
        return try parseFEELName(name, at: token)
    }

    private mutating func parsePostfix(_ base: ParsedNode) throws(ExpressionError) -> ParsedNode {
        var parsed = base
        while true {
            let token = try lexer.peek()
            if try consume(".") {
                let nameToken = try lexer.next()
                guard case .name(let name) = nameToken.kind else {
                    throw .syntax(source, at: nameToken.column, "expected a property name after '.'")
                }
                parsed = try tree(.member(parsed.node, name), [parsed], token)
            } else if try consume("[") {
                let index = try parseExpression()
                try expect("]")
                parsed = try tree(.index(parsed.node, index.node), [parsed, index], token)
            } else if token.isSymbol("(") {
                parsed = ParsedNode(try parseMethodCall(on: parsed.node, at: token.column))
            } else {
                return parsed
            }
        }
    }

    // MARK: Helpers

    /// Builds an inner node over `children`, failing when the tree would grow too high to evaluate safely.
    func tree(_ node: ExpressionNode, _ children: [ParsedNode], _ token: ExpressionToken) throws(ExpressionError)
        -> ParsedNode
    {
        let height = (children.map(\.height).max() ?? 0) + 1
        guard height <= Self.maximumHeight else { throw tooDeep(token) }
        return ParsedNode(node, height: height)
    }

    private func tooDeep(_ token: ExpressionToken) -> ExpressionError {
        .syntax(source, at: token.column, "expression is nested more than \(Self.maximumHeight) levels deep")
    }

    /// Consumes the next token if it is the given symbol.
    mutating func consume(_ symbol: String) throws(ExpressionError) -> Bool {
        guard try lexer.peek().isSymbol(symbol) else { return false }
        _ = try lexer.next()
        return true
    }

    /// Consumes the given symbol or keyword, or fails with "expected ...".
    mutating func expect(_ text: String) throws(ExpressionError) {
        let token = try lexer.next()
        guard token.isSymbol(text) || token.isName(text) else {
            throw .syntax(source, at: token.column, "expected '\(text)'")
        }
    }
}
