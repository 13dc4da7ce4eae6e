// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Workflow
@testable import WorkflowAPI

/// fetchAndLock with `asyncResponseTimeout`: parked requests, woken by new or unlocked tasks. Real-clock engines.
struct LongPollingTests {
    static func longPoll(_ topic: String, worker: String = "w1", timeout: Int) -> String {
        """
        {"workerId":"\(worker)","maxTasks":1,"asyncResponseTimeout":\(timeout),\
        "topics":[{"topicName":"\(topic)","lockDuration":10000}]}
        """
    }

    @Test func answersEmptyAfterTheTimeout() async throws {
        let harness = try await APIHarness(clock: SystemClock())
        try await harness.run { client in
            let started = ContinuousClock.now
            let response = try await client.call(.post, "/external-task/fetchAndLock", Self.longPoll("topic.a", timeout: 200))
            let elapsed = ContinuousClock.now - started
            #expect(response.status == .ok)
            #expect(try response.json() == .array([]))
            #expect(elapsed >= .milliseconds(150), "the request was parked, not answered at once")
            #expect(elapsed < .seconds(5), "the request was answered about when its timeout passed")
        }
    }

    @Test func availableTaskIsReturnedImmediately() async throws {
        let harness = try await APIHarness(clock: SystemClock())
        try await harness.run { client in
            _ = try await client.start()
            let started = ContinuousClock.now
            let response = try await client.call(.post, "/external-task/fetchAndLock", Self.longPoll("topic.a", timeout: 20_000))
            #expect(ContinuousClock.now - started < .seconds(5))
            #expect(try response.json().arrayValue?.count == 1)
        }
    }

    @Test func parkedRequestIsAnsweredByAConcurrentStart() async throws {
        let harness = try await APIHarness(clock: SystemClock())
        try await harness.run { client in
            let started = ContinuousClock.now
            async let parked = client.call(.post, "/external-task/fetchAndLock", Self.longPoll("topic.a", timeout: 20_000))
            try await Task.sleep(for: .milliseconds(150))
            let instanceID = try await client.start()
            let response = try await parked
            #expect(ContinuousClock.now - started < .seconds(10), "woken by the new task, not by the timeout")
            let tasks = try #require(try response.json().arrayValue)
            #expect(tasks.count == 1)
            #expect(tasks.first?["processInstanceId"] == .string(instanceID))
            #expect(tasks.first?["workerId"] == "w1")
        }
    }

    @Test func parkedRequestIsAnsweredWhenATaskIsUnlocked() async throws {
        let harness = try await APIHarness(clock: SystemClock())
        try await harness.run { client in
            _ = try await client.start()
            let id = try #require(try await client.fetch("topic.a", worker: "w1").first?["id"]?.stringValue)
            let started = ContinuousClock.now
            async let parked = client.call(
                .post, "/external-task/fetchAndLock", Self.longPoll("topic.a", worker: "w2", timeout: 20_000))
            try await Task.sleep(for: .milliseconds(150))
            #expect(try await client.call(.post, "/external-task/\(id)/unlock").status == .noContent)
            let response = try await parked
            #expect(ContinuousClock.now - started < .seconds(10))
            let task = try #require(try response.json()[0])
            #expect(task["id"] == .string(id) && task["workerId"] == "w2")
        }
    }

    @Test func otherTopicsDoNotAnswerAParkedRequest() async throws {
        let harness = try await APIHarness(clock: SystemClock())
        try await harness.run { client in
            async let parked = client.call(.post, "/external-task/fetchAndLock", Self.longPoll("topic.b", timeout: 400))
            try await Task.sleep(for: .milliseconds(100))
            _ = try await client.start()  // creates a topic.a task only
            #expect(try await parked.json() == .array([]))
            #expect(try await client.fetch("topic.a").count == 1, "the topic.a task stayed unlocked")
        }
    }

    @Test func zeroTimeoutAnswersAtOnce() async throws {
        let harness = try await APIHarness(clock: SystemClock())
        try await harness.run { client in
            let started = ContinuousClock.now
            let response = try await client.call(.post, "/external-task/fetchAndLock", Self.longPoll("topic.a", timeout: 0))
            #expect(try response.json() == .array([]))
            // Not parked: nothing ever creates a task here, so a fetch that parked would not answer at all. The bound
            // leaves room for a loaded CI machine (one run took 2.05 s there).
            #expect(ContinuousClock.now - started < .seconds(8))
        }
    }

    @Test func parkedRequestWakesWhenAFailedTasksRetryTimeoutEnds() async throws {
        let harness = try await APIHarness(clock: SystemClock())
        try await harness.run { client in
            _ = try await client.start()
            let id = try #require(try await client.fetch("topic.a", worker: "w1", lockDuration: 60_000).first?["id"]?.stringValue)
            // w2 parks while the task is locked for a minute; then w1 fails it with a short back-off.
            let started = ContinuousClock.now
            async let parked = client.call(
                .post, "/external-task/fetchAndLock", Self.longPoll("topic.a", worker: "w2", timeout: 20_000))
            try await Task.sleep(for: .milliseconds(150))
            let failure = #"{"workerId":"w1","retries":2,"retryTimeout":300}"#
            #expect(try await client.call(.post, "/external-task/\(id)/failure", failure).status == .noContent)
            let task = try #require(try await parked.json()[0])
            let elapsed = ContinuousClock.now - started
            #expect(task["id"] == .string(id) && task["workerId"] == "w2" && task["retries"] == 2)
            #expect(elapsed >= .milliseconds(400), "not before the back-off ended")
            #expect(elapsed < .seconds(10), "woken when the back-off ended, not at the 20 s timeout")
        }
    }

    @Test func parkedRequestWakesWhenALockExpires() async throws {
        let harness = try await APIHarness(clock: SystemClock())
        try await harness.run { client in
            _ = try await client.start()
            let id = try #require(try await client.fetch("topic.a", worker: "w1", lockDuration: 60_000).first?["id"]?.stringValue)
            // w2 parks while the lock has a minute to run; then w1 shortens its lock to 300 ms.
            let started = ContinuousClock.now
            async let parked = client.call(
                .post, "/external-task/fetchAndLock", Self.longPoll("topic.a", worker: "w2", timeout: 20_000))
            try await Task.sleep(for: .milliseconds(150))
            let extend = #"{"workerId":"w1","newDuration":300}"#
            #expect(try await client.call(.post, "/external-task/\(id)/extendLock", extend).status == .noContent)
            let task = try #require(try await parked.json()[0])
            let elapsed = ContinuousClock.now - started
            #expect(task["id"] == .string(id) && task["workerId"] == "w2")
            #expect(elapsed >= .milliseconds(400), "not before the lock expired")
            #expect(elapsed < .seconds(10), "woken when the lock expired, not at the 20 s timeout")
        }
    }

    @Test func everyParkedWorkerIsServedOnce() async throws {
        let harness = try await APIHarness(clock: SystemClock())
        try await harness.run { client in
            let workers = ["w1", "w2", "w3"]
            try await withThrowingTaskGroup(of: String?.self) { group in
                for worker in workers {
                    group.addTask {
                        let response = try await client.call(
                            .post, "/external-task/fetchAndLock", Self.longPoll("topic.a", worker: worker, timeout: 20_000))
                        return try response.json()[0]?["workerId"]?.stringValue
                    }
                    try await Task.sleep(for: .milliseconds(50))
                }
                try await Task.sleep(for: .milliseconds(100))
                for _ in workers {
                    _ = try await client.start()
                    try await Task.sleep(for: .milliseconds(20))
                }
                var served: [String] = []
                for try await worker in group { served += worker.map { [$0] } ?? [] }
                #expect(served.sorted() == workers, "each parked worker got exactly one of the three tasks")
            }
        }
    }
}
