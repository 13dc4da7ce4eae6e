// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Testing
import Workflow

/// The external-task lifecycle: leases, failures, retries, incidents, locks and concurrency, on every store.
struct ExternalTaskScenarios {
    static let one = bpmn("\(start) \(task("work", attributes: "camunda:taskPriority=\"${prio}\"")) \(end) \(chain("start", "work", "end"))")

    @Test(arguments: StoreKind.allCases)
    func onlyTheLockOwnerSettlesATask(kind: StoreKind) async throws {
        let harness = try await Harness(kind, Self.one)
        let id = try await harness.start("p", ["prio": .integer(7)])
        let locked = try #require(try await harness.fetch("work", worker: "a"))
        #expect(locked.task.priority == 7)
        #expect(locked.task.retries == nil, "retries are null until the first failure")
        #expect(try await harness.fetch("work", worker: "b") == nil, "a locked task is not handed out twice")
        let engine = harness.engine
        let wrong = await #expect(throws: WorkflowError.self) {
            try await engine.complete(locked.task.id, workerID: "b")
        }
        #expect(wrong?.code == .wrongWorker)
        #expect(wrong?.message == "External Task \(locked.task.id) cannot be completed by worker 'b'. It is locked by worker 'a'.")
        let missing = await #expect(throws: WorkflowError.self) { try await engine.complete("nope", workerID: "a") }
        #expect(missing?.code == .taskNotFound)
        try await engine.complete(locked.task.id, workerID: "a")
        #expect(try await harness.isRunning(id) == false, "read-your-writes: the finished instance is gone")
        let again = await #expect(throws: WorkflowError.self) { try await engine.complete(locked.task.id, workerID: "a") }
        #expect(again?.code == .taskNotFound)
    }

    @Test(arguments: StoreKind.allCases)
    func failuresBackOffThenRaiseAnIncidentThatRetriesResolve(kind: StoreKind) async throws {
        let harness = try await Harness(kind, Self.one)
        try await harness.start("p", ["prio": .integer(0)])
        let engine = harness.engine
        let first = try #require(try await harness.fetch("work"))
        try await engine.handleFailure(first.task.id, workerID: "worker", errorMessage: "boom", errorDetails: "trace",
                                       retries: 1, retryTimeout: 30_000)
        #expect(try await harness.fetch("work") == nil, "backed off for 30 s")
        try await harness.advance(seconds: 31)
        let second = try #require(try await harness.fetch("work"))
        #expect(second.task.retries == 1)
        #expect(second.task.errorMessage == "boom")
        #expect(second.task.errorDetails == "trace")
        try await engine.handleFailure(second.task.id, workerID: "worker", errorMessage: "still broken", errorDetails: nil,
                                       retries: 0, retryTimeout: 0)
        let incidents = try await engine.store.incidents()
        #expect(incidents.count == 1)
        #expect(incidents.first?.type == Incident.failedExternalTask)
        #expect(incidents.first?.configuration == first.task.id)
        #expect(incidents.first?.message == "still broken")
        #expect(try await harness.fetch("work") == nil, "no retries left: never fetched")
        try await engine.setRetries(first.task.id, retries: 2)
        #expect(try await engine.store.incidents().isEmpty)
        #expect(try await harness.fetch("work")?.task.retries == 2)
    }

    @Test(arguments: StoreKind.allCases)
    func locksExpireExtendAndUnlock(kind: StoreKind) async throws {
        let harness = try await Harness(kind, Self.one)
        try await harness.start("p", ["prio": .integer(0)])
        let engine = harness.engine
        let locked = try #require(try await harness.fetch("work", worker: "a", lock: 10_000))
        try await engine.extendLock(locked.task.id, workerID: "a", newDuration: 20_000)
        try await harness.advance(seconds: 15)
        #expect(try await harness.fetch("work", worker: "b") == nil, "extended to now + 20 s")
        try await harness.advance(seconds: 6)
        let expired = await #expect(throws: WorkflowError.self) {
            try await engine.extendLock(locked.task.id, workerID: "a", newDuration: 1000)
        }
        #expect(expired?.message == "Cannot extend a lock that expired")
        let stolen = try #require(try await harness.fetch("work", worker: "b"), "an expired lock is re-fetchable")
        #expect(stolen.task.id == locked.task.id, "same task id after re-lease")
        let stale = await #expect(throws: WorkflowError.self) { try await engine.complete(locked.task.id, workerID: "a") }
        #expect(stale?.code == .wrongWorker, "the stale worker cannot complete a re-leased task")
        try await engine.unlock(stolen.task.id)
        #expect(try await harness.fetch("work", worker: "c")?.task.workerID == "c")
    }

    @Test(arguments: StoreKind.allCases)
    func priorityOrdersFetchesAndFIFOWithinAPriority(kind: StoreKind) async throws {
        let harness = try await Harness(kind, Self.one)
        let low1 = try await harness.start("p", ["prio": .integer(1)])
        let high = try await harness.start("p", ["prio": .integer(100)])
        let low2 = try await harness.start("p", ["prio": .integer(1)])
        var order: [String] = []
        while let locked = try await harness.fetch("work") { order.append(locked.task.processInstanceID) }
        #expect(order == [high, low1, low2])
    }

    /// Tasks spread over every partition come out of priority fetches of several at a time in one order: highest
    /// priority first, oldest first within a priority, whatever partition each lives in. Halfway, the locks of one
    /// fetch run out: those tasks go back to their places in that order.
    @Test(arguments: StoreKind.allCases)
    func priorityFetchesKeepOneOrderAcrossPartitions(kind: StoreKind) async throws {
        let harness = try await Harness(kind, Self.one)
        let priorities: [Int64] = [0, 5, 100, -3, 5, 0, 1000]
        var expected: [(id: String, priority: Int64, index: Int)] = []
        for index in 0..<90 {
            let priority = priorities[index % priorities.count]
            expected.append((try await harness.start("p", ["prio": .long(priority)]), priority, index))
        }
        expected.sort { $0.priority != $1.priority ? $0.priority > $1.priority : $0.index < $1.index }
        let request = FetchRequest(workerID: "w", maxTasks: 7, usePriority: true,
                                   topics: [.init(topicName: "work", lockDuration: 10_000)])
        let first = try await harness.engine.fetchAndLock(request).map(\.task.processInstanceID)
        #expect(first == expected.prefix(7).map(\.id))
        try await harness.advance(seconds: 11)  // those seven locks ran out: they are first again
        var order: [String] = []
        while case let tasks = try await harness.engine.fetchAndLock(request), !tasks.isEmpty {
            #expect(tasks.count == min(7, expected.count - order.count))
            order += tasks.map(\.task.processInstanceID)
        }
        #expect(order == expected.map(\.id))
    }

    /// Most of the best tasks in one partition: a fetch reads further into that partition's queue than its first
    /// page, and still takes them in order before any other.
    @Test(arguments: StoreKind.allCases)
    func priorityFetchesReadDeepIntoOnePartition(kind: StoreKind) async throws {
        let harness = try await Harness(kind, Self.one)
        for _ in 0..<160 { try await harness.start("p", ["prio": .integer(0)]) }
        let tasks = try await harness.engine.store.externalTasks()
        let crowded = Dictionary(grouping: tasks) { IDGenerator.partition(of: $0.id) }.values.max { $0.count < $1.count }!
        let urgent = Array(crowded.sorted { $0.sequence < $1.sequence }.prefix(12))
        for task in urgent { try await harness.engine.setPriority(task.id, priority: 50) }
        let request = FetchRequest(workerID: "w", maxTasks: 10, usePriority: true,
                                   topics: [.init(topicName: "work", lockDuration: 10_000)])
        let first = try await harness.engine.fetchAndLock(request).map(\.task.id)
        #expect(first == urgent.prefix(10).map(\.id))
        let second = try await harness.engine.fetchAndLock(request).map(\.task.id)
        #expect(second.prefix(2) == urgent.suffix(2).map(\.id)[...])
        let rest = tasks.filter { task in !urgent.contains { $0.id == task.id } }.sorted { $0.sequence < $1.sequence }
        #expect(Array(second.dropFirst(2)) == rest.prefix(8).map(\.id))
    }

    @Test(arguments: StoreKind.allCases)
    func longPollIsAnsweredWhenATaskArrives(kind: StoreKind) async throws {
        let engine = Engine(store: kind.make())
        _ = try await engine.deploy(name: "t", resources: [.init(name: "one.bpmn", bytes: Array(Self.one.utf8))])
        // A lock long enough to outlast a loaded test run: the second fetch must find nothing to re-lock.
        let request = FetchRequest(workerID: "w", maxTasks: 1, usePriority: false,
                                   topics: [.init(topicName: "work", lockDuration: 60_000)])
        let began = Date()
        async let fetched = engine.fetchAndLock(request, asyncResponseTimeout: 10_000)
        try await Task.sleep(for: .milliseconds(50))
        let instance = try await engine.startProcessInstance(
            engine.latestProcess(key: "p"), businessKey: nil, variables: ["prio": .integer(0)])
        let tasks = try await fetched
        #expect(tasks.first?.task.processInstanceID == instance.id)
        #expect(Date().timeIntervalSince(began) < 9.5, "woken by the new task, not by its 10 s timeout")
        let empty = try await engine.fetchAndLock(request, asyncResponseTimeout: 100)
        #expect(empty.isEmpty, "answers [] after the timeout")
    }

    /// A long poll must end by wall time even when the engine's clock stands still (it used to spin forever).
    @Test(.timeLimit(.minutes(1)), arguments: StoreKind.allCases)
    func longPollTimeoutIsWallTimeEvenOnAManualClock(kind: StoreKind) async throws {
        let harness = try await Harness(kind, Self.one)
        let request = FetchRequest(workerID: "w", maxTasks: 1, usePriority: false,
                                   topics: [.init(topicName: "work", lockDuration: 1000)])
        let began = ContinuousClock.now
        let tasks = try await harness.engine.fetchAndLock(request, asyncResponseTimeout: 150)
        let elapsed = ContinuousClock.now - began
        #expect(tasks.isEmpty)
        #expect(elapsed >= .milliseconds(140), "it waited for its timeout")
    }

    @Test(arguments: StoreKind.allCases)
    func parallelBranchesCompletedAtOnceJoinExactlyOnce(kind: StoreKind) async throws {
        let model = bpmn("""
            \(start) <bpmn:parallelGateway id="fork"/> <bpmn:parallelGateway id="join"/>
            \(task("a")) \(task("b")) \(task("c")) \(task("d")) \(task("after")) \(end)
            \(flow("start", "fork")) \(flow("fork", "a")) \(flow("fork", "b")) \(flow("fork", "c")) \(flow("fork", "d"))
            \(flow("a", "join")) \(flow("b", "join")) \(flow("c", "join")) \(flow("d", "join"))
            \(chain("join", "after", "end"))
            """)
        let harness = try await Harness(kind, model)
        for _ in 0..<20 {
            let id = try await harness.start()
            var tasks: [String] = []
            for topic in ["a", "b", "c", "d"] { tasks.append(try #require(try await harness.fetch(topic)).task.id) }
            let engine = harness.engine
            try await withThrowingTaskGroup(of: Void.self) { group in
                for taskID in tasks {
                    group.addTask { try await engine.complete(taskID, workerID: "worker", variables: ["done_\(taskID)": .boolean(true)]) }
                }
                try await group.waitForAll()
            }
            #expect(try await harness.openTopics(id) == ["after"])
            #expect(try await harness.variables(id).count == 4, "no lost update")
            try await harness.complete("after")
        }
    }
}
