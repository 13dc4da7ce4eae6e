// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation

/// The top-level members of one JSON record in the form `Codable` gives it (`JSONEncoder`'s default strategies:
/// dates as seconds since 2001), for a store that reads its hottest records without `Decodable`. Each keyed
/// container of `Decodable` costs generic metadata lookups at run time, which were about a third of the time spent
/// decoding a task in `workflow serve`.
///
/// A getter answers nil for a member that is absent or null, and throws `RecordFieldMismatch` for one of another
/// type. A record read this way equals the one `init(from:)` decodes; where the two could differ (a member missing,
/// a value out of range) the reader throws, and the store decodes through `Decodable`, which gives the error.
public protocol RecordFields {
    func string(_ key: String) throws -> String?
    /// A number that is a whole value within Int64 (`JSONDecoder` takes `2.0` for 2, not `2.5`).
    func integer(_ key: String) throws -> Int64?
    func double(_ key: String) throws -> Double?
    func boolean(_ key: String) throws -> Bool?
    /// An object whose members are all strings.
    func strings(_ key: String) throws -> [String: String]?
    /// A member of any JSON, as `Decodable` reads an `ExpressionValue` (whole numbers within Int64 as `.int`).
    func json(_ key: String) throws -> ExpressionValue?
    /// An object member, as fields of its own.
    func object(_ key: String) throws -> (any RecordFields)?
    /// An array member whose items are all objects.
    func objects(_ key: String) throws -> [any RecordFields]?
    /// This object's members in order, each as a key and fields (throws for a member that is not an object).
    func members() throws -> [(key: String, value: any RecordFields)]
    /// How many members this object has.
    var count: Int { get }
    /// Throws unless every member of this object was read. A reader may take members in the order they were
    /// written and answer nil for one that is not next: this check then finds any member it passed over.
    func done() throws
}

/// A record member that is missing, or of another type than the record's `Codable` form has there.
public struct RecordFieldMismatch: Error {
    public let key: String
    public init(key: String) { self.key = key }
}

extension RecordFields {
    /// A member that must be there.
    @inline(__always)
    func required<T>(_ key: String, _ read: (String) throws -> T?) throws -> T {
        guard let value = try read(key) else { throw RecordFieldMismatch(key: key) }
        return value
    }

    @inline(__always)
    func int(_ key: String) throws -> Int? {
        guard let value = try integer(key) else { return nil }
        guard let exact = Int(exactly: value) else { throw RecordFieldMismatch(key: key) }
        return exact
    }

    @inline(__always)
    func date(_ key: String) throws -> Date? { try double(key).map(Date.init(timeIntervalSinceReferenceDate:)) }
}
