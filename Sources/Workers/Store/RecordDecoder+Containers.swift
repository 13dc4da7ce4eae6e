// SPDX-License-Identifier: Apache-2.0
import BPMN

/// An object of the tape as a keyed container: a key is found by walking the members and comparing bytes (records
/// have a few dozen keys at most; the first member of a name counts).
struct TapeKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let box: RecordDecoder.Box
    /// The object's token.
    let object: Int
    let codingPath: [any CodingKey]

    var allKeys: [Key] { box.tape.children(object).compactMap { Key(stringValue: box.tape.string($0.key)) } }

    /// The value token of the member named `key`.
    private func find(_ key: Key) -> Int? { box.tape.member(object, key.stringValue) }

    func contains(_ key: Key) -> Bool { find(key) != nil }

    private func value(_ key: Key) throws -> Int {
        guard let index = find(key) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "No value for \(key.stringValue)"))
        }
        return index
    }

    private func child(_ key: Key) throws -> TapeDecoder { TapeDecoder(box, try value(key), path: codingPath) }

    func decodeNil(forKey key: Key) throws -> Bool { box.tape[try value(key)].kind == .null }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try child(key).decode(type) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try child(key).decode(type) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try child(key).decode(type) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try child(key).decode(type) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try child(key).decode(type) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try child(key).decode(type) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try child(key).decode(type) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try child(key).decode(type) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try child(key).decode(type) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try child(key).decode(type) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try child(key).decode(type) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try child(key).decode(type) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try child(key).decode(type) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try child(key).decode(type) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try child(key).decode(type) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try child(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try child(key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { try superDecoder(key: "super") }

    func superDecoder(forKey key: Key) throws -> any Decoder { try superDecoder(key: key.stringValue) }

    private func superDecoder(key: String) throws -> any Decoder {
        TapeDecoder(box, Key(stringValue: key).flatMap(find) ?? -1, path: codingPath)
    }
}

/// An array of the tape as an unkeyed container.
struct TapeUnkeyedContainer: UnkeyedDecodingContainer {
    let box: RecordDecoder.Box
    let codingPath: [any CodingKey]
    let count: Int?
    private(set) var currentIndex = 0
    /// The token of the next item; `end` past the last.
    private var token: Int
    private let end: Int

    init(box: RecordDecoder.Box, array: Int, codingPath: [any CodingKey]) {
        self.box = box
        self.codingPath = codingPath
        token = array + 1
        end = Int(box.tape[array].next)
        var count = 0
        var item = token
        while item < end { count += 1; item = Int(box.tape[item].next) }
        self.count = count
    }

    var isAtEnd: Bool { token >= end }

    private mutating func next() throws -> TapeDecoder {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(Any.self, .init(codingPath: codingPath, debugDescription: "Unkeyed container is at end"))
        }
        defer {
            currentIndex += 1
            token = Int(box.tape[token].next)
        }
        return TapeDecoder(box, token, path: codingPath)
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, box.tape[token].kind == .null else { return false }
        _ = try next()
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decode(type) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try next().container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }

    mutating func superDecoder() throws -> any Decoder { try next() }
}
