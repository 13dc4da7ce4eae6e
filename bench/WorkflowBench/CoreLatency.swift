// SPDX-License-Identifier: Apache-2.0
import Foundation
import Synchronization

/// `--only cores`: how long a cache line takes to move between two threads (two cores here), one way, in ns.
///
/// Two threads hand a counter back and forth (each waits for its parity, then increments). On this VM the host
/// sometimes places the two vCPUs far apart: then this prints about 200 ns instead of about 50, and whatever the
/// engine's cores share costs four times as much. Printed beside the multi-driver figures so that a run can be read.
func benchCoreLatency(handoffs: Int = 2_000_000) {
    final class Counter: Sendable { let value = Atomic<Int>(0) }
    let counter = Counter()
    let finished = DispatchGroup()
    let began = ContinuousClock.now
    for parity in 0..<2 {
        finished.enter()
        Thread.detachNewThread {
            var done = 0
            while done < handoffs / 2 {
                let value = counter.value.load(ordering: .acquiring)
                if value & 1 == parity {
                    counter.value.store(value + 1, ordering: .releasing)
                    done += 1
                }
            }
            finished.leave()
        }
    }
    finished.wait()
    let nanoseconds = (ContinuousClock.now - began).seconds * 1e9 / Double(handoffs)
    print("core-to-core handoff (one way): \(fmt(nanoseconds, 0)) ns")
}
