// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Testing
import Workflow

/// Typed worker pools on every store: a topic's pool from the model or the server's configuration, fetches scoped
/// to a pool, and each pool's queued and leased counts.
struct WorkerPoolScenarios {
    static func pooled(_ id: String, topic: String, pool: String?) -> String {
        let property = pool.map {
            "<bpmn:extensionElements><camunda:properties><camunda:property name=\"workerPool\" value=\"\($0)\"/></camunda:properties></bpmn:extensionElements>"
        } ?? ""
        return bpmn("\(start) \(task("t", topic, body: property)) \(end) \(chain("start", "t", "end"))", id: id)
    }

    static func counts(_ engine: Engine, _ pool: WorkerPoolType) async throws -> (queued: Int, inFlight: Int) {
        let statistics = try await engine.store.poolStatistics(now: engine.clock.now()).first { $0.pool == pool }
        return (statistics?.queued ?? -1, statistics?.inFlight ?? -1)
    }

    static func fetch(_ engine: Engine, _ pool: WorkerPoolType?, topics: [String] = ["shared", "other"]) async throws -> [ExternalTask] {
        var request = FetchRequest(workerID: "w", maxTasks: 10, usePriority: false,
                                   topics: topics.map { .init(topicName: $0, lockDuration: 10_000) })
        request.workerPool = pool
        return try await engine.fetchAndLock(request).map(\.task)
    }

    @Test(arguments: StoreKind.allCases)
    func poolsFromModelOrConfigurationScopedFetchesAndCounts(kind: StoreKind) async throws {
        let clock = ManualClock()
        let engine = Engine(store: kind.make(), clock: clock, topicPools: ["shared": .ioIntensive])
        let models = [Self.pooled("io", topic: "shared", pool: nil), Self.pooled("cpu", topic: "shared", pool: "CPU_INTENSIVE"),
                      Self.pooled("general", topic: "other", pool: nil)]
        _ = try await engine.deploy(name: "pools", resources: models.enumerated().map {
            .init(name: "m\($0.offset).bpmn", bytes: Array($0.element.utf8))
        })
        for key in ["io", "cpu", "general"] {
            _ = try await engine.startProcessInstance(engine.latestProcess(key: key), businessKey: key, variables: [:])
        }
        #expect(try await Self.counts(engine, .ioIntensive) == (1, 0), "the server's configuration for the topic")
        #expect(try await Self.counts(engine, .cpuIntensive) == (1, 0), "the model's property wins")
        #expect(try await Self.counts(engine, .generalPurpose) == (1, 0))
        #expect(try await Self.counts(engine, .memoryIntensive) == (0, 0))

        let cpu = try await Self.fetch(engine, .cpuIntensive)
        #expect(cpu.map(\.businessKey) == ["cpu"], "a fetch scoped to a pool gets only its tasks")
        let io = try await Self.fetch(engine, .ioIntensive)
        #expect(io.map(\.businessKey) == ["io"] && io.first?.workerPool == .ioIntensive)
        #expect(try await Self.counts(engine, .ioIntensive) == (0, 1))
        #expect(try await Self.counts(engine, .cpuIntensive) == (0, 1))
        #expect(try await Self.counts(engine, .generalPurpose) == (1, 0))

        // A failure backing off is neither queued nor leased; a lease that ran out is queued again.
        try await engine.handleFailure(cpu[0].id, workerID: "w", errorMessage: "x", errorDetails: nil, retries: 1,
                                       retryTimeout: 60_000)
        #expect(try await Self.counts(engine, .cpuIntensive) == (0, 0))
        clock.advance(by: 11)
        #expect(try await Self.counts(engine, .ioIntensive) == (1, 0))
        clock.advance(by: 50)
        #expect(try await Self.counts(engine, .cpuIntensive) == (1, 0), "a back-off that ended is queued, fetched or not")
        let general = try await Self.fetch(engine, nil, topics: ["other"])
        try await engine.complete(general[0].id, workerID: "w")
        #expect(try await Self.counts(engine, .generalPurpose) == (0, 0))
        // Leased again after a lease ran out and after a back-off, then completed: nothing is left queued or leased.
        let again = try await Self.fetch(engine, .ioIntensive) + Self.fetch(engine, .cpuIntensive)
        #expect(Set(again.map(\.businessKey)) == ["io", "cpu"])
        for task in again { try await engine.complete(task.id, workerID: "w") }
        for pool in [WorkerPoolType.ioIntensive, .cpuIntensive, .generalPurpose] {
            #expect(try await Self.counts(engine, pool) == (0, 0), "\(pool)")
        }
    }

    /// The worker whose lease ran out may still complete while no one else locked the task (as in Camunda); by
    /// then a fetch has put it back in its queue, and the complete takes it out of there.
    @Test(arguments: StoreKind.allCases)
    func aCompleteAfterTheLeaseRanOutTakesTheTaskOutOfItsQueue(kind: StoreKind) async throws {
        let clock = ManualClock()
        let engine = Engine(store: kind.make(), clock: clock)
        _ = try await engine.deploy(name: "pools", resources: [
            .init(name: "m.bpmn", bytes: Array(Self.pooled("cpu", topic: "shared", pool: "CPU_INTENSIVE").utf8))])
        _ = try await engine.startProcessInstance(engine.latestProcess(key: "cpu"), businessKey: "cpu", variables: [:])
        let leased = try await Self.fetch(engine, .cpuIntensive)
        #expect(leased.count == 1)
        #expect(try await Self.counts(engine, .cpuIntensive) == (0, 1))
        clock.advance(by: 11)
        #expect(try await Self.fetch(engine, .ioIntensive).isEmpty, "a fetch of another pool puts the task back")
        #expect(try await Self.counts(engine, .cpuIntensive) == (1, 0))
        try await engine.complete(leased[0].id, workerID: "w")
        #expect(try await Self.counts(engine, .cpuIntensive) == (0, 0))
        #expect(try await Self.fetch(engine, nil).isEmpty, "nothing is left to fetch")
        #expect(try await engine.store.queueDepths(topics: ["shared"], now: clock.now()).allSatisfy { $0.queued == 0 })
    }
}

/// Queue depth by topic and priority level on every store (what `/metrics` publishes).
struct QueueDepthScenarios {
    @Test(arguments: StoreKind.allCases)
    func queuedTasksCountedByTopicAndLevel(kind: StoreKind) async throws {
        let clock = ManualClock()
        let engine = Engine(store: kind.make(), clock: clock)
        let model = bpmn("\(start) \(task("t", "depth", attributes: "camunda:taskPriority=\"${p}\"")) \(end) \(chain("start", "t", "end"))",
                         id: "depth")
        _ = try await engine.deploy(name: "depth", resources: [.init(name: "d.bpmn", bytes: Array(model.utf8))])
        for priority in [1500, 1000, 0, 0, 0, -5, -2000] {
            _ = try await engine.startProcessInstance(engine.latestProcess(key: "depth"), businessKey: nil,
                                                      variables: ["p": .long(Int64(priority))])
        }
        func depths() async throws -> [String: Int] {
            let all = try await engine.store.queueDepths(topics: ["depth", "none"], now: clock.now())
            #expect(all.count == 16)
            return Dictionary(all.filter { $0.queued > 0 }.map { ("\($0.topic):\($0.level.name)", $0.queued) }) { $0 + $1 }
        }
        #expect(try await depths() == ["depth:EMERGENCY": 2, "depth:NORMAL": 3, "depth:LOW": 1, "depth:MAINTENANCE": 1])
        let request = FetchRequest(workerID: "w", maxTasks: 2, usePriority: true, topics: [.init(topicName: "depth", lockDuration: 1_000)])
        _ = try await engine.fetchAndLock(request)
        #expect(try await depths() == ["depth:NORMAL": 3, "depth:LOW": 1, "depth:MAINTENANCE": 1], "leased tasks left the queue")
    }
}
