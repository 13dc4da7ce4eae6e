// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Synchronization
import Testing
@testable import Workers
import Workflow

/// Fetches of one replica that run at once (`FetchClaims`): they take different tasks, and a fetch that passed over
/// another's pick still takes it when that fetch cannot.
struct FetchClaimsScenarios {
    /// A fresh namespace on the test Redis and an engine that writes into it.
    static func writer() throws -> (RedisEndpoint, RedisKeys, Engine) {
        let endpoint = try RedisEndpoint(url: ProcessInfo.processInfo.environment["REDIS_URL"] ?? "")
        let keys = RedisKeys(namespace: "wf-test-\(IDGenerator.next()):")
        return (endpoint, keys, Engine(store: RedisWorkflowStore(RedisClient(endpoint), keys: keys)))
    }

    /// Counts the picks sent to the lock script, and holds the fetches' first queue reads until `readers` of them
    /// wait, so that they read the same queue heads at the same moment.
    final class SimultaneousReads: RedisConnector {
        let base: any RedisConnector
        let readers: Int
        let picks = Mutex(0)
        private let waiting = Mutex(0)
        init(_ base: any RedisConnector, readers: Int) { (self.base, self.readers) = (base, readers) }
        var endpoints: [RedisEndpoint] { base.endpoints }
        func pipeline(_ commands: [RedisCommand]) async throws -> [RedisReply] {
            let words = commands.map { $0.arguments.map { String(decoding: $0, as: UTF8.self) } }
            if words.first?.first == "ZCOUNT" {  // a fetch's first read of the queues (`positions`)
                waiting.withLock { $0 += 1 }
                let deadline = ContinuousClock.now + .seconds(2)
                while waiting.withLock({ $0 }) < readers, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
            }
            let replies = try await base.pipeline(commands)
            // A script the server did not have yet is loaded and the same pipeline sent again: count that one.
            guard !replies.contains(where: { if case .error(let message) = $0 { message.hasPrefix("NOSCRIPT") } else { false } })
            else { return replies }
            picks.withLock { count in
                for command in words where command.count > 6 && command[0] == "EVALSHA" && command[1] == RedisScripts.lockChosen.sha1 {
                    count += Int(command[6]) ?? 0
                }
            }
            return replies
        }
        func loadScript(_ script: RedisScript) async throws { try await base.loadScript(script) }
    }

    /// Fetches of one replica that read the queue at the same moment take different tasks: each passes over the
    /// picks another is locking, instead of sending the same picks to the lock script for all but one to lose.
    @Test(.enabled(if: TestRedis.client != nil, "needs REDIS_URL"))
    func simultaneousFetchesOfOneReplicaPickDifferentTasks() async throws {
        let (endpoint, keys, writer) = try Self.writer()
        _ = try await writer.deploy(name: "one", resources: [.init(name: "p.bpmn", bytes: Array(ReplicaScenarios.parallel.utf8))])
        let process = try writer.latestProcess(key: "p")
        for _ in 1...80 { _ = try await writer.startProcessInstance(process, businessKey: nil, variables: [:]) }
        let connector = SimultaneousReads(RedisClient(endpoint), readers: 4)
        let reader = Engine(store: RedisWorkflowStore(connector, keys: keys))
        let fetches = try await withThrowingTaskGroup(of: [String].self) { group in
            for n in 0..<4 {
                group.addTask {
                    let request = FetchRequest(workerID: "w\(n)", maxTasks: 10, usePriority: true,
                                               topics: [.init(topicName: "a", lockDuration: 60_000)])
                    return try await reader.fetchAndLock(request).map(\.task.id)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(fetches.map(\.count) == [10, 10, 10, 10])
        #expect(Set(fetches.joined()).count == 40, "no task handed out twice")
        #expect(connector.picks.withLock { $0 } == 40, "every pick sent to the lock script was locked")
    }

    /// Holds one worker's lock scripts until `release()`, so that another fetch runs while that one locks.
    final class HeldLock: RedisConnector {
        let base: any RedisConnector
        let worker: String
        let holding = Mutex(false)
        private let released = Mutex(false)
        init(_ base: any RedisConnector, worker: String) { (self.base, self.worker) = (base, worker) }
        var endpoints: [RedisEndpoint] { base.endpoints }
        func release() { released.withLock { $0 = true } }
        func pipeline(_ commands: [RedisCommand]) async throws -> [RedisReply] {
            let held = commands.contains { command in
                let words = command.arguments.prefix(6).map { String(decoding: $0, as: UTF8.self) }
                return words.count == 6 && words[0] == "EVALSHA" && words[1] == RedisScripts.lockChosen.sha1 && words[5] == worker
            }
            if held {
                holding.withLock { $0 = true }
                let deadline = ContinuousClock.now + .seconds(5)
                while !released.withLock({ $0 }), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
            }
            return try await base.pipeline(commands)
        }
        func loadScript(_ script: RedisScript) async throws { try await base.loadScript(script) }
    }

    /// A fetch that passed over the task another fetch was locking takes it when that fetch cannot (here: the other
    /// fetch is for another worker pool), instead of coming back empty while the task waits.
    @Test(.enabled(if: TestRedis.client != nil, "needs REDIS_URL"))
    func aFetchTakesThePickAnotherFetchCouldNotLock() async throws {
        let (endpoint, keys, writer) = try Self.writer()
        let models = [WorkerPoolScenarios.pooled("cpu", topic: "shared", pool: "CPU_INTENSIVE"),
                      WorkerPoolScenarios.pooled("io", topic: "shared", pool: "IO_INTENSIVE")]
        _ = try await writer.deploy(name: "pools", resources: models.enumerated().map {
            .init(name: "m\($0.offset).bpmn", bytes: Array($0.element.utf8))
        })
        // The CPU task first: the head of the queue.
        for key in ["cpu", "io"] { _ = try await writer.startProcessInstance(writer.latestProcess(key: key), businessKey: key, variables: [:]) }
        func request(_ worker: String, _ pool: WorkerPoolType) -> FetchRequest {
            var request = FetchRequest(workerID: worker, maxTasks: 1, usePriority: true,
                                       topics: [.init(topicName: "shared", lockDuration: 60_000)])
            request.workerPool = pool
            return request
        }
        let connector = HeldLock(RedisClient(endpoint), worker: "io-worker")
        let reader = Engine(store: RedisWorkflowStore(connector, keys: keys))
        // The IO fetch claims the head (a CPU task, which it cannot take) and is held in its lock script.
        let io = Task { try await reader.fetchAndLock(request("io-worker", .ioIntensive)) }
        let deadline = ContinuousClock.now + .seconds(5)
        while !connector.holding.withLock({ $0 }), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        let cpu = try await reader.fetchAndLock(request("cpu-worker", .cpuIntensive))
        connector.release()
        #expect(cpu.map(\.task.businessKey) == ["cpu"], "the CPU task the IO fetch had claimed")
        #expect(try await io.value.map(\.task.businessKey) == ["io"])
    }
}
