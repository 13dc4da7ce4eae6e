// SPDX-License-Identifier: Apache-2.0

import Foundation

/// An expression from a BPMN model: a sequence-flow condition, an input/output mapping, a multi-instance
/// collection, a timer definition, a topic, ...
///
/// The dialect is decided from the source:
/// - `=...` is FEEL (Camunda 8);
/// - `${...}` / `#{...}` is JUEL (Camunda 7), and text mixed with `${...}` parts (`Order ${id} ok`) is a
///   composite that evaluates to the concatenated string;
/// - anything else is a literal string.
///
/// The source is parsed once, at construction, so a model with a syntax error fails at deployment.
///
/// ```swift
/// let condition = try Expression("${amount > 1000 && approved}")
/// let value = try condition.evaluate(["amount": 1500, "approved": true])  // .bool(true)
/// ```
public struct Expression: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The expression exactly as written in the model.
    public let source: String
    let body: ExpressionBody

    /// Parses `source`.
    /// - Throws: ``ExpressionError`` with the column and what was expected on a syntax error.
    public init(_ source: String) throws(ExpressionError) {
        self.source = source
        self.body = try ExpressionParser.parse(source)
    }

    /// The dialect the source is written in.
    public var dialect: ExpressionDialect { body.dialect }

    /// True when the source is plain text without any expression part; it evaluates to itself.
    public var isLiteral: Bool {
        if case .literal = body { true } else { false }
    }

    /// The names of the variables the expression reads (the root identifiers, e.g. `customer` for `customer.tier`).
    public var referencedVariables: Set<String> { body.referencedVariables }

    public var description: String { source }

    /// Evaluates the expression.
    /// - Parameter lookup: returns a variable's value, or nil when no such variable exists. Unknown variables
    ///   are an error in JUEL (as in Camunda 7) and null in FEEL (as in Camunda 8).
    /// - Throws: ``ExpressionError`` on unknown JUEL variables, type mismatches, division by zero or overflow.
    public func evaluate(_ lookup: (String) -> ExpressionValue?) throws(ExpressionError) -> ExpressionValue {
        let evaluator = ExpressionEvaluator(source: source, dialect: body.dialect)
        switch body {
        case .literal(let text):
            return .string(text)
        case .juel(let node), .feel(let node):
            return try evaluator.evaluate(node, lookup)
        case .composite(let parts):
            var text = ""
            for part in parts {
                switch part {
                case .text(let literal): text += literal
                case .expression(let node): text += evaluator.juelString(try evaluator.evaluate(node, lookup))
                }
            }
            return .string(text)
        }
    }

    /// Evaluates the expression against a dictionary of variables.
    public func evaluate(_ variables: [String: ExpressionValue]) throws(ExpressionError) -> ExpressionValue {
        try evaluate { variables[$0] }
    }

    /// Evaluates a condition, which must yield a boolean: there is no implicit truthiness.
    /// - Throws: ``ExpressionError`` when evaluation fails or the result is not a boolean (FEEL null included).
    public func evaluateCondition(_ lookup: (String) -> ExpressionValue?) throws(ExpressionError) -> Bool {
        let value = try evaluate(lookup)
        guard case .bool(let result) = value else {
            throw .evaluation(source, "a condition must evaluate to a boolean, got \(value.typeName) \(value.jsonText)")
        }
        return result
    }

    // MARK: Hashable and Codable use the source only.

    public static func == (lhs: Expression, rhs: Expression) -> Bool { lhs.source == rhs.source }

    public func hash(into hasher: inout Hasher) { hasher.combine(source) }

    /// Decodes the source string and parses it again.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let source = try container.decode(String.self)
        do {
            try self.init(source)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
    }

    /// Encodes the source as a single string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(source)
    }
}
