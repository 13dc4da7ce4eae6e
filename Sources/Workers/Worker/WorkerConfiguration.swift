// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Workflow

/// How a worker process runs its handlers: concurrency per pool type, locks, long polling, retries and drain.
public struct WorkerConfiguration: Sendable {
    /// Sent with every call; a lock belongs to it.
    public var workerID: String
    /// Handlers running at once per pool type (`concurrency(for:)` falls back to `defaultConcurrency`).
    public var concurrency: [WorkerPoolType: Int]
    /// The lock taken per task, milliseconds; the heartbeat extends it while the handler runs.
    public var lockDuration: Int64
    /// How long a fetch may wait for work (Camunda's `asyncResponseTimeout`), milliseconds.
    public var longPoll: Int64
    /// On SIGTERM: in-flight handlers get this long to finish; what is still running then is unlocked.
    public var gracePeriod: Duration
    public var circuitBreaker: CircuitBreaker.Configuration
    /// Retries a task gets at its first failure when the engine has none recorded (Camunda's `retries` is null
    /// until the first failure); each further failure takes one.
    public var retries: Int
    /// The back-off between those retries: base × 2^n with jitter, capped.
    public var retryPolicy: RetryPolicy
    /// Pools that size their own concurrency on the engine's load signal (the configured concurrency is the start).
    public var adaptive: [WorkerPoolType: AdaptiveConcurrency] = [:]

    public init(
        workerID: String = WorkerConfiguration.defaultWorkerID(), concurrency: [WorkerPoolType: Int] = [:],
        lockDuration: Int64 = 30_000, longPoll: Int64 = 20_000, gracePeriod: Duration = .seconds(25),
        circuitBreaker: CircuitBreaker.Configuration = .init(), retries: Int = 3,
        retryPolicy: RetryPolicy = RetryPolicy(baseMilliseconds: 1_000, capMilliseconds: 60_000)
    ) {
        self.workerID = workerID
        self.concurrency = concurrency
        self.lockDuration = max(1, lockDuration)
        self.longPoll = max(0, longPoll)
        self.gracePeriod = gracePeriod
        self.circuitBreaker = circuitBreaker
        self.retries = max(0, retries)
        self.retryPolicy = retryPolicy
    }

    public func concurrency(for pool: WorkerPoolType) -> Int {
        max(1, concurrency[pool] ?? Self.defaultConcurrency(for: pool))
    }

    /// Derived from the core count: CPU-bound work one per core, waiting (IO, network) work many per core,
    /// memory-hungry work few.
    public static func defaultConcurrency(for pool: WorkerPoolType, cores: Int = ProcessInfo.processInfo.activeProcessorCount) -> Int {
        let cores = max(1, cores)
        switch pool {
        case .cpuIntensive: return cores
        case .ioIntensive: return max(16, 8 * cores)
        case .networkIntensive: return max(32, 16 * cores)
        case .memoryIntensive: return max(1, cores / 2)
        case .generalPurpose: return 2 * cores
        }
    }

    /// `host-pid`, as Camunda's clients name their workers.
    public static func defaultWorkerID() -> String {
        "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
    }

    /// Reads `POOL=N,POOL=N` (pool names as in the models, or short: `cpu`, `io`, `memory`, `network`, `general`).
    public static func parseConcurrency(_ text: String) throws -> [WorkerPoolType: Int] {
        var result: [WorkerPoolType: Int] = [:]
        for entry in text.split(separator: ",") where !entry.trimmingCharacters(in: .whitespaces).isEmpty {
            let parts = entry.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let pool = WorkerPoolType(lenient: parts[0]), let count = Int(parts[1]), count > 0 else {
                throw VariableCodingError(description: "concurrency '\(entry)': expected POOL=N with N > 0 and POOL one of "
                    + WorkerPoolType.allCases.map(\.rawValue).joined(separator: ", "))
            }
            result[pool] = count
        }
        return result
    }
}

/// A handler subscribed to a topic, with the pool it runs in.
public struct TopicSubscription: Sendable {
    public let topic: String
    public let pool: WorkerPoolType
    /// Overrides the configuration's lock duration for this topic (milliseconds).
    public let lockDuration: Int64?
    /// The variables to fetch (nil: all).
    public let variables: [String]?
    public let handler: @Sendable (WorkerTask) async throws -> TaskOutcome

    public init(topic: String, pool: WorkerPoolType = .generalPurpose, lockDuration: Int64? = nil,
                variables: [String]? = nil, handler: @escaping @Sendable (WorkerTask) async throws -> TaskOutcome) {
        self.topic = topic
        self.pool = pool
        self.lockDuration = lockDuration
        self.variables = variables
        self.handler = handler
    }

    /// A typed handler: the task's variables decode into `Input`, the returned `Output`'s properties become the
    /// completion's variables; throw `BPMNError` for the business error path.
    public static func typed<Input: Decodable, Output: Encodable>(
        topic: String, pool: WorkerPoolType = .generalPurpose, lockDuration: Int64? = nil, variables: [String]? = nil,
        _ handler: @escaping @Sendable (Input, WorkerTask) async throws -> Output
    ) -> TopicSubscription {
        TopicSubscription(topic: topic, pool: pool, lockDuration: lockDuration, variables: variables) { task in
            try .complete(encoding: try await handler(try task.decode(Input.self), task))
        }
    }
}
