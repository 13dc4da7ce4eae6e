// SPDX-License-Identifier: Apache-2.0

import Foundation

/// Resolves a variable name; nil means the variable does not exist.
typealias VariableLookup = (String) -> ExpressionValue?

/// Walks a parsed ``ExpressionNode`` tree with the semantics of one dialect.
///
/// JUEL follows the EL coercion rules (null is 0 in arithmetic and false in logic, numeric strings are
/// coerced when compared with numbers, unknown identifiers are errors). FEEL propagates null
/// (unknown variables are null, ordering with null is null, `and`/`or` are three-valued).
struct ExpressionEvaluator {
    let source: String
    let dialect: ExpressionDialect

    /// A runtime error naming the expression.
    func error(_ detail: String) -> ExpressionError { .evaluation(source, detail) }

    func evaluate(_ node: ExpressionNode, _ lookup: VariableLookup) throws(ExpressionError) -> ExpressionValue {
        switch node {
        case .literal(let value):
            return value
        case .variable(let name):
            if let value = lookup(name) { return value }
            guard dialect == .feel else { throw .unknownVariable(source, name) }
            return .null
        case .member(let base, let name):
            return try member(evaluate(base, lookup), name)
        case .index(let base, let index):
            let container = try evaluate(base, lookup)
            if dialect == .feel { return try feelIndex(container, index, lookup) }
            return try juelIndex(container, evaluate(index, lookup))
        case .unary(.negate, let operand):
            return try negate(evaluate(operand, lookup))
        case .unary(.not, let operand):
            return .bool(!(try juelBool(evaluate(operand, lookup))))
        case .unary(.empty, let operand):
            return .bool(isEmpty(try evaluate(operand, lookup)))
        case .binary(let op, let left, let right) where op == .and || op == .or:
            return try logical(op == .and, left, right, lookup)
        case .binary(let op, let left, let right):
            let lhs = try evaluate(left, lookup)
            return try apply(op, lhs, evaluate(right, lookup))
        case .conditional(let condition, let then, let otherwise):
            let value = try evaluate(condition, lookup)
            let chosen = dialect == .feel ? value == .bool(true) : try juelBool(value)
            return try evaluate(chosen ? then : otherwise, lookup)
        case .list(let elements):
            var values: [ExpressionValue] = []
            for element in elements { values.append(try evaluate(element, lookup)) }
            return .array(values)
        case .context(let entries):
            var members: [String: ExpressionValue] = [:]
            for entry in entries { members[entry.key] = try evaluate(entry.value, lookup) }
            return .object(members)
        case .call(let name, let arguments):
            return try call(name, arguments, lookup)
        }
    }

    /// `a.b`: null stays null, a missing member is null; FEEL maps a path over a list.
    private func member(_ base: ExpressionValue, _ name: String) throws(ExpressionError) -> ExpressionValue {
        switch base {
        case .null:
            return .null
        case .object(let members):
            return members[name] ?? .null
        case .array(let elements) where dialect == .feel:
            var values: [ExpressionValue] = []
            for element in elements { values.append(try member(element, name)) }
            return .array(values)
        default:
            throw error("cannot access property '\(name)' of a \(base.typeName) value (\(base.jsonText))")
        }
    }

    /// JUEL `a[key]`: zero-based list index or object member; out of range is null.
    private func juelIndex(_ container: ExpressionValue, _ key: ExpressionValue) throws(ExpressionError)
        -> ExpressionValue
    {
        switch container {
        case .null:
            return .null
        case .object(let members):
            return members[juelString(key)] ?? .null
        case .array(let elements):
            let number = try? juelNumber(key)
            guard !key.isNull, let index = number?.intValue.flatMap({ Int(exactly: $0) }) else {
                throw error("cannot use \(key.typeName) \(key.jsonText) as a list index")
            }
            return elements.indices.contains(index) ? elements[index] : .null
        default:
            throw error("cannot index into a \(container.typeName) value (\(container.jsonText))")
        }
    }

    /// FEEL `a[i]` (one-based, negative counts from the end) or `a[condition]` (filter with `item`).
    private func feelIndex(_ container: ExpressionValue, _ index: ExpressionNode, _ lookup: VariableLookup)
        throws(ExpressionError) -> ExpressionValue
    {
        if container.isNull { return .null }
        guard case .array(let elements) = container else {
            throw error("cannot index into a \(container.typeName) value (\(container.jsonText))")
        }
        if let probe = try? evaluate(index, lookup), probe.isNumber {
            guard let position = probe.intValue else { return .null }
            let count = Int64(elements.count)
            let offset = position > 0 ? position - 1 : count + position
            guard position != 0, offset >= 0, offset < count else { return .null }
            return elements[Int(offset)]
        }
        var kept: [ExpressionValue] = []
        for element in elements {
            func scoped(_ name: String) -> ExpressionValue? {
                if name == "item" { return element }
                if case .object(let members) = element, let value = members[name] { return value }
                return lookup(name)
            }
            if try evaluate(index, scoped) == .bool(true) { kept.append(element) }
        }
        return .array(kept)
    }

    /// `&&`/`||`: JUEL coerces both sides to boolean; FEEL uses three-valued logic.
    private func logical(_ isAnd: Bool, _ left: ExpressionNode, _ right: ExpressionNode, _ lookup: VariableLookup)
        throws(ExpressionError) -> ExpressionValue
    {
        if dialect == .juel {
            let lhs = try juelBool(evaluate(left, lookup))
            if lhs != isAnd { return .bool(lhs) }
            return .bool(try juelBool(evaluate(right, lookup)))
        }
        let lhs = try evaluate(left, lookup).boolValue
        if lhs == !isAnd { return .bool(!isAnd) }
        let rhs = try evaluate(right, lookup).boolValue
        if rhs == !isAnd { return .bool(!isAnd) }
        return lhs == isAnd && rhs == isAnd ? .bool(isAnd) : .null
    }

    /// JUEL `empty`: true for null, "", [] and {}.
    private func isEmpty(_ value: ExpressionValue) -> Bool {
        switch value {
        case .null: true
        case .string(let text): text.isEmpty
        case .array(let elements): elements.isEmpty
        case .object(let members): members.isEmpty
        default: false
        }
    }
}
