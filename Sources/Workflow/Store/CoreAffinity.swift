// SPDX-License-Identifier: Apache-2.0
import CCurrentCPU
import Foundation

/// Store partitions grouped by core, so that the steps of one core mostly touch tables no other core writes.
///
/// On two cores, when a core started an instance in any of the 16 partitions and a step on the other core then
/// fetched or completed it, every table and lock of the step crossed between the cores' caches. Where the host
/// places the two vCPUs far apart, that made four in-process drivers on two cores slower than one on one core,
/// while two separate processes each ran at full speed beside each other.
///
/// The partitions form `classes` classes (`partition % classes`), one per core up to 4: an instance started on
/// core `c` (`MemoryWorkflowStore.newInstanceID`) lives in a partition of class `c % classes`, spread evenly within
/// it, and a plain fetch on that core looks in its own class first. Every 64th fetch of a thread looks in the
/// other classes first, so a core's backlog never starves tasks filed by another core. At most 4 classes keep at
/// least 4 partitions (locks) for the instances a single busy core starts. Which partition an instance lives in
/// changes nothing else: any partition is valid. The Redis store keeps an even spread (its cost is the network,
/// and a Redis Cluster wants its slots evenly loaded).
enum CoreAffinity {
    /// The largest power of two not above the core count, at most 4.
    static let classes: Int = {
        let cores = max(1, min(4, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))))
        return 1 << (Int.bitWidth - 1 - cores.leadingZeroBitCount)
    }()

    /// The class of the core the caller runs on.
    static var currentClass: Int { Int(ccurrentcpu_get()) & (classes - 1) }

    /// A partition of the current core's class, chosen by the top bits of `value` (a well-mixed number).
    static func partition(spreading value: UInt64) -> Int {
        (Int(value >> 60) & ~(classes - 1)) | currentClass
    }

    /// The partitions in the order a plain fetch on this thread visits them: its core's class first, starting at
    /// the next partition in turn, then the other classes; every 64th turn the other classes first.
    static func fetchOrder(partitions count: Int) -> FetchOrder {
        let turn = nextTurn()
        let perClass = count / classes
        let home = currentClass
        // Each turn starts one partition further along the home class; a foreign turn, further along the next.
        let foreign = classes > 1 && turn % 64 == 63
        let firstClass = foreign ? (home + 1) & (classes - 1) : home
        let position = (foreign ? turn / 64 : turn) % perClass
        return FetchOrder(start: firstClass + classes * position, classes: classes, count: count)
    }

    /// A per-thread counter (no shared write).
    static func nextTurn() -> Int {
        let words = IDGenerator.threadWords()
        defer { words[2] &+= 1 }
        return Int(truncatingIfNeeded: words[2])
    }

    /// `start`, then the rest of its class, then each following class (wrapping), each from the same offset.
    struct FetchOrder: Sequence {
        let start: Int
        let classes: Int
        let count: Int

        func makeIterator() -> Iterator { Iterator(order: self) }

        struct Iterator: IteratorProtocol {
            let order: FetchOrder
            var index = 0

            mutating func next() -> Int? {
                guard index < order.count else { return nil }
                defer { index += 1 }
                let perClass = order.count / order.classes
                let (classOffset, step) = index.quotientAndRemainder(dividingBy: perClass)
                // Same position within the class, moved `classOffset` classes on, then `step` partitions along it.
                return (order.start + classOffset + step * order.classes) % order.count
            }
        }
    }
}
