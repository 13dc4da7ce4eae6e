// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation

/// A process variable with its Camunda type.
public enum VariableValue: Sendable, Hashable, Codable {
    case string(String)
    case integer(Int32)
    case short(Int16)
    case long(Int64)
    case double(Double)
    case boolean(Bool)
    case date(Date)
    /// A JSON document (Camunda Spin `Json`); on the wire its value is the serialized text.
    case json(ExpressionValue)
    /// An XML document (Camunda Spin `Xml`), kept as its text.
    case xml(String)
    case null
    /// A null of a named type (`{"value": null, "type": "String"}`): null to expressions, its type kept on the wire.
    case typedNull(String)
    case bytes([UInt8])
    /// A serialized Java object as Camunda clients send it; kept verbatim. Indirect, like `file`: the two rare
    /// wide payloads would otherwise make every value (and every variable table slot) three times as large.
    indirect case object(serialized: String, objectTypeName: String?, serializationDataFormat: String?)
    /// A file: its content and how to hand it out (`GET …/variables/{name}/data`).
    indirect case file(FileValue)

    /// The Camunda type name as written in responses (`String`, `Integer`, `Json`, ...).
    public var typeName: String {
        switch self {
        case .string: "String"
        case .integer: "Integer"
        case .short: "Short"
        case .long: "Long"
        case .double: "Double"
        case .boolean: "Boolean"
        case .date: "Date"
        case .json: "Json"
        case .xml: "Xml"
        case .null: "Null"
        case .typedNull(let type): type
        case .bytes: "Bytes"
        case .object: "Object"
        case .file: "File"
        }
    }

    /// The value as expressions see it.
    public var expressionValue: ExpressionValue {
        switch self {
        case .string(let value): .string(value)
        case .integer(let value): .int(Int64(value))
        case .short(let value): .int(Int64(value))
        case .long(let value): .int(value)
        case .double(let value): .double(value)
        case .boolean(let value): .bool(value)
        case .date(let value): .string(CamundaDate.format(value))
        case .json(let value): value
        case .xml(let text): .string(text)
        case .null, .typedNull: .null
        case .bytes(let value): .string(Data(value).base64EncodedString())
        case .object(let serialized, _, _): .string(serialized)
        case .file(let file): .string(file.filename)
        }
    }

    /// The variable an expression result becomes: integers that fit 32 bits are `Integer`, else `Long`;
    /// arrays and objects are `Json`.
    public init(_ value: ExpressionValue) {
        switch value {
        case .null: self = .null
        case .bool(let value): self = .boolean(value)
        case .int(let value): self = Int32(exactly: value).map { .integer($0) } ?? .long(value)
        case .double(let value): self = .double(value)
        case .string(let value): self = .string(value)
        case .array, .object: self = .json(value)
        }
    }
}

/// The content and description of a `File` variable.
public struct FileValue: Sendable, Hashable, Codable {
    public let bytes: [UInt8]
    public let filename: String
    public let mimeType: String?
    public let encoding: String?

    public init(bytes: [UInt8], filename: String, mimeType: String?, encoding: String?) {
        self.bytes = bytes
        self.filename = filename
        self.mimeType = mimeType
        self.encoding = encoding
    }
}
