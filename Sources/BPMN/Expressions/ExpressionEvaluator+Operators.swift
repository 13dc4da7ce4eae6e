// SPDX-License-Identifier: Apache-2.0

import Foundation

/// Arithmetic, comparison and the JUEL coercion rules.
extension ExpressionEvaluator {
    func apply(_ op: BinaryOperator, _ lhs: ExpressionValue, _ rhs: ExpressionValue) throws(ExpressionError)
        -> ExpressionValue
    {
        switch op {
        case .add, .subtract, .multiply, .divide, .modulo:
            return dialect == .feel ? try feelArithmetic(op, lhs, rhs) : try juelArithmetic(op, lhs, rhs)
        case .equal:
            return .bool(try equals(lhs, rhs))
        case .notEqual:
            return .bool(!(try equals(lhs, rhs)))
        case .less, .greater, .lessOrEqual, .greaterOrEqual:
            return try compare(op, lhs, rhs)
        case .in:
            if case .array(let elements) = rhs { return .bool(elements.contains { feelEquals(lhs, $0) }) }
            return .bool(feelEquals(lhs, rhs))
        case .and, .or:
            throw error("'\(op.rawValue)' must be evaluated lazily")
        }
    }

    func negate(_ value: ExpressionValue) throws(ExpressionError) -> ExpressionValue {
        let number = dialect == .juel ? try juelNumber(value) : value
        switch number {
        case .null:
            return .null
        case .int(let int):
            let (result, overflow) = Int64(0).subtractingReportingOverflow(int)
            guard !overflow else { throw error("integer overflow in -(\(int))") }
            return .int(result)
        case .double(let double):
            return .double(-double)
        default:
            throw error("cannot negate a \(value.typeName) value (\(value.jsonText))")
        }
    }

    // MARK: Arithmetic

    /// EL rules: null is 0, strings are parsed, `/` always yields a double, integers stay `Int64`.
    private func juelArithmetic(_ op: BinaryOperator, _ lhs: ExpressionValue, _ rhs: ExpressionValue)
        throws(ExpressionError) -> ExpressionValue
    {
        if lhs.isNull && rhs.isNull { return .int(0) }
        let a = try juelNumber(lhs), b = try juelNumber(rhs)
        if op != .divide, case .int(let x) = a, case .int(let y) = b { return try integerArithmetic(op, x, y) }
        return try doubleArithmetic(op, a.doubleValue ?? 0, b.doubleValue ?? 0)
    }

    /// FEEL: null propagates, `+` concatenates strings, other type mixes are errors.
    private func feelArithmetic(_ op: BinaryOperator, _ lhs: ExpressionValue, _ rhs: ExpressionValue)
        throws(ExpressionError) -> ExpressionValue
    {
        if lhs.isNull || rhs.isNull { return .null }
        if op == .add, case .string(let a) = lhs, case .string(let b) = rhs { return .string(a + b) }
        guard let a = lhs.doubleValue, let b = rhs.doubleValue else {
            throw error("cannot apply '\(op.rawValue)' to \(lhs.typeName) and \(rhs.typeName)")
        }
        if case .int(let x) = lhs, case .int(let y) = rhs { return try integerArithmetic(op, x, y) }
        return try doubleArithmetic(op, a, b)
    }

    /// Checked `Int64` arithmetic; an inexact division (FEEL only) falls back to a double.
    private func integerArithmetic(_ op: BinaryOperator, _ a: Int64, _ b: Int64) throws(ExpressionError)
        -> ExpressionValue
    {
        if (op == .divide || op == .modulo) && b == 0 { throw error("division by zero") }
        let result: (partialValue: Int64, overflow: Bool)
        switch op {
        case .add: result = a.addingReportingOverflow(b)
        case .subtract: result = a.subtractingReportingOverflow(b)
        case .multiply: result = a.multipliedReportingOverflow(by: b)
        case .modulo:
            // Int64.min % -1 reports overflow although the remainder is 0.
            let remainder = a.remainderReportingOverflow(dividingBy: b)
            return .int(remainder.overflow ? 0 : remainder.partialValue)
        default:
            let quotient = a.dividedReportingOverflow(by: b)
            if !quotient.overflow, a.remainderReportingOverflow(dividingBy: b).partialValue == 0 {
                return .int(quotient.partialValue)
            }
            return .double(Double(a) / Double(b))
        }
        guard !result.overflow else { throw error("integer overflow in \(a) \(op.rawValue) \(b)") }
        return .int(result.partialValue)
    }

    private func doubleArithmetic(_ op: BinaryOperator, _ a: Double, _ b: Double) throws(ExpressionError)
        -> ExpressionValue
    {
        let result: Double
        switch op {
        case .add: result = a + b
        case .subtract: result = a - b
        case .multiply: result = a * b
        case .divide, .modulo:
            guard b != 0 else { throw error("division by zero") }
            result = op == .divide ? a / b : a.truncatingRemainder(dividingBy: b)
        default: throw error("'\(op.rawValue)' is not an arithmetic operator")
        }
        guard result.isFinite else { throw error("numeric overflow in \(a) \(op.rawValue) \(b)") }
        return .double(result)
    }

    // MARK: Comparison

    func equals(_ lhs: ExpressionValue, _ rhs: ExpressionValue) throws(ExpressionError) -> Bool {
        if dialect == .feel || lhs == rhs { return feelEquals(lhs, rhs) }
        switch (lhs, rhs) {
        case (.null, _), (_, .null):
            return false
        case _ where lhs.isNumber || rhs.isNumber:
            return try feelEquals(juelNumber(lhs), juelNumber(rhs))
        case (.bool, _), (_, .bool):
            return try juelBool(lhs) == juelBool(rhs)
        case (.string, _), (_, .string):
            return juelString(lhs) == juelString(rhs)
        default:
            return feelEquals(lhs, rhs)
        }
    }

    /// Structural equality where `1 == 1.0`; values of different types are unequal.
    func feelEquals(_ lhs: ExpressionValue, _ rhs: ExpressionValue) -> Bool {
        switch (lhs, rhs) {
        case (.int(let a), .int(let b)): a == b
        case (.int, .double), (.double, .int), (.double, .double): lhs.doubleValue == rhs.doubleValue
        case (.array(let a), .array(let b)): a.count == b.count && zip(a, b).allSatisfy { feelEquals($0, $1) }
        case (.object(let a), .object(let b)):
            a.count == b.count && a.allSatisfy { key, value in b[key].map { feelEquals(value, $0) } ?? false }
        default: lhs == rhs
        }
    }

    /// `< > <= >=`: JUEL yields false for null and coerces strings compared with numbers; FEEL yields null for null.
    private func compare(_ op: BinaryOperator, _ lhs: ExpressionValue, _ rhs: ExpressionValue) throws(ExpressionError)
        -> ExpressionValue
    {
        let order: Int
        if lhs.isNull || rhs.isNull { return dialect == .feel ? .null : .bool(false) }
        if dialect == .juel, lhs.isNumber || rhs.isNumber {
            order = try ordering(juelNumber(lhs), juelNumber(rhs))
        } else if dialect == .juel, case .bool(let a) = lhs, case .bool(let b) = rhs {
            order = a == b ? 0 : (a ? 1 : -1)
        } else {
            order = try ordering(lhs, rhs)
        }
        switch op {
        case .less: return .bool(order < 0)
        case .greater: return .bool(order > 0)
        case .lessOrEqual: return .bool(order <= 0)
        default: return .bool(order >= 0)
        }
    }

    /// -1, 0 or 1 for two numbers or two strings; anything else is a type mismatch.
    func ordering(_ lhs: ExpressionValue, _ rhs: ExpressionValue) throws(ExpressionError) -> Int {
        switch (lhs, rhs) {
        case (.int(let a), .int(let b)): return a < b ? -1 : (a == b ? 0 : 1)
        case (.string(let a), .string(let b)): return a < b ? -1 : (a == b ? 0 : 1)
        default:
            guard let a = lhs.doubleValue, let b = rhs.doubleValue else {
                throw error("cannot compare \(lhs.typeName) \(lhs.jsonText) with \(rhs.typeName) \(rhs.jsonText)")
            }
            return a < b ? -1 : (a == b ? 0 : 1)
        }
    }

    // MARK: JUEL coercions

    /// EL coercion to a number: null and "" are 0, numeric strings are parsed, anything else is an error.
    func juelNumber(_ value: ExpressionValue) throws(ExpressionError) -> ExpressionValue {
        switch value {
        case .null: return .int(0)
        case .int, .double: return value
        case .string(let text):
            if text.isEmpty { return .int(0) }
            if let number = Self.number(parsing: text) { return number }
            throw error("cannot coerce string '\(text)' to a number")
        default:
            throw error("cannot coerce \(value.typeName) \(value.jsonText) to a number")
        }
    }

    /// Parses an integer or a finite decimal ("1", "-2.5", "1e3"); nil for anything else ("abc", "inf", "0x1").
    static func number(parsing text: String) -> ExpressionValue? {
        if let int = Int64(text) { return .int(int) }
        guard text.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }),
            let double = Double(text), double.isFinite
        else { return nil }
        return .double(double)
    }

    /// EL coercion to a boolean: null and "" are false, strings are true only when "true" (any case).
    func juelBool(_ value: ExpressionValue) throws(ExpressionError) -> Bool {
        switch value {
        case .null: return false
        case .bool(let bool): return bool
        case .string(let text): return text.lowercased() == "true"
        default: throw error("cannot coerce \(value.typeName) \(value.jsonText) to a boolean")
        }
    }

    /// EL coercion to a string: null is "", lists and objects are JSON.
    func juelString(_ value: ExpressionValue) -> String {
        value.isNull ? "" : value.description
    }
}
