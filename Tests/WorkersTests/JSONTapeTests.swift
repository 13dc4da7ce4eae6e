// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Testing
@testable import Workers

/// The token tape under `RecordDecoder`: strict JSON, numbers as `Double(String)` and `Int64(String)` read them,
/// escapes decoded.
struct JSONTapeTests {
    private static func tape(_ text: String) throws -> JSONTape { try JSONTape(Array(text.utf8)) }

    @Test func numbersReadAsTheStandardLibraryReadsTheirText() throws {
        var generator = SystemRandomNumberGenerator()
        var texts = ["0", "-0", "-0.0", "0.1", "0.05", "2.50", "817882310.9626862", "1796189510962686", "9007199254740993",
                     "9223372036854775807", "-9223372036854775808", "9223372036854775808", "1e2", "1E-300", "2.5e+3",
                     "123456789012345678901234567890", "0.000000000000000000000001", "4.9e-324"]
        for _ in 0..<5_000 {
            let magnitude = Double.random(in: -30...30, using: &generator)
            texts.append("\(Double.random(in: 0.5...1, using: &generator) * pow(10, magnitude))")
            let digits = Int.random(in: 1...17, using: &generator)
            let mantissa = String((0..<digits).map { _ in "0123456789".randomElement(using: &generator)! })
            let point = Int.random(in: 0...digits, using: &generator)
            let whole = String(mantissa.prefix(point).drop { $0 == "0" })
            texts.append(whole.ifEmpty("0") + "." + String(mantissa.dropFirst(point)).ifEmpty("0"))
        }
        for text in texts {
            let tape = try Self.tape("[\(text)]")
            let fractional = text.contains(where: { ".eE".contains($0) })
            if !fractional, let expected = Int64(text) {
                #expect(tape.integer(1) == expected, "\(text)")
            } else {
                #expect(tape.integer(1) == nil, "\(text)")
            }
            #expect(tape.double(1) == Double(text), "\(text)")
            #expect(tape.double(1)?.sign == Double(text)?.sign, "\(text)")
        }
    }

    @Test(arguments: ["01", "1.", "-", ".5", "1e", "+1", "[1,]", "[1 2]", #"{"a" 1}"#, #"{"a":1,}"#, #"{1:2}"#,
                      #""\x""#, "\"\u{01}\"", #""\u12G4""#, #""abc"#, "tru", "nul", "[1] x", "", "   ", "[", "{"])
    /// RFC 8259 to the letter (`JSONDecoder` takes a trailing comma, the engine's reader `01` or `+1`).
    func malformedDocumentsAreRefused(_ text: String) {
        #expect(throws: JSONTape.Failure.self, "\(text)") { try Self.tape(text) }
    }

    @Test func nestingIsBounded() throws {
        _ = try Self.tape(String(repeating: "[", count: 511) + String(repeating: "]", count: 511))
        #expect(throws: JSONTape.Failure.self) {
            try Self.tape(String(repeating: "[", count: 513) + String(repeating: "]", count: 513))
        }
    }

    struct Named: Decodable, Equatable {
        let ab: String
        let list: [Int?]
        let nested: [String: Bool]
    }

    @Test func escapedKeysAndValuesAreDecoded() throws {
        let text = #"{"a\u0062" : "x\ny \"q\" \u20ac \ud83d\ude00", "list": [1, null, 3], "nested": {"t\/": true, "f": false}}"#
        let decoded = try RecordDecoder.decode(Named.self, from: Array(text.utf8))
        #expect(decoded == Named(ab: "x\ny \"q\" € 😀", list: [1, nil, 3], nested: ["t/": true, "f": false]))
        #expect(decoded == (try JSONDecoder().decode(Named.self, from: Data(text.utf8))))
    }

    @Test func skippedMembersOfEveryKindDoNotDisturbTheOthers() throws {
        struct Last: Decodable, Equatable { let last: Int }
        let text = #"{"o": {"a": [1, {"b": "}"}], "c": {}}, "s": "]", "n": null, "t": true, "d": -1.5e3, "e": [], "last": 7}"#
        #expect(try RecordDecoder.decode(Last.self, from: Array(text.utf8)) == Last(last: 7))
        #expect(throws: DecodingError.self) { try RecordDecoder.decode(Last.self, from: Array(#"{"o": {"last": 1}}"#.utf8)) }
    }
}

extension String {
    fileprivate func ifEmpty(_ other: String) -> String { isEmpty ? other : self }
}
