// SPDX-License-Identifier: Apache-2.0
import Testing

@testable import Workflow

/// Partitions by core: a fetch visits every partition once, its own core's first (but not always), and the
/// instances a core starts live in its partitions.
struct CoreAffinityTests {
    @Test func everyFetchOrderVisitsEachPartitionOnce() {
        for start in 0..<16 {
            for classes in [1, 2, 4] {
                let order = Array(CoreAffinity.FetchOrder(start: start, classes: classes, count: 16))
                #expect(order.sorted() == Array(0..<16), "start \(start), \(classes) classes: \(order)")
                #expect(order.first == start)
                // The start's class first, then each other class in turn.
                let perClass = 16 / classes
                for (index, partition) in order.enumerated() {
                    #expect(partition % classes == (start + index / perClass) % classes)
                }
            }
        }
    }

    @Test func ownClassFirstExceptEvery64thTurnAndStartsRotate() {
        let classes = CoreAffinity.classes
        var firstPartitions: Set<Int> = []
        var foreignFirst = 0
        for _ in 0..<1024 {
            // The thread may move between cores between two calls: take the class the order was made for.
            let order = Array(CoreAffinity.fetchOrder(partitions: 16))
            firstPartitions.insert(order[0])
            let home = CoreAffinity.currentClass
            if order[0] % classes != home { foreignFirst += 1 }
        }
        if classes > 1 {
            #expect((8...32).contains(foreignFirst), "about one turn in 64 starts in another class: \(foreignFirst)")
        }
        #expect(firstPartitions.count == 16, "starts rotate over every partition: \(firstPartitions.sorted())")
    }

    @Test func instancesOfACoreLiveInItsPartitionsAndSpreadThere() {
        let store = MemoryWorkflowStore()
        var counts = [Int](repeating: 0, count: 16)
        var inOwnClass = 0
        for _ in 0..<16_000 {
            let id = store.newInstanceID()
            let partition = IDGenerator.partition(of: id)
            counts[partition] += 1
            if partition % CoreAffinity.classes == CoreAffinity.currentClass { inOwnClass += 1 }
        }
        #expect(inOwnClass > 15_000, "ids name the current core's partitions (a thread rarely moves): \(inOwnClass)")
        // Evenly within the class that got most ids (the thread may have moved once): each of its partitions
        // near its share of that class's ids.
        let classes = CoreAffinity.classes
        let perClass = (0..<classes).map { c in (0..<16).filter { $0 % classes == c }.reduce(0) { $0 + counts[$1] } }
        let dominant = perClass.indices.max { perClass[$0] < perClass[$1] }!
        let share = perClass[dominant] / (16 / classes)
        let home = (0..<16).filter { $0 % classes == dominant }
        #expect(home.allSatisfy { (share * 3 / 4...share * 5 / 4).contains(counts[$0]) }, "\(counts)")
    }
}
