// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation

extension ProcessInstance {
    /// An instance read from its record's members, as `init(from:)` reads it (a fetch reads the instance of every
    /// task it locks, for its variables). The common shapes only: an instance with a parent link, multi-instance
    /// state, timers, message subscriptions or variables other than strings, numbers, booleans, dates, JSON and nulls
    /// throws `RecordFieldMismatch`, and the store decodes it through `Decodable`.
    public init(fields f: any RecordFields) throws {
        // In the order `encode(to:)` writes them (a reader may take each only when it is the next one).
        let id = try f.required("id", f.string)
        let identity = Identity(
            id: id, definitionID: try f.required("definitionID", f.string),
            definitionKey: try f.required("definitionKey", f.string), businessKey: try f.string("businessKey"),
            startTime: try f.required("startTime", f.date),
            superInstance: try f.object("superInstance").map { _ in throw RecordFieldMismatch(key: "superInstance") })
        let scopes = try f.required("scopes", f.objects).map(Scope.init(fields:))
        let tokens = try f.required("tokens", f.objects).map(Token.init(fields:))
        for key in ["timers", "messages"] where try f.required(key, f.objects).count > 0 {
            throw RecordFieldMismatch(key: key)
        }
        box = Shared(identity)
        self.scopes = IDTable(rows: scopes)
        self.tokens = IDTable(rows: tokens)
        timers = [:]
        messages = [:]
        isEnded = try f.required("isEnded", f.boolean)
        version = try f.required("version", f.int)
        sequence = try f.required("sequence", f.integer)
        try f.done()
    }
}

extension Scope {
    init(fields f: any RecordFields) throws {
        let id = try f.required("id", f.string)
        guard let kind = Kind(rawValue: try f.required("kind", f.string)) else { throw RecordFieldMismatch(key: "kind") }
        self.init(id: id, kind: kind, parentID: try f.string("parentID"), ownerTokenID: try f.string("ownerTokenID"),
                  variables: try VariableValue.table(f.required("variables", f.object)),
                  loop: try f.object("loop").map { _ in throw RecordFieldMismatch(key: "loop") })
        try f.done()
    }
}

extension Token {
    init(fields f: any RecordFields) throws {
        self.init(
            id: try f.required("id", f.string), nodeID: try f.required("nodeID", f.string),
            scopeID: try f.required("scopeID", f.string), state: try TokenState(fields: f.required("state", f.object)),
            local: try VariableValue.table(f.required("local", f.object)),
            activityInstanceID: try f.required("activityInstanceID", f.string),
            isLoopIteration: try f.required("isLoopIteration", f.boolean), arrivedVia: try f.string("arrivedVia"))
        try f.done()
    }
}

extension TokenState {
    /// `{"case": {}}` or `{"case": {"_0": "id"}}`, as `Codable` writes an enum.
    init(fields f: any RecordFields) throws {
        let members = try f.members()
        guard members.count == 1, let (name, payload) = members.first else { throw RecordFieldMismatch(key: "state") }
        func id() throws -> String { try payload.required("_0", payload.string) }
        guard payload.count == (["active", "waitingTimer", "waitingMessage", "waitingEventGateway", "waitingJoin"]
            .contains(name) ? 0 : 1) else { throw RecordFieldMismatch(key: name) }
        switch name {
        case "active": self = .active
        case "waitingTask": self = .waitingTask(try id())
        case "waitingUserTask": self = .waitingUserTask(try id())
        case "waitingTimer": self = .waitingTimer
        case "waitingMessage": self = .waitingMessage
        case "waitingEventGateway": self = .waitingEventGateway
        case "waitingJoin": self = .waitingJoin
        case "waitingScope": self = .waitingScope(try id())
        case "waitingCall": self = .waitingCall(try id())
        case "incident": self = .incident(try id())
        default: throw RecordFieldMismatch(key: name)
        }
    }
}

extension VariableValue {
    /// A variable table (`{"name": {"case": {"_0": value}}}`) of the plain kinds and JSON; others throw.
    static func table(_ f: any RecordFields) throws -> [String: VariableValue] {
        let members = try f.members()
        var table: [String: VariableValue] = .init(minimumCapacity: members.count)
        for (name, value) in members { table[name] = try VariableValue(fields: value) }
        return table
    }

    init(fields f: any RecordFields) throws {
        let members = try f.members()
        guard members.count == 1, let (kind, payload) = members.first else { throw RecordFieldMismatch(key: "variable") }
        if kind == "null" {
            guard payload.count == 0 else { throw RecordFieldMismatch(key: kind) }
            self = .null
            return
        }
        guard payload.count == 1 else { throw RecordFieldMismatch(key: kind) }
        func number<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
            guard let value = T(exactly: try payload.required("_0", payload.integer)) else { throw RecordFieldMismatch(key: kind) }
            return value
        }
        switch kind {
        case "string": self = .string(try payload.required("_0", payload.string))
        case "integer": self = .integer(try number(Int32.self))
        case "short": self = .short(try number(Int16.self))
        case "long": self = .long(try number(Int64.self))
        case "double": self = .double(try payload.required("_0", payload.double))
        case "boolean": self = .boolean(try payload.required("_0", payload.boolean))
        case "date": self = .date(try payload.required("_0", payload.date))
        case "xml": self = .xml(try payload.required("_0", payload.string))
        case "json": self = .json(try payload.required("_0", payload.json))
        case "typedNull": self = .typedNull(try payload.required("_0", payload.string))
        default: throw RecordFieldMismatch(key: kind)
        }
    }
}
