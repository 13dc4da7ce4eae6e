// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Logging
import Synchronization
import Testing
@testable import Workers
import Workflow

/// Two engine replicas on one Redis, each with its own connections (as two `workflow serve` processes would be).
struct ReplicaScenarios {
    static let parallel = bpmn("""
        \(start) <bpmn:parallelGateway id="fork"/> <bpmn:parallelGateway id="join"/>
        \(task("a")) \(task("b")) \(task("after")) \(end)
        \(flow("start", "fork")) \(flow("fork", "a")) \(flow("fork", "b")) \(flow("a", "join")) \(flow("b", "join"))
        \(chain("join", "after", "end"))
        """)

    static func replicas() throws -> (Engine, Engine, RedisWorkflowStore) {
        let endpoint = try RedisEndpoint(url: ProcessInfo.processInfo.environment["REDIS_URL"] ?? "")
        let keys = RedisKeys(namespace: "wf-test-\(IDGenerator.next()):")
        let storeA = RedisWorkflowStore(RedisClient(endpoint), keys: keys)
        let storeB = RedisWorkflowStore(RedisClient(endpoint), keys: keys)
        return (Engine(store: storeA), Engine(store: storeB), storeB)
    }

    static func fetch(_ engine: Engine, _ topic: String, wait: Int64? = nil) async throws -> Engine.LockedTask? {
        let request = FetchRequest(workerID: "w", maxTasks: 1, usePriority: true, topics: [.init(topicName: topic, lockDuration: 60_000)])
        return try await engine.fetchAndLock(request, asyncResponseTimeout: wait).first
    }

    @Test(.enabled(if: TestRedis.client != nil, "needs REDIS_URL"))
    func replicasShareDefinitionsInstancesWakeUpsAndJoins() async throws {
        let (a, b, storeB) = try Self.replicas()
        _ = try await a.deploy(name: "replicas", resources: [.init(name: "p.bpmn", bytes: Array(Self.parallel.utf8))])
        // B has never seen the definition: it loads it when asked.
        let first = try await b.startProcessInstance(try await b.resolveLatestProcess(key: "p"), businessKey: "r1", variables: [:])
        #expect(try await a.processInstance(first.id).businessKey == "r1")

        // A long poll parked on B wakes when A creates a task (pub/sub), long before its 10 s timeout.
        let subscriber = Task {
            try await RedisSubscriber(endpoints: storeB.redis.endpoints, channel: storeB.keys.signals,
                                      logger: Logger(label: "test")) { b.announced(topics: [$0]) }.run()
        }
        defer { subscriber.cancel() }
        try await Task.sleep(for: .milliseconds(300))  // subscribed
        for topic in ["a", "b"] { _ = try #require(try await Self.fetch(a, topic)) }  // drain the first instance's tasks
        let began = ContinuousClock.now
        async let parked = Self.fetch(b, "a", wait: 10_000)
        try await Task.sleep(for: .milliseconds(200))
        let second = try await a.startProcessInstance(try a.latestProcess(key: "p"), businessKey: "r2", variables: [:])
        let woken = try #require(try await parked)
        #expect(woken.task.processInstanceID == second.id)
        #expect(ContinuousClock.now - began < .seconds(3), "woken by the other replica's task, not the timeout")

        // The two branches of one instance completed at the same moment on different replicas join exactly once.
        for round in 0..<10 {
            let instance = try await a.startProcessInstance(try a.latestProcess(key: "p"), businessKey: "j\(round)", variables: [:])
            var branchA: Engine.LockedTask?
            var branchB: Engine.LockedTask?
            while branchA?.task.processInstanceID != instance.id { branchA = try await Self.fetch(a, "a") }
            while branchB?.task.processInstanceID != instance.id { branchB = try await Self.fetch(b, "b") }
            async let doneA: Void = a.complete(branchA!.task.id, workerID: "w", variables: ["fromA": .boolean(true)])
            async let doneB: Void = b.complete(branchB!.task.id, workerID: "w", variables: ["fromB": .boolean(true)])
            _ = try await (doneA, doneB)
            let tasks = try await a.store.externalTasks().filter { $0.processInstanceID == instance.id }
            #expect(tasks.map(\.topicName) == ["after"], "one token passed the join")
            let variables = try await b.processInstance(instance.id).variables
            #expect(variables["fromA"] == .boolean(true) && variables["fromB"] == .boolean(true), "no lost update")
        }
    }

    /// A replica settles a task from the task and instance it remembers from the fetch. When the other replica
    /// changed them meanwhile, the commit is refused and the step reads Redis again: the other branch's variables
    /// survive, and a worker whose lock ran out and whose task went to another worker is told so.
    @Test(.enabled(if: TestRedis.client != nil, "needs REDIS_URL"))
    func aRememberedLeaseThatWentStaleIsReadAgain() async throws {
        let (a, b, _) = try Self.replicas()
        _ = try await a.deploy(name: "replicas", resources: [.init(name: "p.bpmn", bytes: Array(Self.parallel.utf8))])
        let instance = try await a.startProcessInstance(try a.latestProcess(key: "p"), businessKey: nil, variables: [:])
        let branchA = try #require(try await Self.fetch(a, "a"))  // A remembers the instance as it was here
        let branchB = try #require(try await Self.fetch(b, "b"))
        try await b.complete(branchB.task.id, workerID: "w", variables: ["fromB": .integer(1)])
        try await a.complete(branchA.task.id, workerID: "w", variables: ["fromA": .integer(2)])
        let variables = try await b.processInstance(instance.id).variables
        #expect(variables["fromA"] == .integer(2) && variables["fromB"] == .integer(1), "B's step was not overwritten")
        let after = try #require(try await Self.fetch(b, "after"), "the join fired once")
        #expect(after.task.processInstanceID == instance.id)
        #expect(try await Self.fetch(a, "after") == nil)

        // A lock that runs out: the task goes to another worker through B; A's worker cannot complete it any more.
        let short = FetchRequest(workerID: "w1", maxTasks: 1, usePriority: true, topics: [.init(topicName: "a", lockDuration: 50)])
        let next = try await a.startProcessInstance(try a.latestProcess(key: "p"), businessKey: nil, variables: [:])
        let leased = try #require(try await a.fetchAndLock(short).first)
        #expect(leased.task.processInstanceID == next.id)
        try await Task.sleep(for: .milliseconds(120))
        let again = FetchRequest(workerID: "w2", maxTasks: 1, usePriority: true, topics: [.init(topicName: "a", lockDuration: 60_000)])
        let taken = try #require(try await b.fetchAndLock(again).first)
        #expect(taken.task.id == leased.task.id)
        let refused = await #expect(throws: WorkflowError.self) { try await a.complete(leased.task.id, workerID: "w1") }
        #expect(refused?.code == .wrongWorker)
        try await a.complete(taken.task.id, workerID: "w2")
        #expect(try await a.store.externalTask(taken.task.id) == nil, "completed once, by the worker that holds it")

        // A's lease went stale and the new holder reports through A: A judges the owner on a fresh read.
        let fourth = try await a.startProcessInstance(try a.latestProcess(key: "p"), businessKey: nil, variables: [:])
        let first = try #require(try await a.fetchAndLock(short).first)
        #expect(first.task.processInstanceID == fourth.id)
        try await Task.sleep(for: .milliseconds(120))
        let holder = try #require(try await b.fetchAndLock(again).first)
        #expect(holder.task.id == first.task.id)
        try await a.complete(holder.task.id, workerID: "w2")
        #expect(try await a.store.externalTask(holder.task.id) == nil)

        // The task changed since A handed it out (B extended the lock and set its retries): A's worker still
        // completes it, with the instance as it is now.
        let third = try await a.startProcessInstance(try a.latestProcess(key: "p"), businessKey: nil, variables: [:])
        let held = try #require(try await a.fetchAndLock(again).first)
        #expect(held.task.processInstanceID == third.id)
        try await b.extendLock(held.task.id, workerID: "w2", newDuration: 120_000)
        try await b.setRetries(held.task.id, retries: 7)
        try await a.complete(held.task.id, workerID: "w2", variables: ["late": .boolean(true)])
        #expect(try await a.store.externalTask(held.task.id) == nil)
        #expect(try await b.processInstance(third.id).variables["late"] == .boolean(true))
    }

    /// Counts the round trips a Redis client makes. A script call that found its script gone (NOSCRIPT: the
    /// script-reload scenarios flush the scripts of the same server meanwhile) did nothing and is sent again after
    /// the load: not counted.
    final class CountingConnector: RedisConnector {
        let base: any RedisConnector
        let calls = Mutex(0)
        /// Top-level reads of an instance record (`HGET`/`HMGET` on a partition's `inst` hash).
        let instanceReads = Mutex(0)
        init(_ base: any RedisConnector) { self.base = base }
        var endpoints: [RedisEndpoint] { base.endpoints }
        func pipeline(_ commands: [RedisCommand]) async throws -> [RedisReply] {
            let reads = commands.filter { command in
                let words = command.arguments.prefix(2).map { String(decoding: $0, as: UTF8.self) }
                return words.count == 2 && ["HGET", "HMGET"].contains(words[0].uppercased()) && words[1].hasSuffix(":inst")
            }
            instanceReads.withLock { $0 += reads.count }
            let replies = try await base.pipeline(commands)
            let scriptWasGone = replies.contains { if case .error(let message) = $0 { message.hasPrefix("NOSCRIPT") } else { false } }
            if !scriptWasGone { calls.withLock { $0 += 1 } }
            return replies
        }
        func loadScript(_ script: RedisScript) async throws { try await base.loadScript(script) }
    }

    @Test(.enabled(if: TestRedis.client != nil, "needs REDIS_URL"))
    func completingATaskThisReplicaHandedOutIsOneRoundTrip() async throws {
        let endpoint = try RedisEndpoint(url: ProcessInfo.processInfo.environment["REDIS_URL"] ?? "")
        let counting = CountingConnector(RedisClient(endpoint))
        let engine = Engine(store: RedisWorkflowStore(counting, keys: RedisKeys(namespace: "wf-test-\(IDGenerator.next()):")))
        _ = try await engine.deploy(name: "one", resources: [.init(name: "p.bpmn", bytes: Array(Self.parallel.utf8))])
        _ = try await engine.startProcessInstance(try engine.latestProcess(key: "p"), businessKey: nil, variables: [:])
        let locked = try #require(try await Self.fetch(engine, "a"))
        let before = counting.calls.withLock { $0 }
        try await engine.complete(locked.task.id, workerID: "w", variables: ["done": .boolean(true)])
        #expect(counting.calls.withLock { $0 } - before == 1, "the commit only: the task and its instance came from the fetch")
        // Taken once: a task that is asked for again is read (here: it is gone).
        await #expect(throws: WorkflowError.self) { try await engine.complete(locked.task.id, workerID: "w") }
    }

    /// The lock script reads each locked task's instance beside it: a replica that never saw the instances hands out
    /// their variables without reading an instance record after the lock, with plain fetches and `usePriority`.
    @Test(.enabled(if: TestRedis.client != nil, "needs REDIS_URL"), arguments: [false, true])
    func aFetchReadsTheInstancesWithTheLock(usePriority: Bool) async throws {
        let endpoint = try RedisEndpoint(url: ProcessInfo.processInfo.environment["REDIS_URL"] ?? "")
        let keys = RedisKeys(namespace: "wf-test-\(IDGenerator.next()):")
        let writer = Engine(store: RedisWorkflowStore(RedisClient(endpoint), keys: keys))
        _ = try await writer.deploy(name: "one", resources: [.init(name: "p.bpmn", bytes: Array(Self.parallel.utf8))])
        let process = try writer.latestProcess(key: "p")
        for n in 1...3 { _ = try await writer.startProcessInstance(process, businessKey: nil, variables: ["n": .integer(Int32(n))]) }
        let counting = CountingConnector(RedisClient(endpoint))
        let reader = Engine(store: RedisWorkflowStore(counting, keys: keys))
        let request = FetchRequest(workerID: "w", maxTasks: 3, usePriority: usePriority,
                                   topics: [.init(topicName: "a", lockDuration: 60_000)])
        let locked = try await reader.fetchAndLock(request)
        #expect(Set(locked.map { $0.variables["n"] }) == [.integer(1), .integer(2), .integer(3)])
        #expect(counting.instanceReads.withLock { $0 } == 0)
        // One task alone (the engine's one-task path) the same way.
        _ = try await writer.startProcessInstance(process, businessKey: nil, variables: ["n": .integer(4)])
        let one = try await reader.fetchAndLock(.init(workerID: "w", maxTasks: 1, usePriority: usePriority,
                                                      topics: [.init(topicName: "a", lockDuration: 60_000)]))
        #expect(one.map { $0.variables["n"] } == [.integer(4)])
        #expect(counting.instanceReads.withLock { $0 } == 0)
    }

    /// An instance record that does not decode fails the fetch, and the task it locked is given back at once, not
    /// left locked until its lock runs out.
    @Test(.enabled(if: TestRedis.client != nil, "needs REDIS_URL"))
    func aFetchWhoseInstanceDoesNotDecodeGivesItsTaskBack() async throws {
        let endpoint = try RedisEndpoint(url: ProcessInfo.processInfo.environment["REDIS_URL"] ?? "")
        let keys = RedisKeys(namespace: "wf-test-\(IDGenerator.next()):")
        let client = RedisClient(endpoint)
        let writer = Engine(store: RedisWorkflowStore(client, keys: keys))
        _ = try await writer.deploy(name: "one", resources: [.init(name: "p.bpmn", bytes: Array(Self.parallel.utf8))])
        let id = try await writer.startProcessInstance(try writer.latestProcess(key: "p"), businessKey: nil, variables: [:]).id
        try await client.send("HSET", keys.prefix(RedisKeys.partition(of: id)) + "inst", id, "{not json")
        let reader = Engine(store: RedisWorkflowStore(client, keys: keys))
        await #expect(throws: (any Error).self) { try await Self.fetch(reader, "a") }
        let tasks = try await reader.store.externalTasks().filter { $0.topicName == "a" }
        #expect(tasks.count == 1)
        #expect(tasks.allSatisfy { !$0.isLocked(at: Date()) }, "the task was given back")
    }
}
