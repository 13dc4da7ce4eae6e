// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing

@testable import BPMN

private let variables: [String: ExpressionValue] = [
    "amount": 1500, "approved": true, "rejected": false, "x": "a", "n": 3, "d": 2.5, "s": "5", "txt": "abc",
    "customer": ["tier": "gold", "age": 42, "address": ["city": "Berlin"]], "items": [1, 2, 3], "none": [],
    "emptyObject": [:], "blank": "", "nothing": .null, "nrOfCompletedInstances": 2, "loopCounter": 0, "id": 42,
    "big": .int(.max), "small": .int(.min), "flag": "true", "status": "open",
    "order": ["total": 150, "lines": [["sku": "A", "qty": 2], ["sku": "B", "qty": 5]]],
]

private func evaluate(_ source: String) throws(ExpressionError) -> ExpressionValue {
    try Expression(source).evaluate(variables)
}

/// Expects evaluation (or parsing) to fail with a message containing `fragment`.
private func expectFailure(_ source: String, _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let error = #expect(throws: ExpressionError.self, sourceLocation: sourceLocation) { try evaluate(source) }
    let message = error?.message ?? "no error"
    #expect(error?.message.contains(fragment) == true, "\(message)", sourceLocation: sourceLocation)
}

struct ExpressionTests {
    @Test(arguments: [
        ("${amount > 1000 && approved}", true), ("${not approved}", false), ("${customer.tier == 'gold'}", true),
        ("${empty items}", false), ("${x == \"a\"}", true), ("=amount > 1000", true),
        ("=order.total >= 100 and status = \"open\"", true), ("${nrOfCompletedInstances >= 2}", true),
    ] as [(String, ExpressionValue)])
    func realModelConditions(source: String, expected: ExpressionValue) throws {
        #expect(try evaluate(source) == expected)
    }

    @Test func valuesAreReturnedAsIs() throws {
        #expect(try evaluate("${items}") == [1, 2, 3])
        #expect(try evaluate("${loopCounter}") == 0)
        #expect(try evaluate("#{customer.address}") == ["city": "Berlin"])
        #expect(try evaluate("=items") == [1, 2, 3])
    }

    @Test func literalsAndComposites() throws {
        let timer = try Expression("PT5M")
        #expect(timer.isLiteral && timer.dialect == .literal)
        #expect(try timer.evaluate { _ in nil } == "PT5M")
        #expect(try evaluate("") == "")
        #expect(try evaluate("Order ${id} ok") == "Order 42 ok")
        #expect(try evaluate("${id}-${x}") == "42-a")
        #expect(try evaluate("a ${nothing} b ${d} ${approved} ${items}") == "a  b 2.5 true [1,2,3]")
        #expect(try evaluate("cost \\${x}") == "cost ${x}")
        #expect(try evaluate("${'a}b'} isn't") == "a}b isn't")
        #expect(try Expression("a${b}").dialect == .juel)
        #expect(try !Expression("${a}").isLiteral)
    }

    @Test(arguments: [
        ("${1}", 1), ("${1.5}", 1.5), ("${1e3}", 1000.0), ("${'it\\'s'}", "it's"), ("${\"q\\\"q\"}", "q\"q"),
        ("${true}", true), ("${null}", .null), ("${-5}", -5), ("${- -5}", 5),
        ("${1 + 2}", 3), ("${n - 5}", -2), ("${n * 4}", 12), ("${7 / 2}", 3.5), ("${6 / 3}", 2.0),
        ("${7 div 2}", 3.5), ("${7 % 3}", 1), ("${7 mod 3}", 1), ("${7.5 % 2}", 1.5), ("${d * 2}", 5.0),
        ("${1 + 2 * 3}", 7), ("${(1 + 2) * 3}", 9), ("${10 - 2 - 3}", 5), ("${small % -1}", 0),
    ] as [(String, ExpressionValue)])
    func juelLiteralsAndArithmetic(source: String, expected: ExpressionValue) throws {
        #expect(try evaluate(source) == expected)
    }

    @Test(arguments: [
        ("${s + 1}", 6), ("${'1.5' + 1}", 2.5), ("${nothing + 1}", 1), ("${null + null}", 0), ("${-s}", -5),
        ("${s == 5}", true), ("${s > 3}", true), ("${'10' > 9}", true), ("${id == '42'}", true),
        ("${flag == true}", true), ("${flag && true}", true), ("${nothing && true}", false), ("${!nothing}", true),
    ] as [(String, ExpressionValue)])
    func juelCoercions(source: String, expected: ExpressionValue) throws {
        #expect(try evaluate(source) == expected)
    }

    @Test(arguments: [
        ("${1 == 1.0}", true), ("${1 < 1.5}", true), ("${2 > 1}", true), ("${2 <= 2}", true), ("${2 >= 3}", false),
        ("${1 != 2}", true), ("${1 eq 1}", true), ("${1 ne 1}", false), ("${1 lt 2}", true), ("${1 gt 2}", false),
        ("${1 le 1}", true), ("${1 ge 2}", false), ("${'b' > 'a'}", true), ("${x != 'b'}", true),
        ("${nothing == null}", true), ("${nothing == 1}", false), ("${nothing > 1}", false),
        ("${items == items}", true), ("${true > false}", true),
        ("${approved && rejected}", false), ("${approved || rejected}", true), ("${approved and not rejected}", true),
        ("${!approved or rejected}", false), ("${rejected && unknown}", false), ("${approved || unknown}", true),
        ("${approved ? 'yes' : 'no'}", "yes"), ("${rejected ? 1 : n > 2 ? 2 : 3}", 2),
    ] as [(String, ExpressionValue)])
    func juelComparisonAndLogic(source: String, expected: ExpressionValue) throws {
        #expect(try evaluate(source) == expected)
    }

    @Test(arguments: [
        ("${empty nothing}", true), ("${empty blank}", true), ("${empty none}", true), ("${empty emptyObject}", true),
        ("${empty customer}", false), ("${empty x}", false), ("${!empty items}", true),
        ("${not empty items && approved}", true),
    ] as [(String, ExpressionValue)])
    func juelEmpty(source: String, expected: ExpressionValue) throws {
        #expect(try evaluate(source) == expected)
    }

    @Test(arguments: [
        ("${customer.address.city}", "Berlin"), ("${customer['tier']}", "gold"), ("${customer[\"age\"] + 1}", 43),
        ("${items[0]}", 1), ("${items[2]}", 3), ("${items[5]}", .null), ("${items['1']}", 2),
        ("${order.lines[1].sku}", "B"), ("${customer.missing}", .null), ("${nothing.foo}", .null),
        ("${execution.getVariable('amount')}", 1500), ("${execution.getVariable(\"x\") == 'a'}", true),
    ] as [(String, ExpressionValue)])
    func juelPropertyAccess(source: String, expected: ExpressionValue) throws {
        #expect(try evaluate(source) == expected)
    }

    @Test func juelRuntimeErrors() {
        expectFailure(
            "${unknown}", "Unknown property used in expression: ${unknown}. Cannot resolve identifier 'unknown'")
        expectFailure("${approved && other}", "Cannot resolve identifier 'other'")
        expectFailure("${'abc' > 3}", "cannot coerce string 'abc' to a number")
        expectFailure("${txt + 1}", "cannot coerce string 'abc' to a number")
        expectFailure("${'a' + 'b'}", "cannot coerce string 'a' to a number")
        expectFailure("${approved + 1}", "cannot coerce boolean true to a number")
        expectFailure("${n && true}", "cannot coerce number 3 to a boolean")
        expectFailure("${n / 0}", "division by zero")
        expectFailure("${n % 0}", "division by zero")
        expectFailure("${d / 0}", "division by zero")
        expectFailure("${big + 1}", "integer overflow")
        expectFailure("${small - 1}", "integer overflow")
        expectFailure("${big * 2}", "integer overflow")
        expectFailure("${-small}", "integer overflow")
        expectFailure("${x.length}", "cannot access property 'length' of a string value")
        expectFailure("${items['a']}", "cannot use string \"a\" as a list index")
    }

    @Test(arguments: [
        ("=1", 1), ("=\"text\"", "text"), ("=null", .null), ("=unknown", .null), ("=unknown > 5", .null),
        ("=unknown = null", true), ("=amount = null", false), ("=amount != 1500", false), ("=1 + 2 * 3", 7),
        ("=7 / 2", 3.5), ("=6 / 3", 2), ("=7 % 3", 1), ("=-n", -3), ("=\"a\" + \"b\"", "ab"), ("=x + \"bc\"", "abc"),
        ("=null + 1", .null), ("=d + 1", 3.5), ("=s = 5", false), ("=1 = 1.0", true), ("=\"b\" > \"a\"", true),
        ("=1 < 2 and 2 <= 2 and 3 > 2 and 3 >= 3", true), ("=amount > 1000 or unknown", true),
        ("=false and unknown", false), ("=true and unknown", .null), ("=false or false", false),
        ("=not(approved)", false), ("=if amount > 1000 then \"big\" else \"small\"", "big"),
        ("=if unknown then 1 else 2", 2), ("=n in [1, 2, 3]", true), ("=n in [4]", false),
    ] as [(String, ExpressionValue)])
    func feelOperators(source: String, expected: ExpressionValue) throws {
        #expect(try evaluate(source) == expected)
    }

    @Test(arguments: [
        ("=[1, 2, 3]", [1, 2, 3]), ("=[]", []), ("={a: 1, \"b c\": [x]}", ["a": 1, "b c": ["a"]]),
        ("=items[1]", 1), ("=items[-1]", 3), ("=items[0]", .null), ("=items[4]", .null),
        ("=items[item > 1]", [2, 3]), ("=order.lines[qty > 2].sku", ["B"]), ("=customer.address.city", "Berlin"),
        ("=customer.missing.deeper", .null), ("=count(items)", 3), ("=count(unknown)", .null), ("=sum(items)", 6),
        ("=sum(1, 2.5)", 3.5), ("=min(items)", 1), ("=max(3, 9, 4)", 9), ("=string(n)", "3"),
        ("=number(\"12\")", 12), ("=number(\"abc\")", .null), ("=is defined(amount)", true),
        ("=is defined(unknown)", false), ("=abs(-4)", 4), ("=floor(2.5)", 2), ("=ceiling(2.1)", 3),
        ("=contains(txt, \"b\")", true),
    ] as [(String, ExpressionValue)])
    func feelListsContextsAndFunctions(source: String, expected: ExpressionValue) throws {
        #expect(try evaluate(source) == expected)
    }

    @Test func feelRuntimeErrors() {
        expectFailure("=\"a\" + 1", "cannot apply '+' to string and number")
        expectFailure("=\"abc\" > 3", "cannot compare string \"abc\" with number 3")
        expectFailure("=n / 0", "division by zero")
        expectFailure("=big + 1", "integer overflow")
        expectFailure("=n.foo", "cannot access property 'foo' of a number value")
    }

    @Test(arguments: [
        ("${a >}", 5, "expected an operand"), ("${a b}", 4, "expected '}'"), ("${a", 3, "expected '}'"),
        ("${}", 2, "expected an operand"), ("${a = 1}", 4, "expected '=='"), ("${'abc}", 2, "unterminated string"),
        ("${(a + 1}", 8, "expected ')'"), ("${a ? b}", 7, "expected ':'"), ("${a[1}", 5, "expected ']'"),
        ("${a.}", 4, "expected a property name"), ("${empty empty}", 13, "expected an operand"),
        ("${foo(1)}", 5, "function call 'foo(...)' is not supported"),
        ("${execution.setVariable('a', 1)}", 23, "method call 'setVariable(...)' is not supported"),
        ("${a @ b}", 4, "unexpected character '@'"), ("${99999999999999999999}", 2, "too large"),
        ("ok ${a} ${b", 11, "expected '}'"), ("=a >", 4, "expected an operand"), ("=a == 1", 3, "expected '='"),
        ("=a b", 3, "expected end of expression"), ("=foo(1)", 1, "unknown function 'foo'"),
        ("=count(1, 2)", 1, "expects 1 argument"), ("=if a then b", 12, "expected 'else'"),
    ])
    func syntaxErrorsReportColumn(source: String, column: Int, fragment: String) {
        let error = #expect(throws: ExpressionError.self) { try Expression(source) }
        #expect(error?.column == column)
        #expect(error?.message.contains(fragment) == true, "\(error?.message ?? "no error")")
    }

    @Test func deeplyNestedInputIsRejectedNotCrashing() throws {
        let parentheses = "${" + String(repeating: "(", count: 500) + "1" + String(repeating: ")", count: 500) + "}"
        #expect(throws: ExpressionError.self) { try Expression(parentheses) }
        let chain = "${1" + String(repeating: " + 1", count: 500) + "}"
        let error = #expect(throws: ExpressionError.self) { try Expression(chain) }
        #expect(error?.message.contains("nested more than 100 levels") == true)
        #expect(try evaluate("${1" + String(repeating: " + 1", count: 99) + "}") == 100)
    }

    @Test func syntaxErrorMessage() {
        let error = #expect(throws: ExpressionError.self) { try Expression("${a >}") }
        #expect(error?.message == "Expression '${a >}' at column 5: expected an operand")
        #expect(error?.source == "${a >}")
        #expect(error?.description == error?.message)
    }

    @Test func conditionsMustBeBoolean() throws {
        #expect(try Expression("${amount > 1000}").evaluateCondition { variables[$0] })
        let error = #expect(throws: ExpressionError.self) {
            try Expression("=unknown > 1").evaluateCondition { variables[$0] }
        }
        #expect(error?.message.contains("must evaluate to a boolean, got null") == true)
    }

    @Test func referencedVariables() throws {
        let juel = try Expression("${customer.tier == x && execution.getVariable('y')}")
        #expect(juel.referencedVariables == ["customer", "x", "y"])
        #expect(try Expression("=if a > 1 then b else c.d").referencedVariables == ["a", "b", "c"])
        #expect(try Expression("Order ${id}").referencedVariables == ["id"])
        #expect(try Expression("PT5M").referencedVariables.isEmpty)
    }

    @Test func codableStoresTheSource() throws {
        let expression = try Expression("${a > 1}")
        let data = try JSONEncoder().encode([expression])
        #expect(String(decoding: data, as: UTF8.self) == #"["${a > 1}"]"#)
        let decoded = try JSONDecoder().decode([BPMN.Expression].self, from: data)
        #expect(decoded == [expression])
        let invalid = Data(#"["${a >}"]"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([BPMN.Expression].self, from: invalid) }
    }

    @Test func jsonValues() throws {
        let text = #"{"a":[true,1,1.5,"s",null,10000000000],"b":{"c":false}}"#
        let value = ExpressionValue(json: try JSONSerialization.jsonObject(with: Data(text.utf8)))
        #expect(value == ["a": [true, 1, 1.5, "s", .null, 10_000_000_000], "b": ["c": false]])
        let back = try JSONSerialization.data(withJSONObject: value.jsonObject, options: [.sortedKeys])
        #expect(String(decoding: back, as: UTF8.self) == text)
        #expect(try JSONDecoder().decode(ExpressionValue.self, from: JSONEncoder().encode(value)) == value)
        #expect(ExpressionValue(json: NSNumber(value: false)) == false)
        #expect(ExpressionValue(json: NSNumber(value: 0)) == 0)
        #expect(value.jsonText == #"{"a":[true,1,1.5,"s",null,10000000000],"b":{"c":false}}"#)
    }
}
