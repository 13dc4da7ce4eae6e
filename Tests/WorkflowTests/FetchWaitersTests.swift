// SPDX-License-Identifier: Apache-2.0
import Testing

@testable import Workflow

/// The long-poll waiter: every wait ends by its timeout, a notify, or cancellation, however short the timeout.
struct FetchWaitersTests {
    @Test(.timeLimit(.minutes(1)))
    func tinyTimeoutsAlwaysEnd() async {
        let waiters = FetchWaiters()
        for _ in 0..<2_000 { await waiters.wait(topics: ["t"], for: .nanoseconds(1)) }
        #expect(waiters.isEmpty)
    }

    @Test(.timeLimit(.minutes(1)))
    func notifyWakesOnlyMatchingTopics() async throws {
        let waiters = FetchWaiters()
        async let matching: Void = waiters.wait(topics: ["a"], for: .seconds(30))
        // Long enough to outlast the matching wake-up on a loaded machine (300 ms once did not).
        async let other: Void = waiters.wait(topics: ["b"], for: .seconds(5))
        while waiters.count < 2 { try await Task.sleep(for: .milliseconds(5)) }
        waiters.notify(topics: ["a"])
        await matching
        #expect(waiters.count == 1, "the waiter on another topic is still parked")
        await other
        #expect(waiters.isEmpty)
    }

    @Test(.timeLimit(.minutes(1)))
    func cancellationEndsAWait() async throws {
        let waiters = FetchWaiters()
        let task = Task { await waiters.wait(topics: ["a"], for: .seconds(60)) }
        while waiters.count < 1 { try await Task.sleep(for: .milliseconds(5)) }
        task.cancel()
        await task.value
        #expect(waiters.isEmpty)
    }

    @Test(.timeLimit(.minutes(1)))
    func aNoticeBeforeParkingIsNotLost() async {
        let waiters = FetchWaiters()
        waiters.startWatching()  // as a fetch that may park does before its first look at the store
        defer { waiters.stopWatching() }
        let epoch = waiters.epoch
        waiters.notify(topics: ["a"])  // nobody parked yet: only the epoch records it
        let started = ContinuousClock.now
        await waiters.wait(topics: ["a"], for: .seconds(30), since: epoch)
        #expect(ContinuousClock.now - started < .seconds(5), "the wait saw the notice and did not park")
        #expect(waiters.isEmpty)
    }

    @Test
    func noticesWithNobodyWatchingLeaveTheEpochAlone() {
        let waiters = FetchWaiters()
        let before = waiters.epoch
        waiters.notify(topics: ["a"])
        waiters.expiring(topic: "a", after: .seconds(1))
        waiters.notifyAll()
        #expect(waiters.epoch == before, "no fetch may park: the shared counter is not written")
        waiters.startWatching()
        waiters.notify(topics: ["a"])
        #expect(waiters.epoch != before, "a watching fetch sees the notice")
        waiters.stopWatching()
    }

    @Test(.timeLimit(.minutes(1)))
    func anExpiringLockShortensTheWait() async throws {
        let waiters = FetchWaiters()
        let started = ContinuousClock.now
        async let parked: Void = waiters.wait(topics: ["a"], for: .seconds(30))
        while waiters.count < 1 { try await Task.sleep(for: .milliseconds(5)) }
        waiters.expiring(topic: "b", after: .milliseconds(50))  // another topic: no effect
        waiters.expiring(topic: "a", after: .milliseconds(100))
        await parked
        #expect(ContinuousClock.now - started < .seconds(5), "woken when the lock ran out, not at 30 s")
    }

    @Test(.timeLimit(.minutes(1)))
    func notifyResumesOldestTicketFirst() async throws {
        let waiters = FetchWaiters()
        let tickets = (0..<4).map { _ in waiters.ticket() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (parkedSoFar, ticket) in tickets.reversed().enumerated() {  // the newest request parks first
                group.addTask { await waiters.wait(ticket: ticket, topics: ["a"], for: .seconds(30)) }
                while waiters.count <= parkedSoFar { try await Task.sleep(for: .milliseconds(5)) }
            }
            let resumed = waiters.notify(topics: ["a"])
            #expect(resumed == tickets, "resumed in ticket order, not in order of parking")
            try await group.waitForAll()
        }
    }
}
