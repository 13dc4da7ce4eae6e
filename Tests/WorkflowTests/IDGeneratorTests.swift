// SPDX-License-Identifier: Apache-2.0
import Testing

@testable import Workflow

struct IDGeneratorTests {
    @Test func idsAreUniqueShortAndURLSafe() {
        let ids = (0..<100_000).map { _ in IDGenerator.next() }
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.utf8.count == 15 && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } })
        #expect(Set(ids.map { $0.prefix(6) }).count > 99_000, "random-looking, no shared visible prefix")
    }

    @Test func formatIsInjective() {
        let values: [UInt64] = [0, 1, 61, 62, UInt64.max, UInt64.max - 1, 1 << 63]
        let ids = values.map { IDGenerator.format($0, tag: 0) }
        #expect(Set(ids).count == values.count)
        #expect(IDGenerator.format(0, tag: 0) == "000000000000000")
    }

    @Test func scrambleIsABijectionOnASample() {
        let values = (0..<50_000).map { IDGenerator.scramble(UInt64($0)) }
        #expect(Set(values).count == values.count)
    }
}
