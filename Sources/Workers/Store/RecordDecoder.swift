// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Workflow

/// Decodes the store's JSON records (tasks, instances, history) as `JSONDecoder` with its default strategies
/// does, from a token tape of the bytes (`JSONTape`) and a plain `Decoder` over it.
///
/// Why: a fetch decodes each task and its instance that the memo does not hold (a backlog drained oldest first).
/// `JSONDecoder` was the largest single cost of `workflow serve` in the REST benchmark (16 % of its CPU); a tree of
/// `ExpressionValue`s read by a plain `Decoder` still took 18 %, most of it building a dictionary per object and a
/// `String` per key. Here the reader only records where each value lies; a keyed container finds a key by comparing
/// bytes, and a `String` is made only for a value asked for. No coding path is kept (an error names the key or the
/// type). `ExpressionValue` members (JSON variables) are read whole. Debug builds check every record against
/// `JSONDecoder`.
public enum RecordDecoder {
    public static func decode<Value: Decodable>(_ type: Value.Type, from bytes: [UInt8]) throws -> Value {
        let tape: JSONTape
        do { tape = try JSONTape(bytes) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "\(error)"))
        }
        let value: Value
        // Tasks and instances, read at every fetch, go without `Decodable` where their members allow it
        // (`RecordFields`).
        if Value.self == ExternalTask.self, tape[0].kind == .object,
           let task = try? ExternalTask(fields: TapeFields(tape: tape)) {
            value = task as! Value
        } else if Value.self == ProcessInstance.self, tape[0].kind == .object,
                  let instance = try? ProcessInstance(fields: TapeFields(tape: tape)) {
            value = instance as! Value
        } else {
            value = try TapeDecoder(Box(tape), 0, path: []).decode(type)
        }
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

    /// The tape, shared by every decoder and container of one record.
    final class Box {
        let tape: JSONTape
        init(_ tape: JSONTape) { self.tape = tape }
    }
}

/// One value of the tape (or an absent one, `index` -1, read as null), as a `Decoder` and as its single-value
/// container.
struct TapeDecoder: Decoder, SingleValueDecodingContainer {
    let box: RecordDecoder.Box
    let index: Int
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(_ box: RecordDecoder.Box, _ index: Int, path: [any CodingKey]) {
        self.box = box
        self.index = index
        self.codingPath = path
    }

    var kind: JSONTape.Kind { index < 0 ? .null : box.tape[index].kind }

    /// The value as the engine's JSON model, for error messages.
    var node: ExpressionValue {
        guard index >= 0 else { return .null }
        return (try? ExpressionValue.parseJSON(box.tape.raw(index))) ?? .null
    }

    func mismatch<T>(_ type: T.Type) -> DecodingError {
        .typeMismatch(type, .init(codingPath: codingPath, debugDescription: "Expected \(type), found \(node)"))
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard kind == .object else { throw mismatch([String: Any].self) }
        return KeyedDecodingContainer(TapeKeyedContainer<Key>(box: box, object: index, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard kind == .array else { throw mismatch([Any].self) }
        return TapeUnkeyedContainer(box: box, array: index, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func decodeNil() -> Bool { kind == .null }

    func decode(_ type: Bool.Type) throws -> Bool {
        switch kind {
        case .true: return true
        case .false: return false
        default: throw mismatch(type)
        }
    }

    func decode(_ type: String.Type) throws -> String {
        guard kind == .string else { throw mismatch(type) }
        return box.tape.string(index)
    }

    func decode(_ type: Double.Type) throws -> Double {
        guard kind == .number, let value = box.tape.double(index) else { throw mismatch(type) }
        return value
    }

    func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }

    /// An integer that the type holds exactly (`JSONDecoder` also takes `2.0` for 2, not `2.5`).
    func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        guard kind == .number else { throw mismatch(type) }
        if let value = box.tape.integer(index) {
            if let exact = T(exactly: value) { return exact }
        } else if let value = box.tape.double(index), let exact = T(exactly: value) {
            return exact
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
        if type == ExpressionValue.self {
            guard index >= 0 else { return ExpressionValue.null as! T }
            do { return Self.asJSONDecoderReadsIt(try ExpressionValue.parseJSON(box.tape.raw(index))) as! T } catch {
                throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "\(error)"))
            }
        }
        if type == Data.self {
            guard kind == .string, let data = Data(base64Encoded: box.tape.string(index)) else { throw mismatch(type) }
            return data as! T
        }
        if type == URL.self {
            guard kind == .string, let url = URL(string: box.tape.string(index)) else { throw mismatch(type) }
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
