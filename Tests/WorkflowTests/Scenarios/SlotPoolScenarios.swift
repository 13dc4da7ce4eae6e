// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Synchronization
import Testing
import Workflow

/// Slot pools on every store: a pool's leases never hold more slots than it has, and every way a lease ends gives
/// its slots back.
struct SlotPoolScenarios {
    static func pooled(pool: String, slots: Int) -> String {
        let properties = """
            <bpmn:extensionElements><camunda:properties>
              <camunda:property name="slotPool" value="\(pool)"/><camunda:property name="slots" value="\(slots)"/>
            </camunda:properties></bpmn:extensionElements>
            """
        return bpmn("\(start) \(task("work", "pooled", body: properties)) \(end) \(chain("start", "work", "end"))")
    }

    static func plainFetch(_ engine: Engine, worker: String = "w", max: Int = 10, lock: Int64 = 10_000) async throws
        -> [ExternalTask]
    {
        let request = FetchRequest(workerID: worker, maxTasks: max, usePriority: false,
                                   topics: [.init(topicName: "pooled", lockDuration: lock)])
        return try await engine.fetchAndLock(request).map(\.task)
    }

    static func occupied(_ engine: Engine, _ pool: String) async throws -> Int? {
        try await engine.store.slotPools(now: engine.clock.now()).first { $0.name == pool }?.occupiedSlots
    }

    @Test(arguments: StoreKind.allCases)
    func leasesNeverExceedThePoolAndEveryEndGivesSlotsBack(kind: StoreKind) async throws {
        let harness = try await Harness(kind, Self.pooled(pool: "test_pool", slots: 1))
        let engine = harness.engine
        try await engine.store.resizeSlotPool("test_pool", slots: 3)
        for _ in 0..<5 { try await harness.start() }
        let first = try await Self.plainFetch(engine)
        #expect(first.count == 3, "three slots, three leases")
        #expect(try await Self.occupied(engine, "test_pool") == 3)
        #expect(try await Self.plainFetch(engine).isEmpty, "the pool is full")
        #expect(try await harness.fetch("pooled") == nil, "also for a priority fetch")

        try await engine.complete(first[0].id, workerID: "w")
        #expect(try await Self.plainFetch(engine).count == 1, "complete gives the slot back")
        try await engine.unlock(first[1].id)
        #expect(try await Self.plainFetch(engine).count == 1, "unlock gives it back")
        #expect(try await Self.plainFetch(engine).isEmpty)
        try await engine.handleFailure(first[2].id, workerID: "w", errorMessage: "x", errorDetails: nil, retries: 2,
                                       retryTimeout: 0)
        #expect(try await Self.occupied(engine, "test_pool") == 2, "failure gives it back")
        let again = try #require(try await harness.fetch("pooled"), "and the failed task is leased again")
        try await engine.handleBpmnError(again.task.id, workerID: "worker", errorCode: "E", errorMessage: nil)
        #expect(try await Self.occupied(engine, "test_pool") == 2, "a BPMN error gives it back")

        // Leases that run out free their slots: the remaining tasks are leased by another worker.
        harness.clock.advance(by: 11)
        #expect(try await Self.occupied(engine, "test_pool") == 0)
        let retaken = try await Self.plainFetch(engine, worker: "w2")
        #expect(retaken.count == 3 && retaken.allSatisfy { $0.workerID == "w2" }, "5 started, 1 completed, 1 ended by the error")

        // Shrinking keeps held slots; nothing more is leased until leases end below the new size.
        try await engine.store.resizeSlotPool("test_pool", slots: 1)
        try await harness.start()
        #expect(try await Self.plainFetch(engine).isEmpty)
        for task in retaken { try await engine.complete(task.id, workerID: "w2") }
        #expect(try await Self.plainFetch(engine).count == 1)
        let pools = try await engine.store.slotPools(now: engine.clock.now())
        #expect(pools.first { $0.name == "test_pool" } == SlotPool(name: "test_pool", slots: 1, occupiedSlots: 1))
        #expect(pools.first { $0.name == "etl_pool" }?.slots == 24 && pools.first { $0.name == "dq_pool" }?.slots == 8)
    }

    @Test(arguments: StoreKind.allCases)
    func aTaskTakesItsSlotCountAndAnUnknownPoolHasNone(kind: StoreKind) async throws {
        let harness = try await Harness(kind, Self.pooled(pool: "dq_pool", slots: 3),
                                        bpmn("\(start) \(task("other", "pooled", body: """
                                            <bpmn:extensionElements><camunda:properties>
                                              <camunda:property name="slotPool" value="nowhere"/>
                                            </camunda:properties></bpmn:extensionElements>
                                            """)) \(end) \(chain("start", "other", "end"))", id: "q"))
        let engine = harness.engine
        for _ in 0..<3 { try await harness.start() }
        try await harness.start("q")
        let leased = try await Self.plainFetch(engine)
        #expect(leased.count == 2, "dq_pool has 8 slots: two tasks of 3 fit, a third does not; 'nowhere' has none")
        #expect(leased.allSatisfy { $0.slotPool == "dq_pool" })
        #expect(try await Self.occupied(engine, "dq_pool") == 6)
        try await engine.store.resizeSlotPool("nowhere", slots: 1)
        #expect(try await Self.plainFetch(engine).map(\.slotPool) == ["nowhere"], "a pool created at run time")
    }

    /// Tasks of a full pool at the head of the queue do not hide the tasks behind them, for plain and priority fetches.
    @Test(arguments: StoreKind.allCases)
    func aFullPoolsTasksDoNotBlockOthers(kind: StoreKind) async throws {
        let harness = try await Harness(kind, Self.pooled(pool: "closed_pool", slots: 1),
                                        bpmn("\(start) \(task("free", "pooled")) \(end) \(chain("start", "free", "end"))", id: "q"))
        let engine = harness.engine
        for _ in 0..<5 { try await harness.start() }  // closed_pool was never created: no slots, these wait
        let free = try await harness.start("q")
        let plain = try await Self.plainFetch(engine, max: 1)
        #expect(plain.map(\.processInstanceID) == [free], "the plain fetch looks past the waiting pool tasks")
        try await engine.unlock(plain[0].id)
        let prioritised = try #require(try await harness.fetch("pooled"))
        #expect(prioritised.task.processInstanceID == free, "and so does a priority fetch")
    }

    /// Eight workers compete for 60 tasks of a 5-slot pool, fetching up to 3 at a time: the leases they hold (counted
    /// from a fetch's answer until just before its complete, so never more than the store holds) never exceed 5,
    /// and the store's own count never does either; every task completes exactly once.
    @Test(arguments: StoreKind.allCases)
    func competingWorkersNeverHoldMoreThanThePool(kind: StoreKind) async throws {
        let harness = try await Harness(kind, Self.pooled(pool: "race_pool", slots: 1))
        let engine = harness.engine
        try await engine.store.resizeSlotPool("race_pool", slots: 5)
        for _ in 0..<60 { try await harness.start() }
        let counter = Counter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    var idle = 0
                    while idle < 50 {
                        let tasks = try await Self.plainFetch(engine, worker: "w\(worker)", max: 3)
                        guard !tasks.isEmpty else {
                            idle += 1
                            await Task.yield()
                            continue
                        }
                        idle = 0
                        counter.add(tasks.count, ids: tasks.map(\.id))
                        let held = try await Self.occupied(engine, "race_pool") ?? 0
                        counter.observe(store: held)
                        for task in tasks {
                            counter.add(-1, ids: [])
                            try await engine.complete(task.id, workerID: "w\(worker)")
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(counter.maxHeld <= 5 && counter.maxStore <= 5, "held at most \(counter.maxHeld), store \(counter.maxStore)")
        #expect(counter.maxHeld >= 2, "the workers did overlap")
        #expect(counter.completed.count == 60 && Set(counter.completed).count == 60, "every task once")
        #expect(try await engine.store.instances(definitionKey: nil).isEmpty)
    }
}

/// Leases held by the workers of a test, and the most seen at once.
final class Counter: Sendable {
    private struct State {
        var held = 0, maxHeld = 0, maxStore = 0
        var completed: [String] = []
    }

    private let state = Mutex(State())

    func add(_ delta: Int, ids: [String]) {
        state.withLock { state in
            state.held += delta
            state.maxHeld = max(state.maxHeld, state.held)
            state.completed += ids
        }
    }

    func observe(store held: Int) { state.withLock { $0.maxStore = max($0.maxStore, held) } }

    var maxHeld: Int { state.withLock { $0.maxHeld } }
    var maxStore: Int { state.withLock { $0.maxStore } }
    var completed: [String] { state.withLock { $0.completed } }
}
