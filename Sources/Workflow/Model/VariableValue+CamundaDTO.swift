// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation

extension VariableValue {
    /// The variable as Camunda's VariableValueDto `{"type", "value", "valueInfo"}`, the form the REST API writes
    /// and its clients send. With `deserialize`, an `Object` serialized as `application/json` is written as the JSON
    /// tree (Camunda's `deserializeValues=true`); otherwise as its serialized text.
    public func camundaDTO(deserialize: Bool = false) -> ExpressionValue {
        var info: [String: ExpressionValue] = [:]
        let value: ExpressionValue
        switch self {
        case .string(let text): value = .string(text)
        case .integer(let number): value = .int(Int64(number))
        case .short(let number): value = .int(Int64(number))
        case .long(let number): value = .int(number)
        case .double(let number): value = .double(number)
        case .boolean(let flag): value = .bool(flag)
        case .date(let date): value = .string(CamundaDate.format(date))
        case .json(let json): value = .string(json.jsonText)
        case .xml(let text): value = .string(text)
        case .null, .typedNull: value = .null
        case .bytes(let bytes): value = .string(Data(bytes).base64EncodedString())
        case .object(let serialized, let typeName, let format):
            value = deserialize && format == "application/json"
                ? (try? ExpressionValue.parseJSON(serialized)) ?? .string(serialized) : .string(serialized)
            info["objectTypeName"] = typeName.map { .string($0) } ?? .null
            info["serializationDataFormat"] = format.map { .string($0) } ?? .null
        case .file(let file):
            value = .null
            info["filename"] = .string(file.filename)
            info["mimeType"] = file.mimeType.map { .string($0) } ?? .null
            info["encoding"] = file.encoding.map { .string($0) } ?? .null
        }
        return .object(["type": .string(typeName), "value": value, "valueInfo": .object(info)])
    }

    /// Reads a VariableValueDto as a Camunda server writes it (a worker reading its fetched variables). A value
    /// whose type it does not know, or that does not fit its type, is kept as its JSON: nothing is dropped.
    public init(camundaDTO dto: ExpressionValue) {
        guard case .object(let fields) = dto else { self = VariableValue(dto); return }
        let value = fields["value"] ?? .null
        let type = fields["type"]?.stringValue ?? ""
        let info = fields["valueInfo"]?.objectValue ?? [:]
        switch (type, value) {
        case (_, .null) where type.isEmpty || type == "Null": self = .null
        case (_, .null) where type != "Object": self = .typedNull(type)
        case ("String", .string(let text)): self = .string(text)
        case ("Integer", .int(let number)) where Int32(exactly: number) != nil: self = .integer(Int32(number))
        case ("Short", .int(let number)) where Int16(exactly: number) != nil: self = .short(Int16(number))
        case ("Long", .int(let number)): self = .long(number)
        case ("Double", .double(let number)): self = .double(number)
        case ("Double", .int(let number)): self = .double(Double(number))
        case ("Boolean", .bool(let flag)): self = .boolean(flag)
        case ("Date", .string(let text)) where CamundaDate.parse(text) != nil: self = .date(CamundaDate.parse(text)!)
        case ("Json", .string(let text)): self = (try? ExpressionValue.parseJSON(text)).map { .json($0) } ?? .string(text)
        case ("Xml", .string(let text)): self = .xml(text)
        case ("Bytes", .string(let text)): self = Data(base64Encoded: text).map { .bytes(Array($0)) } ?? .string(text)
        case ("Object", _):
            self = .object(serialized: value.stringValue ?? value.jsonText,
                           objectTypeName: info["objectTypeName"]?.stringValue,
                           serializationDataFormat: info["serializationDataFormat"]?.stringValue)
        default: self = VariableValue(value)
        }
    }
}
