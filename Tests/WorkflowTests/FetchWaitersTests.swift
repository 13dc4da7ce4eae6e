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
        async let other: Void = waiters.wait(topics: ["b"], for: .milliseconds(300))
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
}
