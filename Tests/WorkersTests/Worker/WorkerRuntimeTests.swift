// SPDX-License-Identifier: Apache-2.0
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing
import Workflow

@testable import Workers

/// The worker runtime against a real engine (memory store) through `EngineTransport`, in real time.
@Suite(.timeLimit(.minutes(1)))
struct WorkerRuntimeTests {
    struct Input: Decodable { let n: Int; let label: String }
    struct Output: Encodable { let doubled: Int; let tags: [String] }

    @Test func typedHandlersCompleteEveryTaskWithTheirOutput() async throws {
        let harness = try await WorkerHarness(oneTaskModel())
        try await harness.start(20, variables: ["n": .integer(21), "label": .string("x")])
        let worker = harness.run(.init(workerID: workerTestID, longPoll: 200), [
            .typed(topic: "work", pool: .cpuIntensive) { (input: Input, _) in
                Output(doubled: input.n * 2, tags: [input.label, "done"])
            },
        ])
        try await harness.waitUntil("20 instances completed") { try await harness.completedInstances() == 20 }
        try await worker.stop()
        let variables = try await harness.engine.historicVariableInstances()
        #expect(variables.filter { $0.name == "doubled" }.map(\.value) == Array(repeating: .integer(42), count: 20))
        #expect(variables.first { $0.name == "tags" }?.value == .json(["x", "done"]))
    }

    @Test func aThrownErrorIsAFailureWithBackOffUntilAnIncident() async throws {
        let harness = try await WorkerHarness(oneTaskModel())
        let (id) = try await harness.start(1)[0]
        let observer = RecordingObserver()
        let configuration = WorkerConfiguration(
            workerID: workerTestID, longPoll: 100, circuitBreaker: .init(failureThreshold: 100), retries: 2,
            retryPolicy: RetryPolicy(baseMilliseconds: 150, capMilliseconds: 1_000, jitter: 0))
        let worker = harness.run(configuration, [
            TopicSubscription(topic: "work") { _ in throw VariableCodingError(description: "database down") },
        ], observer: observer)
        try await harness.waitUntil("an incident") { try await !harness.engine.store.incidents().isEmpty }
        try await worker.stop()
        let runs = observer.times(of: .started)
        // retries: 2 at the first failure, then 1, then 0 (the incident); each retry waits base × 2^(n-1).
        #expect(runs.count == 3)
        #expect(runs[1] - runs[0] >= .milliseconds(140))
        #expect(runs[2] - runs[1] >= .milliseconds(290))
        let task = try #require(try await harness.engine.store.externalTasks().first { $0.processInstanceID == id })
        #expect(task.retries == 0)
        #expect(task.errorMessage == "database down")
    }

    @Test func aBPMNErrorTakesTheBoundaryPath() async throws {
        let harness = try await WorkerHarness(oneTaskModel())
        try await harness.start(3, variables: ["n": .integer(1)])
        let seen = Mutex<[String]>([])
        let worker = harness.run(.init(workerID: workerTestID, longPoll: 100), [
            TopicSubscription(topic: "work") { _ in throw BPMNError(code: "REJECTED", message: "not today") },
            TopicSubscription(topic: "work.rejected") { task in
                seen.withLock { $0.append(try! task.variable("why", as: String.self)) }
                return .complete()
            },
        ])
        try await harness.waitUntil("3 instances completed") { try await harness.completedInstances() == 3 }
        try await worker.stop()
        #expect(seen.withLock { $0 } == ["not today", "not today", "not today"])
    }

    @Test func theHeartbeatKeepsTheLockWhileTheHandlerRuns() async throws {
        let harness = try await WorkerHarness(oneTaskModel())
        try await harness.start(1)
        let observer = RecordingObserver()
        // A 2 s lock and a 5 s handler: without the heartbeat (every 1 s) the lock runs out twice over. (A 1 s lock
        // left the heartbeat 0.5 s of slack, which a loaded machine running the whole suite sometimes overran.)
        let worker = harness.run(.init(workerID: workerTestID, lockDuration: 2_000, longPoll: 100), [
            TopicSubscription(topic: "work") { _ in
                try await Task.sleep(for: .seconds(5))
                return .complete()
            },
        ], observer: observer)
        try await harness.waitUntil("the handler runs") { observer.count(.started) == 1 }
        // Another worker keeps trying to take the task while the handler runs.
        var stolen = 0
        let thief = FetchRequest(workerID: "thief", maxTasks: 1, usePriority: false,
                                 topics: [.init(topicName: "work", lockDuration: 10_000)])
        let until = ContinuousClock.now + .milliseconds(4_500)
        while ContinuousClock.now < until {
            stolen += try await harness.engine.fetchAndLock(thief).count
            try await Task.sleep(for: .milliseconds(50))
        }
        try await harness.waitUntil("the instance completed") { try await harness.completedInstances() == 1 }
        try await worker.stop()
        #expect(stolen == 0)
        #expect(observer.events.withLock { $0.map(\.event) } == [.started, .handled("complete"), .settled("complete")])
    }

    @Test func aLostLockCancelsTheHandlerAndNothingIsReported() async throws {
        let harness = try await WorkerHarness(oneTaskModel())
        let instances = try await harness.start(2)
        let observer = RecordingObserver()
        let cancelled = Mutex(0)
        // A 1 s lock: the heartbeat asks for more every 500 ms, and finds the first instance's task gone. (At 400 ms, a
        // loaded test run once let a lock run out before its first extension.)
        let worker = harness.run(.init(workerID: workerTestID, concurrency: [.generalPurpose: 2], lockDuration: 1_000,
                                       longPoll: 100), [
            TopicSubscription(topic: "work") { task in
                guard task.processInstanceID == instances[0] else { return .complete() }
                do { try await Task.sleep(for: .seconds(20)) } catch {
                    cancelled.withLock { $0 += 1 }
                    throw error
                }
                return .complete()
            },
        ], observer: observer)
        try await harness.waitUntil("both handlers ran") { observer.count(.started) == 2 }
        try await harness.engine.deleteProcessInstance(instances[0])
        try await harness.waitUntil("the lock was found lost") { observer.count(.lockLost) == 1 }
        try await worker.stop()
        #expect(cancelled.withLock { $0 } == 1)
        #expect(try await harness.completedInstances() == 1)
        // The second task's complete only: the cancelled handler's outcome is neither handled nor reported.
        #expect(observer.count(.handled("complete")) == 1)
        #expect(observer.count(.settled("complete")) == 1)
        #expect(observer.count(.handled("failure")) == 0)
    }

    @Test func drainLetsRunningHandlersFinish() async throws {
        let harness = try await WorkerHarness(oneTaskModel())
        try await harness.start(4)
        let observer = RecordingObserver()
        let worker = harness.run(.init(workerID: workerTestID, concurrency: [.generalPurpose: 4], longPoll: 5_000,
                                       gracePeriod: .seconds(5)), [
            TopicSubscription(topic: "work") { _ in
                try await Task.sleep(for: .milliseconds(400))
                return .complete()
            },
        ], observer: observer)
        try await harness.waitUntil("4 handlers running") { observer.count(.started) == 4 }
        let began = ContinuousClock.now
        await worker.group.triggerGracefulShutdown()
        // Work that arrives during the drain is left for other workers.
        try await harness.start(1)
        try await worker.task.value
        #expect(ContinuousClock.now - began < .seconds(4), "did not wait out the 5 s grace period")
        #expect(try await harness.completedInstances() == 4)
        #expect(observer.count(.settled("complete")) == 4)
        #expect(observer.count(.started) == 4)
    }

    @Test func drainUnlocksWhatOutlivesTheGracePeriod() async throws {
        let harness = try await WorkerHarness(oneTaskModel())
        try await harness.start(2)
        let observer = RecordingObserver()
        let worker = harness.run(.init(workerID: workerTestID, lockDuration: 60_000, longPoll: 5_000,
                                       gracePeriod: .milliseconds(200)), [
            TopicSubscription(topic: "work") { _ in
                try await Task.sleep(for: .seconds(30))
                return .complete()
            },
        ], observer: observer)
        try await harness.waitUntil("2 handlers running") { observer.count(.started) == 2 }
        let began = ContinuousClock.now
        try await worker.stop()
        #expect(ContinuousClock.now - began < .seconds(5), "cut off after the grace period, not after the 30 s handler")
        #expect(observer.count(.unlocked) == 2)
        // Back in the queue at once, not after the 60 s lock.
        let next = try await harness.engine.fetchAndLock(
            FetchRequest(workerID: "next", maxTasks: 5, usePriority: false, topics: [.init(topicName: "work", lockDuration: 1_000)]))
        #expect(next.count == 2)
    }

    @Test func anOutcomeReturnedAfterTheGracePeriodIsStillReported() async throws {
        let harness = try await WorkerHarness(oneTaskModel())
        try await harness.start(1)
        let observer = RecordingObserver()
        let worker = harness.run(.init(workerID: workerTestID, longPoll: 5_000, gracePeriod: .milliseconds(100)), [
            TopicSubscription(topic: "work") { _ in
                // Work that does not stop when cancelled (a blocking call, a thread pool job already running).
                let until = ContinuousClock.now + .milliseconds(600)
                while ContinuousClock.now < until { usleep(10_000) }
                return .complete()
            },
        ], observer: observer)
        try await harness.waitUntil("the handler runs") { observer.count(.started) == 1 }
        try await worker.stop()
        #expect(observer.count(.settled("complete")) == 1, "the finished work is reported, not given back")
        #expect(observer.count(.unlocked) == 0)
        #expect(try await harness.completedInstances() == 1)
    }

    @Test func theCircuitOpensProbesReopensAndCloses() async throws {
        let harness = try await WorkerHarness(oneTaskModel())
        try await harness.start(8)
        let observer = RecordingObserver()
        let calls = Atomic(0)
        let configuration = WorkerConfiguration(
            workerID: workerTestID, concurrency: [.generalPurpose: 1], longPoll: 100,
            circuitBreaker: .init(failureThreshold: 3, openDuration: .milliseconds(1_500)), retries: 10,
            retryPolicy: RetryPolicy(baseMilliseconds: 1, capMilliseconds: 1, jitter: 0))
        let worker = harness.run(configuration, [
            TopicSubscription(topic: "work") { _ in
                // The first four calls fail: three open the circuit, the fourth is the probe, which reopens it.
                if calls.wrappingAdd(1, ordering: .relaxed).newValue <= 4 { return .fail("down", retries: 9, retryTimeout: 1) }
                return .complete()
            },
        ], observer: observer)
        try await harness.waitUntil("8 instances completed") { try await harness.completedInstances() == 8 }
        try await worker.stop()
        let runs = observer.times(of: .started)
        #expect(runs.count == 12)
        // Fast retries before the circuit opens; then a pause of one open duration before each probe.
        #expect(runs[2] - runs[0] < .milliseconds(1_200))
        #expect(runs[3] - runs[2] >= .milliseconds(1_490))
        #expect(runs[4] - runs[3] >= .milliseconds(1_490))
        // Closed again after the successful probe: the rest run back to back.
        #expect(runs[11] - runs[5] < .milliseconds(1_200))
    }
}

/// Adaptive concurrency: the pool grows on its queue and shrinks after the stabilisation window.
@Suite(.timeLimit(.minutes(1)))
struct AdaptiveConcurrencyTests {
    @Test func theFormulaFollowsTheDemandPerWorkerWithinBounds() {
        let adaptive = AdaptiveConcurrency(bounds: 2...16)
        #expect(adaptive.target(current: 4, demand: 40, workers: 1) == 16)
        #expect(adaptive.target(current: 4, demand: 40, workers: 4) == 10)
        #expect(adaptive.target(current: 10, demand: 42, workers: 4) == 10, "within the tolerance")
        #expect(adaptive.target(current: 8, demand: 0, workers: 3) == 2)
    }

    @Test func aPoolGrowsOnItsQueueAndShrinksWhenItEmpties() async throws {
        let harness = try await WorkerHarness(oneTaskModel())
        try await harness.start(40)
        let running = Atomic(0), peak = Atomic(0)
        var configuration = WorkerConfiguration(workerID: workerTestID, concurrency: [.generalPurpose: 1], longPoll: 100)
        configuration.adaptive[.generalPurpose] = AdaptiveConcurrency(
            bounds: 1...8, interval: .milliseconds(50), scaleDownWindow: .milliseconds(300))
        let runtime = WorkerRuntime(transport: harness.transport, configuration: configuration, subscriptions: [
            TopicSubscription(topic: "work") { _ in
                let now = running.wrappingAdd(1, ordering: .relaxed).newValue
                _ = peak.max(now, ordering: .relaxed)
                try await Task.sleep(for: .milliseconds(100))
                running.wrappingSubtract(1, ordering: .relaxed)
                return .complete()
            },
        ])
        let group = ServiceGroup(services: [runtime], logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let task = Task { try await group.run() }
        try await harness.waitUntil("grown to 8") { runtime.concurrency(of: .generalPurpose) == 8 }
        try await harness.waitUntil("40 instances completed") { try await harness.completedInstances() == 40 }
        #expect(peak.load(ordering: .relaxed) > 4, "ran more than its first size at once")
        try await harness.waitUntil("back to 1") { runtime.concurrency(of: .generalPurpose) == 1 }
        await group.triggerGracefulShutdown()
        try await task.value
    }
}
