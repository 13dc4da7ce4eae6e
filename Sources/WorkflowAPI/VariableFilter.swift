// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Workflow

/// One variable condition of a list query: `name_op_value` in a URL (`variables=amount_gt_10`,
/// `processVariables=...`), or `{"name","operator","value"}` in a JSON query body.
///
/// URL values are text and compare as text (ordering numerically when both sides are numbers). JSON values compare
/// by value: a number matches numeric variables of equal value (6 matches Integer 6 and Long 6), a string matches
/// String variables (and Date variables when it is a date), a boolean matches Boolean variables.
struct VariableFilter {
    enum Operator: String, CaseIterable {
        case eq, neq, gt, gteq, lt, lteq, like

        /// Camunda's name of the condition in error messages.
        var conditionName: String {
            switch self {
            case .eq: "equals"
            case .neq: "not equals"
            case .gt: "greater than"
            case .gteq: "greater than or equal"
            case .lt: "less than"
            case .lteq: "less than or equal"
            case .like: "like"
            }
        }
    }

    let name: String
    let op: Operator
    /// The value to compare with; always `.string` for the URL form.
    let value: ExpressionValue
    /// True for the JSON form, whose values compare by type and value.
    let typed: Bool

    /// Parses `name_op_value`. The value is the rest after the second `_`.
    /// - Throws: a 400 `InvalidRequestException` for anything else.
    init(parameter text: String) throws {
        let parts = text.split(separator: "_", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, !parts[0].isEmpty else {
            throw Self.invalid("variable query parameter has to have format KEY_OPERATOR_VALUE")
        }
        guard let op = Operator(rawValue: parts[1]) else {
            throw Self.invalid("Invalid variable comparator specified: \(parts[1])")
        }
        self.init(name: parts[0], op: op, value: .string(parts[2]), typed: false)
    }

    /// Parses `{"name": "i", "operator": "eq", "value": 6}`.
    /// - Throws: a 400 `InvalidRequestException` when a member is missing or of the wrong kind.
    init(json value: ExpressionValue) throws {
        guard case .object(let members) = value, case .string(let name)? = members["name"], !name.isEmpty,
              case .string(let operatorName)? = members["operator"]
        else {
            throw Self.invalid("A variable query needs a string 'name' and a string 'operator'")
        }
        guard let op = Operator(rawValue: operatorName) else {
            throw Self.invalid("Invalid variable comparator specified: \(operatorName)")
        }
        let value = members["value"] ?? .null
        switch value {
        case .array, .object:
            throw Self.invalid("The value of variable query '\(name)' must be a string, a number, a boolean or null")
        case .null, .bool:
            guard op == .eq || op == .neq else {
                throw Self.invalid("Booleans and null cannot be used in '\(op.conditionName)' condition")
            }
        default: break
        }
        self.init(name: name, op: op, value: value, typed: true)
    }

    private init(name: String, op: Operator, value: ExpressionValue, typed: Bool) {
        self.name = name
        self.op = op
        self.value = value
        self.typed = typed
    }

    private static func invalid(_ message: String) -> CamundaErrorResponse {
        CamundaErrorResponse(status: .badRequest, type: "InvalidRequestException", message: message)
    }

    /// True when the variables hold a variable of this name whose value meets the condition.
    func matches(_ variables: [String: VariableValue], namesIgnoreCase: Bool, valuesIgnoreCase: Bool) -> Bool {
        let candidates: [VariableValue] = if namesIgnoreCase {
            variables.filter { $0.key.lowercased() == name.lowercased() }.map(\.value)
        } else {
            variables[name].map { [$0] } ?? []
        }
        return candidates.contains { matches($0, valuesIgnoreCase: valuesIgnoreCase) }
    }

    private func matches(_ variable: VariableValue, valuesIgnoreCase: Bool) -> Bool {
        guard typed else {
            let text = variable.expressionValue.stringValue ?? variable.expressionValue.jsonText
            return compareText(text, value.stringValue ?? "", ignoreCase: valuesIgnoreCase)
        }
        switch (value, variable) {
        case (.null, _): return op == .eq ? variable == .null : variable != .null
        case (.bool(let expected), .boolean(let actual)): return op == .eq ? actual == expected : actual != expected
        case (.string(let expected), .string(let actual)):
            return compareText(actual, expected, ignoreCase: valuesIgnoreCase, numeric: false)
        case (.string(let expected), .date(let actual)):
            if op == .like { return CamundaDate.format(actual).matchesLike(expected) }
            guard let date = CamundaDate.parse(expected) else { return false }
            return compare(actual.timeIntervalSince1970, date.timeIntervalSince1970)
        case (.int, _), (.double, _):
            guard variable.isNumeric, let expected = value.doubleValue, let actual = variable.expressionValue.doubleValue
            else { return false }
            if op == .like { return Self.text(actual).matchesLike(Self.text(expected)) }
            return compare(actual, expected)
        default: return false
        }
    }

    /// Text comparison; ordering is numeric when both sides are numbers (URL form).
    private func compareText(_ actual: String, _ expected: String, ignoreCase: Bool, numeric: Bool = true) -> Bool {
        let (left, right) = ignoreCase ? (actual.lowercased(), expected.lowercased()) : (actual, expected)
        switch op {
        case .eq: return left == right
        case .neq: return left != right
        case .like: return left.matchesLike(right)
        default:
            if numeric, let a = Double(left), let b = Double(right) { return compare(a, b) }
            return compare(left, right)
        }
    }

    private func compare<T: Comparable>(_ actual: T, _ expected: T) -> Bool {
        switch op {
        case .eq: actual == expected
        case .neq: actual != expected
        case .gt: actual > expected
        case .gteq: actual >= expected
        case .lt: actual < expected
        case .lteq: actual <= expected
        case .like: false  // text patterns are matched before ordering is considered
        }
    }

    private static func text(_ number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
    }
}

extension VariableValue {
    /// True for Integer, Short, Long and Double values.
    fileprivate var isNumeric: Bool {
        switch self {
        case .integer, .short, .long, .double: true
        default: false
        }
    }
}
