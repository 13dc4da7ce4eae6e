// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation

/// Decodes the store's JSON records (tasks, instances, history) as `JSONDecoder` with its default strategies
/// does, from the engine's own JSON reader (`ExpressionValue.parseJSON`) and a plain `Decoder` over its tree.
///
/// Why: a fetch decodes each task and its instance that the memo does not hold (a backlog drained oldest first),
/// and in the REST benchmark `JSONDecoder` was the largest single cost of `workflow serve` (16 % of its CPU). Its
/// keyed containers rebuild a key table per object and build a coding path for every value; here a container is the
/// object's dictionary, and no coding path is kept (an error names the key or the type). `ExpressionValue` members (JSON variables)
/// are taken whole instead of being tried type after type. Debug builds check every record against `JSONDecoder`.
public enum RecordDecoder {
    public static func decode<Value: Decodable>(_ type: Value.Type, from bytes: [UInt8]) throws -> Value {
        let tree: ExpressionValue
        do { tree = try ExpressionValue.parseJSON(bytes) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "\(error)"))
        }
        let value = try TreeDecoder(tree, path: []).decode(type)
        assert(Self.agrees(value, bytes), "RecordDecoder and JSONDecoder disagree on a \(Value.self)")
        return value
    }

    private static func agrees<Value: Decodable>(_ value: Value, _ bytes: [UInt8]) -> Bool {
        guard let value = value as? any Equatable else { return true }
        func same<E: Equatable>(_ left: E) -> Bool {
            (try? JSONDecoder().decode(Value.self, from: Data(bytes))).map { ($0 as? E) == left } ?? false
        }
        return same(value)
    }
}

/// One node of the tree, as a `Decoder` and as its single-value container.
struct TreeDecoder: Decoder, SingleValueDecodingContainer {
    let node: ExpressionValue
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(_ node: ExpressionValue, path: [any CodingKey]) {
        self.node = node
        self.codingPath = path
    }

    func mismatch<T>(_ type: T.Type) -> DecodingError {
        .typeMismatch(type, .init(codingPath: codingPath, debugDescription: "Expected \(type), found \(node)"))
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = node else { throw mismatch([String: Any].self) }
        return KeyedDecodingContainer(TreeKeyedContainer<Key>(members: members, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let items) = node else { throw mismatch([Any].self) }
        return TreeUnkeyedContainer(items: items, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func decodeNil() -> Bool { node == .null }

    func decode(_ type: Bool.Type) throws -> Bool {
        guard case .bool(let value) = node else { throw mismatch(type) }
        return value
    }

    func decode(_ type: String.Type) throws -> String {
        guard case .string(let value) = node else { throw mismatch(type) }
        return value
    }

    func decode(_ type: Double.Type) throws -> Double {
        switch node {
        case .double(let value): return value
        case .int(let value): return Double(value)
        default: throw mismatch(type)
        }
    }

    func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }

    /// An integer that the type holds exactly (`JSONDecoder` also takes `2.0` for 2, not `2.5`).
    func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        switch node {
        case .int(let value): if let exact = T(exactly: value) { return exact }
        case .double(let value): if let exact = T(exactly: value) { return exact }
        default: break
        }
        throw mismatch(type)
    }

    func decode(_ type: Int.Type) throws -> Int { try integer(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        // What `JSONDecoder` treats apart: JSON kept as it is, and its default Data and URL strategies.
        if type == ExpressionValue.self { return Self.asJSONDecoderReadsIt(node) as! T }
        if type == Data.self {
            guard case .string(let text) = node, let data = Data(base64Encoded: text) else { throw mismatch(type) }
            return data as! T
        }
        if type == URL.self {
            guard case .string(let text) = node, let url = URL(string: text) else { throw mismatch(type) }
            return url as! T
        }
        return try T(from: self)
    }

    /// `ExpressionValue` tries Int64 before Double, and `JSONDecoder` reads `2.0` or `1e2` as an Int64: whole
    /// numbers within Int64 become `.int`, as they do there. (`JSONEncoder` writes whole doubles as `2` anyway.)
    static func asJSONDecoderReadsIt(_ node: ExpressionValue) -> ExpressionValue {
        switch node {
        case .double(let value): if let whole = Int64(exactly: value) { return .int(whole) }
        case .array(let items) where items.contains(where: needsChange): return .array(items.map(asJSONDecoderReadsIt))
        case .object(let members) where members.values.contains(where: needsChange):
            return .object(members.mapValues(asJSONDecoderReadsIt))
        default: break
        }
        return node
    }

    private static func needsChange(_ node: ExpressionValue) -> Bool {
        switch node {
        case .double(let value): Int64(exactly: value) != nil
        case .array(let items): items.contains(where: needsChange)
        case .object(let members): members.values.contains(where: needsChange)
        default: false
        }
    }
}
