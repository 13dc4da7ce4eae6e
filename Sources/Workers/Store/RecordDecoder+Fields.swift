// SPDX-License-Identifier: Apache-2.0
import Workflow

/// The top-level members of a record on its tape, for the records read without `Decodable` (`RecordFields`).
/// Members asked for in the order they were written are found with one key comparison each.
final class TapeFields: RecordFields {
    let tape: JSONTape
    /// The key token after the last member found.
    private var cursor = 1

    init(tape: JSONTape) { self.tape = tape }

    /// The member's value token, nil when absent or null.
    private func value(_ key: String) -> (index: Int, kind: JSONTape.Kind)? {
        guard let (index, next) = tape.member(0, key, from: cursor) else { return nil }
        cursor = next
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
