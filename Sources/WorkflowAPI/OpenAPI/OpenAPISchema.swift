// SPDX-License-Identifier: Apache-2.0
import BPMN

/// Building blocks of the OpenAPI 3.0 document: JSON Schema fragments as `ExpressionValue` literals.
enum Schema {
    static let string: ExpressionValue = ["type": "string"]
    static let boolean: ExpressionValue = ["type": "boolean"]
    static let int32: ExpressionValue = ["type": "integer", "format": "int32"]
    static let int64: ExpressionValue = ["type": "integer", "format": "int64"]
    static let number: ExpressionValue = ["type": "number"]
    /// Any JSON value, null included.
    static let any: ExpressionValue = [:]
    /// Camunda's date format: `2015-10-06T16:34:42.000+0200` (milliseconds, offset without colon, never `Z`).
    static let date: ExpressionValue = ["type": "string", "pattern": #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{4}$"#]

    static func ref(_ name: String) -> ExpressionValue { ["$ref": .string("#/components/schemas/\(name)")] }

    static func array(_ items: ExpressionValue) -> ExpressionValue { ["type": "array", "items": items] }

    /// An object; with `strict`, every listed property is required (Camunda writes every key, `null` when empty).
    static func object(
        _ properties: [String: ExpressionValue], strict: Bool = true, additional: ExpressionValue? = nil
    ) -> ExpressionValue {
        var schema: [String: ExpressionValue] = ["type": "object", "properties": .object(properties)]
        if strict, !properties.isEmpty { schema["required"] = .array(properties.keys.sorted().map { .string($0) }) }
        if let additional { schema["additionalProperties"] = additional }
        return .object(schema)
    }

    /// `{name: value}` maps.
    static func map(_ values: ExpressionValue) -> ExpressionValue { ["type": "object", "additionalProperties": values] }

    /// The same schema, also allowing `null`.
    static func nullable(_ schema: ExpressionValue) -> ExpressionValue {
        if case .object(var fields) = schema, fields["$ref"] == nil {
            fields["nullable"] = true
            return .object(fields)
        }
        return ["nullable": true, "allOf": [schema]]
    }

    static func enumeration(_ values: [String]) -> ExpressionValue {
        ["type": "string", "enum": .array(values.map { .string($0) })]
    }
}
