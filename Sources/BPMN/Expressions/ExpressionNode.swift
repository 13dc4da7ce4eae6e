// SPDX-License-Identifier: Apache-2.0

import Foundation

/// The language an ``Expression`` is written in, decided from its source text.
public enum ExpressionDialect: String, Sendable, Hashable, Codable {
    /// Plain text without `${...}`/`#{...}` and not starting with `=`: evaluates to itself.
    case literal
    /// Camunda 7 JUEL: `${...}`, `#{...}` or text mixed with `${...}` parts.
    case juel
    /// Camunda 8 FEEL: the source starts with `=`.
    case feel
}

/// Unary operators of both dialects.
enum UnaryOperator: Sendable, Hashable {
    case negate, not, empty
}

/// Binary operators of both dialects; `and`/`or` short-circuit.
enum BinaryOperator: String, Sendable, Hashable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", modulo = "%"
    case equal = "==", notEqual = "!=", less = "<", greater = ">", lessOrEqual = "<=", greaterOrEqual = ">="
    case and = "and", or = "or", `in` = "in"
}

/// One `key: value` entry of a FEEL context literal.
struct ContextEntry: Sendable, Hashable {
    let key: String
    let value: ExpressionNode
}

/// The parsed syntax tree of one expression.
indirect enum ExpressionNode: Sendable, Hashable {
    case literal(ExpressionValue)
    case variable(String)
    case member(ExpressionNode, String)
    case index(ExpressionNode, ExpressionNode)
    case unary(UnaryOperator, ExpressionNode)
    case binary(BinaryOperator, ExpressionNode, ExpressionNode)
    case conditional(ExpressionNode, ExpressionNode, ExpressionNode)
    case list([ExpressionNode])
    case context([ContextEntry])
    /// A FEEL built-in function; name and arity are checked by the parser.
    case call(String, [ExpressionNode])

    /// Adds the root identifiers this node reads to `names`.
    func collectVariables(into names: inout Set<String>) {
        switch self {
        case .literal:
            break
        case .variable(let name):
            names.insert(name)
        case .member(let base, _):
            base.collectVariables(into: &names)
        case .index(let base, let index):
            base.collectVariables(into: &names)
            index.collectVariables(into: &names)
        case .unary(_, let operand):
            operand.collectVariables(into: &names)
        case .binary(_, let left, let right):
            left.collectVariables(into: &names)
            right.collectVariables(into: &names)
        case .conditional(let condition, let then, let otherwise):
            for node in [condition, then, otherwise] { node.collectVariables(into: &names) }
        case .list(let elements), .call(_, let elements):
            for node in elements { node.collectVariables(into: &names) }
        case .context(let entries):
            for entry in entries { entry.value.collectVariables(into: &names) }
        }
    }
}

/// One piece of a JUEL composite such as `Order ${id} ok`.
enum TemplatePart: Sendable, Hashable {
    case text(String)
    case expression(ExpressionNode)
}

/// The parsed form of a whole expression source.
enum ExpressionBody: Sendable, Hashable {
    /// Plain text.
    case literal(String)
    /// A single `${...}`: evaluates to the value itself.
    case juel(ExpressionNode)
    /// Text mixed with `${...}` parts: evaluates to the concatenated string.
    case composite([TemplatePart])
    /// `=...`
    case feel(ExpressionNode)

    var dialect: ExpressionDialect {
        switch self {
        case .literal: .literal
        case .juel, .composite: .juel
        case .feel: .feel
        }
    }

    var referencedVariables: Set<String> {
        var names = Set<String>()
        switch self {
        case .literal:
            break
        case .juel(let node), .feel(let node):
            node.collectVariables(into: &names)
        case .composite(let parts):
            for case .expression(let node) in parts { node.collectVariables(into: &names) }
        }
        return names
    }
}
