// SPDX-License-Identifier: Apache-2.0

import Foundation

/// A value produced or consumed by an ``Expression``: the JSON data model with integers kept apart from
/// floating-point numbers. Values are never implicitly truthy: a condition must evaluate to ``bool(_:)``.
public enum ExpressionValue: Sendable, Hashable, Codable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([ExpressionValue])
    case object([String: ExpressionValue])

    /// Converts the output of `JSONSerialization` (or plain Swift values of the same shapes) into a value.
    /// Anything that is not representable becomes ``null``.
    public init(json: Any) {
        switch json {
        case is NSNull:
            self = .null
        case let number as NSNumber where !(json is String):
            self = ExpressionValue(number: number)
        case let string as String:
            self = .string(string)
        case let array as [Any]:
            self = .array(array.map(ExpressionValue.init(json:)))
        case let dictionary as [String: Any]:
            self = .object(dictionary.mapValues(ExpressionValue.init(json:)))
        default:
            self = .null
        }
    }

    /// Booleans arrive as `NSNumber` of type `c`; unsigned values beyond `Int64` become doubles.
    private init(number: NSNumber) {
        let type = String(cString: number.objCType)
        switch type {
        case "c", "B": self = .bool(number.boolValue)
        case "d", "f": self = .double(number.doubleValue)
        case _ where (type == "Q" || type == "L") && number.uint64Value > UInt64(Int64.max):
            self = .double(number.doubleValue)
        default: self = .int(number.int64Value)
        }
    }

    /// The value as `JSONSerialization`-compatible Foundation objects (`NSNull` for ``null``).
    public var jsonObject: Any {
        switch self {
        case .null: NSNull()
        case .bool(let value): value
        case .int(let value): Int(value)
        case .double(let value): value
        case .string(let value): value
        case .array(let values): values.map(\.jsonObject)
        case .object(let values): values.mapValues(\.jsonObject)
        }
    }

    /// True for ``null``.
    public var isNull: Bool { self == .null }

    /// The payload of ``bool(_:)``, otherwise nil.
    public var boolValue: Bool? {
        if case .bool(let value) = self { value } else { nil }
    }

    /// The payload of ``string(_:)``, otherwise nil.
    public var stringValue: String? {
        if case .string(let value) = self { value } else { nil }
    }

    /// The payload of ``int(_:)``, or a ``double(_:)`` that is integral and fits into `Int64`.
    public var intValue: Int64? {
        switch self {
        case .int(let value): value
        case .double(let value): Int64(exactly: value)
        default: nil
        }
    }

    /// Either kind of number as a `Double`, otherwise nil.
    public var doubleValue: Double? {
        switch self {
        case .int(let value): Double(value)
        case .double(let value): value
        default: nil
        }
    }

    /// The elements of ``array(_:)``, otherwise nil.
    public var arrayValue: [ExpressionValue]? {
        if case .array(let value) = self { value } else { nil }
    }

    /// The members of ``object(_:)``, otherwise nil.
    public var objectValue: [String: ExpressionValue]? {
        if case .object(let value) = self { value } else { nil }
    }

    /// True for ``int(_:)`` and ``double(_:)``.
    public var isNumber: Bool { doubleValue != nil }

    /// A short type name used in error messages ("string", "number", ...).
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .int, .double: "number"
        case .string: "string"
        case .array: "list"
        case .object: "object"
        }
    }

    /// Decodes plain JSON.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([ExpressionValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: ExpressionValue].self))
        }
    }

    /// Encodes plain JSON.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let values): try container.encode(values)
        case .object(let values): try container.encode(values)
        }
    }
}

extension ExpressionValue: CustomStringConvertible {
    /// The value as text: strings unquoted, otherwise ``jsonText`` (`null`, numbers, JSON lists and objects).
    public var description: String {
        if case .string(let value) = self { value } else { jsonText }
    }
}

extension ExpressionValue: ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: ExpressionValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, ExpressionValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
