// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Workflow

/// A variable that a handler asked for is missing or cannot be read as the type it asked for.
public struct VariableCodingError: Error, Sendable, CustomStringConvertible {
    public let description: String
}

/// Typed variables in and out of handlers: Camunda variables to and from `Codable` values, through their JSON form
/// (a `Date` travels as Camunda's date text, a Json variable as its document).
enum VariableCoding {
    static func decode<T: Decodable>(_ type: T.Type, from variable: VariableValue, name: String) throws -> T {
        do {
            return try decoder.decode(T.self, from: encoder.encode(variable.expressionValue))
        } catch {
            let found = variable == .null ? "no value" : "a \(variable.typeName)"
            throw VariableCodingError(description: "variable '\(name)': expected \(T.self), found \(found)")
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, fromVariables variables: [String: VariableValue]) throws -> T {
        let tree = ExpressionValue.object(variables.mapValues(\.expressionValue))
        do {
            return try decoder.decode(T.self, from: encoder.encode(tree))
        } catch let DecodingError.keyNotFound(key, _) {
            throw VariableCodingError(description: "variable '\(key.stringValue)' is missing")
        } catch let DecodingError.typeMismatch(expected, context) {
            throw VariableCodingError(description: "variable '\(path(context))': expected \(expected)")
        } catch let DecodingError.valueNotFound(expected, context) {
            throw VariableCodingError(description: "variable '\(path(context))': expected \(expected), found null")
        } catch {
            throw VariableCodingError(description: "variables do not decode as \(T.self): \(error)")
        }
    }

    /// The properties of `value` as variables: text, numbers (Integer while they fit, else Long), booleans and
    /// nulls as such; arrays and nested objects as Json.
    static func encode<T: Encodable>(_ value: T) throws -> [String: VariableValue] {
        let tree = try decoder.decode(ExpressionValue.self, from: encoder.encode(value))
        guard case .object(let members) = tree else {
            throw VariableCodingError(description: "\(T.self) must encode as an object of variables, not \(tree.jsonText)")
        }
        return members.mapValues { VariableValue($0) }
    }

    private static func path(_ context: DecodingError.Context) -> String {
        context.codingPath.map(\.stringValue).joined(separator: ".")
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(CamundaDate.format(date))
        }
        return encoder
    }()

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = CamundaDate.parse(text) ?? ISO8601DateFormatter().date(from: text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a date: \(text)"))
            }
            return date
        }
        return decoder
    }()
}
