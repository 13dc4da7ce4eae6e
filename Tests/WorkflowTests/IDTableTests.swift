// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing

@testable import Workflow

struct IDTableTests {
    struct Row: TableRow {
        let id: String
        var value: Int
    }

    @Test(arguments: [5, 24, 25, 200])
    func lookupsInsertsAndRemovalsAgreeWithADictionary(size: Int) throws {
        var table = IDTable<Row>()
        var reference: [String: Int] = [:]
        for number in 0..<size {
            table["r\(number)"] = Row(id: "r\(number)", value: number)
            reference["r\(number)"] = number
        }
        for number in stride(from: 0, to: size, by: 3) {
            table["r\(number)"] = nil
            reference["r\(number)"] = nil
        }
        table.update("r1") { $0.value = -1 }
        if reference["r1"] != nil { reference["r1"] = -1 }
        #expect(table.count == reference.count)
        for number in 0..<size { #expect(table["r\(number)"]?.value == reference["r\(number)"]) }
        #expect(Set(table.keys) == Set(reference.keys))
        let decoded = try JSONDecoder().decode(IDTable<Row>.self, from: JSONEncoder().encode(table))
        #expect(decoded == table)
        #expect(decoded["r2"]?.value == reference["r2"])
    }
}
