// SPDX-License-Identifier: Apache-2.0

import Foundation

/// The FEEL built-in functions.
extension ExpressionEvaluator {
    /// Supported FEEL functions and how many arguments each accepts; checked by the parser.
    static let functionArity: [String: ClosedRange<Int>] = [
        "not": 1...1, "is defined": 1...1, "count": 1...1, "sum": 1...Int.max, "min": 1...Int.max,
        "max": 1...Int.max, "string": 1...1, "number": 1...1, "abs": 1...1, "floor": 1...1, "ceiling": 1...1,
        "contains": 2...2,
    ]

    func call(_ name: String, _ arguments: [ExpressionNode], _ lookup: VariableLookup) throws(ExpressionError)
        -> ExpressionValue
    {
        if name == "is defined" {
            if case .variable(let variable) = arguments.first { return .bool(lookup(variable) != nil) }
            return .bool(!(try evaluate(arguments.first ?? .literal(.null), lookup)).isNull)
        }
        var values: [ExpressionValue] = []
        for argument in arguments { values.append(try evaluate(argument, lookup)) }
        let first = values.first ?? .null
        switch name {
        case "not":
            return first.boolValue.map { .bool(!$0) } ?? .null
        case "count":
            if first.isNull { return .null }
            guard case .array(let elements) = first else {
                throw error("count() expects a list, got \(first.typeName)")
            }
            return .int(Int64(elements.count))
        case "sum":
            return try sum(listArgument(values))
        case "min", "max":
            return try extreme(listArgument(values), largest: name == "max")
        case "string":
            return .string(first.description)
        case "number":
            return number(first)
        case "abs", "floor", "ceiling":
            return try rounding(name, first)
        case "contains":
            guard case .string(let text) = first, case .string(let part) = values.last else { return .null }
            return .bool(text.contains(part))
        default:
            throw error("unknown function '\(name)'")
        }
    }

    /// `f([a, b])` and `f(a, b)` are equivalent for the list functions.
    private func listArgument(_ values: [ExpressionValue]) -> [ExpressionValue] {
        if values.count == 1, case .array(let elements) = values[0] { return elements }
        return values
    }

    private func sum(_ elements: [ExpressionValue]) throws(ExpressionError) -> ExpressionValue {
        guard var total = elements.first else { return .null }
        guard total.isNumber else { throw error("sum() expects numbers, got \(total.typeName)") }
        for element in elements.dropFirst() {
            guard element.isNumber else { throw error("sum() expects numbers, got \(element.typeName)") }
            total = try apply(.add, total, element)
        }
        return total
    }

    private func extreme(_ elements: [ExpressionValue], largest: Bool) throws(ExpressionError) -> ExpressionValue {
        guard var best = elements.first else { return .null }
        for element in elements.dropFirst() {
            let order = try ordering(element, best)
            if largest ? order > 0 : order < 0 { best = element }
        }
        return best
    }

    private func number(_ value: ExpressionValue) -> ExpressionValue {
        switch value {
        case .int, .double: return value
        case .string(let text): return Self.number(parsing: text) ?? .null
        default: return .null
        }
    }

    private func rounding(_ name: String, _ value: ExpressionValue) throws(ExpressionError) -> ExpressionValue {
        switch value {
        case .null:
            return .null
        case .int(let int):
            guard name == "abs", int < 0 else { return value }
            return try negate(value)
        case .double(let double):
            let result = name == "abs" ? abs(double) : double.rounded(name == "floor" ? .down : .up)
            return name != "abs" ? Int64(exactly: result).map(ExpressionValue.int) ?? .double(result) : .double(result)
        default:
            throw error("\(name)() expects a number, got \(value.typeName)")
        }
    }
}
