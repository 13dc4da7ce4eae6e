// SPDX-License-Identifier: Apache-2.0
import Foundation
import Synchronization
import Testing

@testable import Workflow

struct IDGeneratorTests {
    @Test func idsAreUniqueShortAndURLSafe() {
        let ids = (0..<100_000).map { _ in IDGenerator.next() }
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.utf8.count == 15 && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } })
        #expect(Set(ids.map { $0.prefix(6) }).count > 99_000, "random-looking, no shared visible prefix")
    }

    @Test func idsDrawnOnManyThreadsAtOnceAreUnique() {
        // Each thread draws from its own block of the counter; blocks must never overlap.
        let drawn = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            let ids = (0..<5_000).map { _ in IDGenerator.next() }
            drawn.withLock { $0 += ids }
        }
        let ids = drawn.withLock { $0 }
        #expect(ids.count == 40_000)
        #expect(Set(ids).count == ids.count)
    }

    @Test func formatIsInjective() {
        let values: [UInt64] = [0, 1, 61, 62, IDGenerator.modulus - 1, IDGenerator.modulus - 2, 1 << 59]
        let ids = values.map { IDGenerator.format($0, partition: 3, tag: 0) }
        #expect(Set(ids).count == values.count)
        #expect(IDGenerator.format(0, partition: 0, tag: 0) == "000000000000000")
        #expect(IDGenerator.format(0, partition: 15, tag: 0) == "0000000000F0000")
    }

    @Test func permuteIsABijectionOnASample() {
        let values = (0..<50_000).map { IDGenerator.permute(UInt64($0)) }
        #expect(Set(values).count == values.count)
        #expect(values.allSatisfy { $0 < IDGenerator.modulus })
    }

    @Test func partitionsAreEvenAndTasksFollowTheirInstance() {
        var counts = [Int](repeating: 0, count: 16)
        for _ in 0..<16_000 {
            let instance = IDGenerator.next()
            counts[IDGenerator.partition(of: instance)] += 1
            #expect(IDGenerator.partition(of: IDGenerator.next(partitionOf: instance)) == IDGenerator.partition(of: instance))
        }
        // Every other id is a task id here (as when each instance draws one): instances still use all partitions.
        #expect(counts.allSatisfy { (800...1200).contains($0) }, "\(counts)")
        // Callers that draw a fixed number of ids per instance (here strides of 1 to 200) still spread evenly.
        for stride in 1...200 {
            var perPartition = [Int](repeating: 0, count: 16)
            for index in 0..<1_600 { perPartition[Int(IDGenerator.mix(UInt64(index * stride)) >> 60)] += 1 }
            #expect(perPartition.allSatisfy { (50...150).contains($0) }, "stride \(stride): \(perPartition)")
        }
        // Ids from elsewhere (a client's own, longer or shorter) still map to one partition, always the same.
        for foreign in ["order-1", "4f1c6a0e-9d52-11ee-b9d1-0242ac120002", "", "zzzzzzzzzzzzzzz"] {
            #expect((0..<16).contains(IDGenerator.partition(of: foreign)))
            #expect(IDGenerator.partition(of: foreign) == IDGenerator.partition(of: foreign))
            #expect(IDGenerator.partition(of: IDGenerator.next(partitionOf: foreign)) == IDGenerator.partition(of: foreign))
        }
    }
}
