// SPDX-License-Identifier: Apache-2.0
import BPMN
import Workflow

/// The top-level members of a record on its tape, for the records read without `Decodable` (`RecordFields`).
/// Members are taken in the order they were written (the order the records' readers ask for them): a member is
/// found when it is the next one, and else reads as absent. `done()` then throws if a member was passed over (a
/// record written in another order, or with members the reader does not know), and the record goes to
/// `Decodable`. One key comparison per member.
final class TapeFields: RecordFields {
    let tape: JSONTape
    /// The object's token.
    let object: Int
    /// The key token of the next member.
    private var cursor: Int
    private var read = 0

    /// The record's top-level object (the caller checked that it is one), or an object inside it.
    init(tape: JSONTape, object: Int = 0) {
        self.tape = tape
        self.object = object
        cursor = object + 1
    }

    var count: Int {
        let end = Int(tape[object].next)
        var (count, token) = (0, object + 1)
        while token < end {
            count += 1
            token = Int(tape[token + 1].next)
        }
        return count
    }

    func done() throws {
        guard read == count else { throw RecordFieldMismatch(key: "(a member out of order or unknown)") }
    }

    /// The member's value token (null included) if it is the next member, nil when it is not.
    private func take(_ key: String) -> Int? {
        guard cursor < Int(tape[object].next), tape.key(cursor, is: key) else { return nil }
        let index = cursor + 1
        cursor = Int(tape[index].next)
        read += 1
        return index
    }

    /// The member's value token, nil when absent or null.
    private func value(_ key: String) -> (index: Int, kind: JSONTape.Kind)? {
        guard let index = take(key) else { return nil }
        let kind = tape[index].kind
        return kind == .null ? nil : (index, kind)
    }

    func string(_ key: String) throws -> String? {
        guard let (index, kind) = value(key) else { return nil }
        guard kind == .string else { throw RecordFieldMismatch(key: key) }
        return tape.string(index)
    }

    func integer(_ key: String) throws -> Int64? {
        guard let (index, kind) = value(key) else { return nil }
        if kind == .number, let value = tape.integer(index) ?? tape.double(index).flatMap({ Int64(exactly: $0) }) {
            return value
        }
        throw RecordFieldMismatch(key: key)
    }

    func double(_ key: String) throws -> Double? {
        guard let (index, kind) = value(key) else { return nil }
        guard kind == .number, let value = tape.double(index) else { throw RecordFieldMismatch(key: key) }
        return value
    }

    func boolean(_ key: String) throws -> Bool? {
        guard let (_, kind) = value(key) else { return nil }
        switch kind {
        case .true: return true
        case .false: return false
        default: throw RecordFieldMismatch(key: key)
        }
    }

    func json(_ key: String) throws -> ExpressionValue? {
        guard let index = take(key) else { return nil }
        return TapeDecoder.asJSONDecoderReadsIt(try ExpressionValue.parseJSON(tape.raw(index)))
    }

    func object(_ key: String) throws -> (any RecordFields)? {
        guard let (index, kind) = value(key) else { return nil }
        guard kind == .object else { throw RecordFieldMismatch(key: key) }
        return TapeFields(tape: tape, object: index)
    }

    func objects(_ key: String) throws -> [any RecordFields]? {
        guard let (index, kind) = value(key) else { return nil }
        guard kind == .array else { throw RecordFieldMismatch(key: key) }
        return try tape.children(index).map { item in
            guard tape[item.value].kind == .object else { throw RecordFieldMismatch(key: key) }
            return TapeFields(tape: tape, object: item.value)
        }
    }

    func members() throws -> [(key: String, value: any RecordFields)] {
        read = count
        return try tape.children(object).map { member in
            guard tape[member.value].kind == .object else { throw RecordFieldMismatch(key: tape.string(member.key)) }
            return (tape.string(member.key), TapeFields(tape: tape, object: member.value))
        }
    }

    func strings(_ key: String) throws -> [String: String]? {
        guard let (index, kind) = value(key) else { return nil }
        guard kind == .object else { throw RecordFieldMismatch(key: key) }
        let members = tape.children(index)
        var result: [String: String] = .init(minimumCapacity: members.count)
        for (name, value) in members {
            guard tape[value].kind == .string else { throw RecordFieldMismatch(key: key) }
            result[tape.string(name)] = tape.string(value)
        }
        return result
    }
}
