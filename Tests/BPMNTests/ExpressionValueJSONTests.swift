// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Testing

/// The engine's own JSON reader and writer (`ExpressionValue.parseJSON`, `jsonText`): strict RFC 8259, checked
/// against Foundation's `JSONSerialization` and against inputs that must fail.
struct ExpressionValueJSONTests {
    @Test func readsStringsWithAndWithoutEscapes() throws {
        #expect(try ExpressionValue.parseJSON(#""plain""#) == "plain")
        #expect(try ExpressionValue.parseJSON(#""""#) == "")
        #expect(try ExpressionValue.parseJSON(#""tab\there \"q\" \\ \/ end""#) == "tab\there \"q\" \\ / end")
        #expect(try ExpressionValue.parseJSON(#""\u00e9t\u00E9 \ud83d\ude00""#) == "été 😀")
        #expect(try ExpressionValue.parseJSON("\"grüße 日本\"") == "grüße 日本")
        #expect(try ExpressionValue.parseJSON(#" { "k\nl" : [ "a" , "b\r" ] } "#) == ["k\nl": ["a", "b\r"]])
    }

    @Test func readsLiteralsNumbersAndWhitespace() throws {
        #expect(try ExpressionValue.parseJSON(" \t\r\n[true,false,null]\n") == [true, false, .null])
        #expect(try ExpressionValue.parseJSON("[0,-12,9223372036854775807,1.5,-2e3,1E+2]")
            == [0, -12, .int(Int64.max), 1.5, -2000.0, 100.0])
        #expect(try ExpressionValue.parseJSON("9223372036854775808") == .double(9_223_372_036_854_775_808))
        #expect(try ExpressionValue.parseJSON("[-9223372036854775808,-0,007]") == [.int(Int64.min), 0, 7])
        #expect(try ExpressionValue.parseJSON("-9223372036854775809") == .double(-9_223_372_036_854_775_809))
    }

    @Test func aRepeatedMemberNameKeepsItsLastValue() throws {
        #expect(try ExpressionValue.parseJSON(#"{"a":1,"b":2,"a":3}"#) == ["a": 3, "b": 2])
        #expect(try ExpressionValue.parseJSON(#"{}"#) == [:])
    }

    @Test(arguments: [
        "", "\"open", "\"bad \\x escape\"", "\"ctrl \u{01}\"", "tru", "nul", "[1,]", "{\"a\" 1}", "{\"a\":1,}", "[1 2]",
        "-", "1.2.3", "{} {}", "\"\\u12\"", "[", "{",
    ])
    func rejectsMalformedDocuments(_ text: String) {
        #expect(throws: ExpressionValue.JSONError.self, "\(text.debugDescription)") { try ExpressionValue.parseJSON(text) }
    }

    @Test func writesCompactSortedEscapedJSON() throws {
        let value: ExpressionValue = ["b": ["x\"y", "a\\b", "line\nnext", "\u{07}", "é"], "a": [1, 2.5, true, .null], "": "empty"]
        #expect(value.jsonText == #"{"":"empty","a":[1,2.5,true,null],"b":["x\"y","a\\b","line\nnext","\u0007","é"]}"#)
        #expect(try ExpressionValue.parseJSON(value.jsonText) == value)
        #expect(ExpressionValue.double(.nan).jsonText == "null")
    }

    @Test func agreesWithJSONSerialization() throws {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ab \"\\\n\té😀/\u{01}")
        func text() -> String { String((0..<Int.random(in: 0...6, using: &generator)).map { _ in alphabet.randomElement()! }) }
        func value(_ depth: Int) -> ExpressionValue {
            switch Int.random(in: 0...(depth > 2 ? 3 : 5), using: &generator) {
            case 0: return .int(Int64.random(in: -1_000_000...1_000_000, using: &generator))
            case 1: return .string(text())
            case 2: return .bool(Bool.random(using: &generator))
            case 3: return .null
            case 4: return .array((0..<Int.random(in: 0...4, using: &generator)).map { _ in value(depth + 1) })
            default:
                return .object(Dictionary((0..<Int.random(in: 0...4, using: &generator)).map { _ in (text(), value(depth + 1)) },
                                          uniquingKeysWith: { first, _ in first }))
            }
        }
        for _ in 0..<300 {
            let original = value(0)
            let written = original.jsonText
            let foundation = try JSONSerialization.jsonObject(with: Data(written.utf8), options: [.fragmentsAllowed])
            #expect(ExpressionValue(json: foundation) == original, "\(written)")
            let again = try JSONSerialization.data(withJSONObject: foundation, options: [.fragmentsAllowed, .sortedKeys])
            #expect(try ExpressionValue.parseJSON(Array(again)) == original, "\(written)")
        }
    }
}
