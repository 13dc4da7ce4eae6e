// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Workflow

/// Camunda's VariableValueDto `{"value","type","valueInfo"}` to and from `VariableValue`.
enum VariableCodec {
    /// The names of a `{name: VariableValueDto}` map whose `valueInfo.transient` is true: usable in the step they
    /// come with, never stored.
    static func transientNames(_ dtos: JSONObject?) -> Set<String> {
        Set((dtos?.members ?? [:]).compactMap { name, dto in
            guard case .object(let fields) = dto, case .object(let info)? = fields["valueInfo"],
                  info["transient"] == .bool(true) else { return nil }
            return name
        })
    }

    /// Reads a `{name: VariableValueDto}` map. Untyped values get their type from the JSON value.
    static func decode(_ dtos: JSONObject?) throws -> [String: VariableValue] {
        guard let dtos else { return [:] }
        var result: [String: VariableValue] = [:]
        for (name, dto) in dtos.members {
            guard case .object(let fields) = dto else {
                if dto == .null { result[name] = .null; continue }
                throw invalid("Variable '\(name)' must be an object {\"value\": ..., \"type\": ...}")
            }
            result[name] = try decode(name: name, JSONObject(fields))
        }
        return result
    }

    static func decode(name: String, _ dto: JSONObject) throws -> VariableValue {
        let value = dto.members["value"] ?? .null
        guard let typeText = try dto.string("type"), !typeText.isEmpty else { return infer(value) }
        let type = typeText.prefix(1).lowercased() + typeText.dropFirst()
        let fail = { invalid("Cannot convert value '\(value.jsonText)' of type '\(typeText)' for variable '\(name)'") }
        let known = ["string", "integer", "short", "long", "double", "number", "boolean", "date", "json", "xml", "bytes"]
        if value == .null, known.contains(type) {
            // Camunda keeps the type of a null: it comes back as {"value": null, "type": "String"}.
            return .typedNull(type == "number" ? "Double" : type.prefix(1).uppercased() + type.dropFirst())
        }
        if value == .null, type != "object" { return .null }
        switch type {
        case "string":
            if case .string(let text) = value { return .string(text) }
            return .string(value.jsonText)
        case "integer":
            guard let number = integer(value), let result = Int32(exactly: number) else { throw fail() }
            return .integer(result)
        case "short":
            guard let number = integer(value), let result = Int16(exactly: number) else { throw fail() }
            return .short(result)
        case "long":
            guard let number = integer(value) else { throw fail() }
            return .long(number)
        case "double", "number":
            switch value {
            case .int(let number): return .double(Double(number))
            case .double(let number): return .double(number)
            case .string(let text): if let number = Double(text) { return .double(number) }
            default: break
            }
            throw fail()
        case "boolean":
            switch value {
            case .bool(let flag): return .boolean(flag)
            case .string(let text) where ["true", "false"].contains(text.lowercased()): return .boolean(text.lowercased() == "true")
            default: throw fail()
            }
        case "date":
            guard case .string(let text) = value, let date = CamundaDate.parse(text) else { throw fail() }
            return .date(date)
        case "json":
            if case .string(let text) = value {
                guard let parsed = try? ExpressionValue.parseJSON(text) else { throw fail() }
                return .json(parsed)
            }
            return .json(value)
        case "xml":
            guard case .string(let text) = value else { throw fail() }
            return .xml(text)
        case "null": return .null
        case "bytes":
            guard case .string(let text) = value, let data = Data(base64Encoded: text) else { throw fail() }
            return .bytes(Array(data))
        case "file":
            let info = try dto.object("valueInfo")
            guard let filename = try info?.string("filename") else {
                throw invalid("Cannot deserialize File variable '\(name)': valueInfo.filename is required")
            }
            var bytes: [UInt8] = []
            if case .string(let text) = value {
                guard let data = Data(base64Encoded: text) else { throw fail() }
                bytes = Array(data)
            } else if value != .null {
                throw fail()
            }
            return .file(FileValue(bytes: bytes, filename: filename,
                                   mimeType: try info?.string("mimeType") ?? info?.string("mimetype"),
                                   encoding: try info?.string("encoding")))
        case "object":
            let info = try dto.object("valueInfo")
            guard case .string(let serialized) = value else {
                if value == .null { return .null }
                throw invalid("Must provide 'null' or String value for value of SerializableValue type 'Object'.")
            }
            return .object(serialized: serialized, objectTypeName: try info?.string("objectTypeName"),
                           serializationDataFormat: try info?.string("serializationDataFormat"))
        default:
            throw CamundaErrorResponse(status: .badRequest, type: "RestException",
                                       message: "Unsupported value type '\(typeText)'")
        }
    }

    static func infer(_ value: ExpressionValue) -> VariableValue { VariableValue(value) }

    private static func integer(_ value: ExpressionValue) -> Int64? {
        switch value {
        case .int(let number): number
        case .double(let number) where number == number.rounded() && abs(number) < 9e18: Int64(number)
        case .string(let text): Int64(text)
        default: nil
        }
    }

    private static func invalid(_ message: String) -> CamundaErrorResponse {
        CamundaErrorResponse(status: .badRequest, type: "InvalidRequestException", message: message)
    }

    /// Writes a `{name: VariableValueDto}` map.
    /// With `deserialize`, an `Object` serialized as `application/json` is written as the JSON tree (Camunda's
    /// `deserializeValues=true`); otherwise as its serialized text.
    static func encode(_ variables: [String: VariableValue], deserialize: Bool = false) -> ExpressionValue {
        .object(variables.mapValues { encode($0, deserialize: deserialize) })
    }

    static func encode(_ variable: VariableValue, deserialize: Bool = false) -> ExpressionValue {
        variable.camundaDTO(deserialize: deserialize)
    }
}
