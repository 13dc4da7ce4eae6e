// SPDX-License-Identifier: Apache-2.0

/// A CSV document (RFC 4180: quoted fields, `""` inside quotes, CRLF or LF line ends) as a header and rows.
struct CSVTable: Sendable {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let header: [String]
    /// Each row as header name → field.
    let rows: [[String: String]]

    init(parsing text: String, source: String) throws {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false, line = 1
        var iterator = text.makeIterator()
        var pending: Character?
        while let character = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    let next = iterator.next()
                    if next == "\"" { field.append("\"") } else { quoted = false; pending = next }
                } else {
                    if character == "\n" || character == "\r\n" { line += 1 }
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"" where field.isEmpty: quoted = true
            case ",": record.append(field); field = ""
            case "\n", "\r\n", "\r":
                record.append(field); field = ""
                if record != [""] { records.append(record) }
                record = []
                line += 1
            default: field.append(character)
            }
        }
        if quoted { throw Failure(description: "\(source): line \(line): a quoted field is not closed") }
        if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
        guard let header = records.first?.map({ $0.trimmingWhitespace() }) else {
            throw Failure(description: "\(source): no header line")
        }
        self.header = header
        rows = try records.dropFirst().enumerated().map { offset, fields in
            guard fields.count == header.count else {
                throw Failure(description: "\(source): record \(offset + 1) has \(fields.count) fields, the header \(header.count)")
            }
            return Dictionary(zip(header, fields)) { first, _ in first }
        }
    }
}

extension String {
    func trimmingWhitespace() -> String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
