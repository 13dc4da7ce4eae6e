// SPDX-License-Identifier: Apache-2.0
import Testing

@testable import Workflow

struct IDGeneratorTests {
    @Test func idsAreUniqueAndUUIDShaped() {
        let ids = (0..<100_000).map { _ in IDGenerator.next() }
        #expect(Set(ids).count == ids.count)
        let shape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
        #expect(ids.allSatisfy { $0.wholeMatch(of: shape) != nil })
        #expect(Set(ids.map { $0.prefix(8) }).count > 99_000, "no shared visible prefix")
    }

    @Test func scrambleIsABijectionOnASample() {
        let values = (0..<50_000).map { IDGenerator.scramble(UInt64($0)) }
        #expect(Set(values).count == values.count)
    }
}
