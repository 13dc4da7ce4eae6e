// SPDX-License-Identifier: Apache-2.0
import Foundation
import Synchronization
import Testing
import BPMN
@testable import Workflow
@testable import Workers

/// The memo of decoded records: the same bytes are decoded once, other bytes always, and it stays bounded.
@Suite(.serialized) struct DecodedRecordsTests {
    /// Counts how often the store's decoder decodes it (debug builds check each decode with `JSONDecoder` too:
    /// not counted).
    struct Counted: Codable, Sendable, Equatable {
        static let decodes = Atomic<Int>(0)
        let n: Int
        init(from decoder: any Decoder) throws {
            if decoder is TapeDecoder { Self.decodes.add(1, ordering: .relaxed) }
            n = try decoder.container(keyedBy: Key.self).decode(Int.self, forKey: .n)
        }
        init(n: Int) { self.n = n }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(n, forKey: .n)
        }
        enum Key: CodingKey { case n }
    }

    static func json(_ n: Int) -> [UInt8] { Array("{\"n\":\(n)}".utf8) }

    /// Decodes done by `body` (the tests of this suite run one at a time: they share the counter).
    static func decodes(_ body: () throws -> Void) throws -> Int {
        let before = Counted.decodes.load(ordering: .relaxed)
        try body()
        return Counted.decodes.load(ordering: .relaxed) - before
    }

    @Test func sameBytesDecodeOnceOtherBytesAgain() throws {
        let memo = DecodedRecords<Counted>(capacity: 1_600)
        var values: [Int?] = []
        let first = try Self.decodes {
            values.append(try memo.decode("AAAAAAAAAAAAAAA", Self.json(1))?.n)
            values.append(try memo.decode("AAAAAAAAAAAAAAA", Self.json(1))?.n)
        }
        #expect(values == [1, 1])
        #expect(first == 1, "the second read of the same bytes is not decoded")
        let changed = try Self.decodes { values.append(try memo.decode("AAAAAAAAAAAAAAA", Self.json(2))?.n) }
        #expect(values.last == 2)
        #expect(changed == 1, "another replica's write: new bytes, decoded")
        memo.forget("AAAAAAAAAAAAAAA")
        let forgotten = try Self.decodes { _ = try memo.decode("AAAAAAAAAAAAAAA", Self.json(2)) }
        #expect(forgotten == 1, "forgotten")
        #expect(try memo.decode("AAAAAAAAAAAAAAA", []) == nil, "no record")
        let big = Array("{\"n\":3,\"pad\":\"\(String(repeating: "x", count: DecodedRecords<Counted>.maxRecordBytes))\"}".utf8)
        let large = try Self.decodes {
            _ = try memo.decode("CCCCCCCCCCCCCCC", big)
            _ = try memo.decode("CCCCCCCCCCCCCCC", big)
        }
        #expect(large == 2, "records over the size limit are not kept")
        #expect(throws: DecodingError.self) { try memo.decode("BBBBBBBBBBBBBBB", Array("{".utf8)) }
    }

    @Test func holdsAtMostItsCapacityOldestForgottenFirst() throws {
        // 16 shards of one record each: ids of one partition push each other out.
        let memo = DecodedRecords<Counted>(capacity: 16)
        let ids = (0..<400).map { String(format: "id%013d", $0) }
        let samePartition = Dictionary(grouping: ids) { RedisKeys.partition(of: $0) }.values.first { $0.count >= 3 }!
        let (a, b) = (samePartition[0], samePartition[1])
        _ = try memo.decode(a, Self.json(1))
        let kept = try Self.decodes { _ = try memo.decode(a, Self.json(1)) }
        #expect(kept == 0)
        _ = try memo.decode(b, Self.json(2))
        let newer = try Self.decodes { _ = try memo.decode(b, Self.json(2)) }
        #expect(newer == 0)
        let older = try Self.decodes { _ = try memo.decode(a, Self.json(1)) }
        #expect(older == 1, "pushed out by a newer record")
    }

    @Test func aRememberedWriteAnswersTheNextReadOfItsBytesOnly() throws {
        let memo = DecodedRecords<Counted>(capacity: 1_600)
        memo.remember("DDDDDDDDDDDDDDD", Self.json(7), Counted(n: 7))
        var read: Int?
        let same = try Self.decodes { read = try memo.decode("DDDDDDDDDDDDDDD", Self.json(7))?.n }
        #expect(read == 7)
        #expect(same == 0, "the written value answers the read of its bytes")
        let other = try Self.decodes { read = try memo.decode("DDDDDDDDDDDDDDD", Self.json(8))?.n }
        #expect(read == 8)
        #expect(other == 1, "another replica wrote since: decoded")
    }

    @Test func onlyAWholeDoubleInAJSONValueMakesAnInstanceLossy() throws {
        func lossless(_ value: ExpressionValue) -> Bool {
            ProcessInstance.forTests(variables: ["v": .json(value), "d": .double(1.0)]).encodesLosslessly
        }
        #expect(lossless(.object(["a": .double(1.5), "b": .int(2), "c": .array([.string("x"), .null])])))
        #expect(!lossless(.object(["a": .array([.double(2.0)])])), "2.0 is written as 2 and read back as an integer")
        #expect(!lossless(.double(-0.0)))
        #expect(lossless(.double(1e300)))
        // What the check promises: decoding the JSON gives the same instance back (or, when lossy, not).
        for (value, expected) in [(ExpressionValue.double(1.5), true), (.double(3.0), false)] {
            let instance = ProcessInstance.forTests(variables: ["v": .json(.array([value]))])
            let decoded = try JSONDecoder().decode(ProcessInstance.self, from: JSONEncoder().encode(instance))
            #expect((decoded == instance) == expected)
            #expect(instance.encodesLosslessly == expected)
        }
    }
}

extension ProcessInstance {
    /// An instance of one scope holding these variables.
    static func forTests(variables: [String: VariableValue]) -> ProcessInstance {
        let id = "IIIIIIIIIIIIIII"
        return ProcessInstance(
            id: id, definitionID: "p:1:x", definitionKey: "p", businessKey: nil,
            startTime: Date(timeIntervalSinceReferenceDate: 817_852_065.008_741_9), superInstance: nil,
            scopes: [id: Scope(id: id, kind: .process, parentID: nil, ownerTokenID: nil, variables: variables, loop: nil)])
    }
}
