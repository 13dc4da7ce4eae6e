// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation

/// An encoder writing into one node (no coding path is kept: the records are the engine's own).
struct TreeEncoder: Encoder, SingleValueEncodingContainer {
    let node: EncodedNode
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(_ node: EncodedNode) { self.node = node }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.makeObject()
        return KeyedEncodingContainer(TreeKeyedEncoder<Key>(node: node))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        node.makeArray()
        return TreeUnkeyedEncoder(node: node)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { self }

    func encodeNil() { node.content = .leaf(.null) }
    func encode(_ value: Bool) { node.content = .leaf(.bool(value)) }
    func encode(_ value: String) { node.content = .leaf(.string(value)) }
    func encode(_ value: Double) throws {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "\(value) is not valid JSON"))
        }
        node.content = .leaf(.double(value))
    }
    func encode(_ value: Float) throws { try encode(Double(value)) }
    func encode(_ value: Int) { node.content = .leaf(.int(Int64(value))) }
    func encode(_ value: Int8) { node.content = .leaf(.int(Int64(value))) }
    func encode(_ value: Int16) { node.content = .leaf(.int(Int64(value))) }
    func encode(_ value: Int32) { node.content = .leaf(.int(Int64(value))) }
    func encode(_ value: Int64) { node.content = .leaf(.int(value)) }
    func encode(_ value: UInt8) { node.content = .leaf(.int(Int64(value))) }
    func encode(_ value: UInt16) { node.content = .leaf(.int(Int64(value))) }
    func encode(_ value: UInt32) { node.content = .leaf(.int(Int64(value))) }
    func encode(_ value: UInt) throws { try encode(UInt64(value)) }
    func encode(_ value: UInt64) throws {
        guard let signed = Int64(exactly: value) else {
            throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "\(value) does not fit the store"))
        }
        node.content = .leaf(.int(signed))
    }

    func encode<T: Encodable>(_ value: T) throws {
        // What `JSONEncoder` treats apart: JSON as it is, and its default Data and URL strategies.
        if T.self == ExpressionValue.self {
            let json = value as! ExpressionValue
            guard Self.isFinite(json) else {
                throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "a non-finite number"))
            }
            node.content = .leaf(json)
        } else if T.self == Data.self {
            node.content = .leaf(.string((value as! Data).base64EncodedString()))
        } else if T.self == URL.self {
            node.content = .leaf(.string((value as! URL).absoluteString))
        } else {
            try value.encode(to: self)
        }
    }

    private static func isFinite(_ json: ExpressionValue) -> Bool {
        switch json {
        case .double(let value): value.isFinite
        case .array(let items): items.allSatisfy(isFinite)
        case .object(let members): members.values.allSatisfy(isFinite)
        default: true
        }
    }
}

struct TreeKeyedEncoder<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: EncodedNode
    var codingPath: [any CodingKey] { [] }

    private func child(_ key: Key) -> TreeEncoder { TreeEncoder(node.member(key.stringValue)) }

    mutating func encodeNil(forKey key: Key) { child(key).encodeNil() }
    mutating func encode(_ value: Bool, forKey key: Key) { child(key).encode(value) }
    mutating func encode(_ value: String, forKey key: Key) { child(key).encode(value) }
    mutating func encode(_ value: Double, forKey key: Key) throws { try child(key).encode(value) }
    mutating func encode(_ value: Float, forKey key: Key) throws { try child(key).encode(value) }
    mutating func encode(_ value: Int, forKey key: Key) { child(key).encode(value) }
    mutating func encode(_ value: Int8, forKey key: Key) { child(key).encode(value) }
    mutating func encode(_ value: Int16, forKey key: Key) { child(key).encode(value) }
    mutating func encode(_ value: Int32, forKey key: Key) { child(key).encode(value) }
    mutating func encode(_ value: Int64, forKey key: Key) { child(key).encode(value) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try child(key).encode(value) }
    mutating func encode(_ value: UInt8, forKey key: Key) { child(key).encode(value) }
    mutating func encode(_ value: UInt16, forKey key: Key) { child(key).encode(value) }
    mutating func encode(_ value: UInt32, forKey key: Key) { child(key).encode(value) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try child(key).encode(value) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try child(key).encode(value) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        child(key).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        child(key).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { TreeEncoder(node.member("super")) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { child(key) }
}

struct TreeUnkeyedEncoder: UnkeyedEncodingContainer {
    let node: EncodedNode
    var codingPath: [any CodingKey] { [] }
    var count: Int { if case .array(let items) = node.content { items.count } else { 0 } }

    mutating func encodeNil() { TreeEncoder(node.element()).encodeNil() }
    mutating func encode<T: Encodable>(_ value: T) throws { try TreeEncoder(node.element()).encode(value) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        TreeEncoder(node.element()).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { TreeEncoder(node.element()).unkeyedContainer() }

    mutating func superEncoder() -> any Encoder { TreeEncoder(node.element()) }
}
