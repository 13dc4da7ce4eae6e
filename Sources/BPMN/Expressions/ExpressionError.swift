// SPDX-License-Identifier: Apache-2.0

import Foundation

/// A syntax error found while parsing an ``Expression`` or a runtime error raised while evaluating one.
///
/// ``message`` is complete and user-facing; it already names the expression source.
public struct ExpressionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The full, human-readable error message.
    public let message: String
    /// The source text of the expression that failed.
    public let source: String
    /// For syntax errors, the zero-based character offset into ``source`` where the error was found
    /// (the same convention as JUEL's "position"); nil for runtime errors.
    public let column: Int?

    /// Creates an error with a complete message.
    public init(message: String, source: String, column: Int? = nil) {
        self.message = message
        self.source = source
        self.column = column
    }

    public var description: String { message }

    /// True when the error was raised while parsing rather than while evaluating.
    public var isSyntaxError: Bool { column != nil }

    /// A parse error: `Expression '${a >}' at column 5: expected an operand`.
    static func syntax(_ source: String, at column: Int, _ detail: String) -> ExpressionError {
        ExpressionError(
            message: "Expression '\(source)' at column \(column): \(detail)", source: source, column: column)
    }

    /// A runtime error: `Error evaluating expression '${a / b}': division by zero`.
    static func evaluation(_ source: String, _ detail: String) -> ExpressionError {
        ExpressionError(message: "Error evaluating expression '\(source)': \(detail)", source: source)
    }

    /// The Camunda 7 error for an unresolvable identifier.
    static func unknownVariable(_ source: String, _ name: String) -> ExpressionError {
        ExpressionError(
            message: "Unknown property used in expression: \(source). Cannot resolve identifier '\(name)'",
            source: source)
    }
}
