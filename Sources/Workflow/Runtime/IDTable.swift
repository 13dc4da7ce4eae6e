// SPDX-License-Identifier: Apache-2.0

/// A row of an `IDTable`: anything with a string id.
public protocol TableRow: Sendable, Hashable, Codable {
    var id: String { get }
}

/// The handful of tokens, scopes or subscriptions of one instance, keyed by id.
///
/// Rows live in an array: ids are short inline strings, so a linear scan beats hashing for the few rows an instance
/// usually has (the runtime looks tokens up several times per node). Past `indexThreshold` rows (a wide
/// multi-instance, say) a hash index is kept as well, so large tables stay O(1) per lookup.
public struct IDTable<Row: TableRow>: Sendable, Hashable, Codable, ExpressibleByDictionaryLiteral {
    private(set) var rows: [Row] = []
    private var index: [String: Int]?
    static var indexThreshold: Int { 24 }

    public init() {}

    /// The rows in this order (as `init(from:)` reads them).
    init(rows: [Row]) {
        self.rows = rows
        rebuildIndex()
    }

    /// `[id: row, ...]`; the key must equal the row's id.
    public init(dictionaryLiteral elements: (String, Row)...) {
        for (_, row) in elements { self[row.id] = row }
    }

    private func position(of id: String) -> Int? {
        if let index { return index[id] }
        return rows.firstIndex { $0.id == id }
    }

    private mutating func rebuildIndex() {
        guard rows.count > Self.indexThreshold else { return index = nil }
        var built: [String: Int] = [:]
        built.reserveCapacity(rows.count)
        for (offset, row) in rows.enumerated() { built[row.id] = offset }
        index = built
    }

    /// The row with this id; setting nil removes it, setting a new id appends it.
    public subscript(id: String) -> Row? {
        get { position(of: id).map { rows[$0] } }
        set {
            if let offset = position(of: id) {
                if let newValue {
                    rows[offset] = newValue
                } else {
                    rows.remove(at: offset)
                    rebuildIndex()
                }
            } else if let newValue {
                rows.append(newValue)
                if index != nil { index?[newValue.id] = rows.count - 1 } else { rebuildIndex() }
            }
        }
    }

    /// Whether a row has this id (without copying it).
    public func contains(_ id: String) -> Bool { position(of: id) != nil }

    /// Reads from a row where it is stored (no copy of the row, which retains each of its strings and tables).
    public func read<Result>(_ id: String, _ body: (borrowing Row) -> Result) -> Result? {
        guard let offset = position(of: id) else { return nil }
        return rows.withUnsafeBufferPointer { body($0[offset]) }
    }

    /// Mutates a row in place with one lookup; does nothing when there is no such row. (Setting a field through
    /// the subscript, `table[id]?.field = x`, copies the row out and back, and so copies its tables on write.)
    public mutating func update(_ id: String, _ body: (inout Row) -> Void) {
        guard let offset = position(of: id) else { return }
        body(&rows[offset])
    }

    public var values: [Row] { rows }
    public var keys: [String] { rows.map(\.id) }
    public var isEmpty: Bool { rows.isEmpty }
    public var count: Int { rows.count }

    /// The rows that satisfy the predicate, as a table.
    public func filter(_ isIncluded: (Row) -> Bool) -> IDTable {
        var result = IDTable()
        result.rows = rows.filter(isIncluded)
        result.rebuildIndex()
        return result
    }

    public static func == (left: IDTable, right: IDTable) -> Bool { left.rows == right.rows }
    public func hash(into hasher: inout Hasher) { hasher.combine(rows) }

    public init(from decoder: any Decoder) throws {
        rows = try [Row](from: decoder)
        rebuildIndex()
    }

    public func encode(to encoder: any Encoder) throws { try rows.encode(to: encoder) }
}
