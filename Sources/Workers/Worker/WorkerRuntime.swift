// SPDX-License-Identifier: Apache-2.0
import BPMN
import Logging
import ServiceLifecycle
import Synchronization
import Workflow

/// The worker runtime: runs handlers for their topics, each worker pool type with its own concurrency, over any
/// `ExternalTaskTransport`. A `Service`: run it in the program's `ServiceGroup`; on graceful shutdown (SIGTERM) it
/// stops fetching, lets running handlers finish within the grace period, unlocks what is left, and returns.
///
/// Per task: fetched with a lock, the handler runs while a heartbeat extends the lock, its outcome (or a thrown
/// error, as a failure with back-off) is reported, and the topic's circuit breaker counts it.
public final class WorkerRuntime: Service {
    public let transport: any ExternalTaskTransport
    public let configuration: WorkerConfiguration
    public let subscriptions: [TopicSubscription]
    let logger: Logger
    let observer: (any WorkerObserver)?
    private let state = Atomic(0)  // 0 starting, 1 fetching, 2 draining or stopped
    private let processors = Mutex<[WorkerPoolType: PoolProcessor]>([:])

    /// How many handlers the pool runs at once now (moves with adaptive concurrency); nil before `run`.
    public func concurrency(of pool: WorkerPoolType) -> Int? { processors.withLock { $0[pool]?.capacity } }

    /// True while the runtime fetches work: started, and not draining (a readiness probe's answer).
    public var isFetching: Bool { state.load(ordering: .relaxed) == 1 }

    public init(transport: any ExternalTaskTransport, configuration: WorkerConfiguration = .init(),
                subscriptions: [TopicSubscription], logger: Logger = Logger(label: "workflow.worker"),
                observer: (any WorkerObserver)? = nil) {
        self.transport = transport
        self.configuration = configuration
        self.subscriptions = subscriptions
        self.logger = logger
        self.observer = observer
    }

    public func run() async throws {
        let byPool = Dictionary(grouping: subscriptions, by: \.pool)
        logger.info("worker started", metadata: [
            "workerId": "\(configuration.workerID)",
            "pools": "\(byPool.keys.map { "\($0.rawValue)=\(configuration.concurrency(for: $0))" }.sorted().joined(separator: ","))",
            "topics": "\(subscriptions.map(\.topic).joined(separator: ","))",
        ])
        state.store(1, ordering: .relaxed)
        defer { state.store(2, ordering: .relaxed) }
        await withGracefulShutdownHandler {
            await runPools(byPool)
        } onGracefulShutdown: {
            self.state.store(2, ordering: .relaxed)
        }
        logger.info("worker stopped", metadata: ["workerId": "\(configuration.workerID)"])
    }

    private func runPools(_ byPool: [WorkerPoolType: [TopicSubscription]]) async {
        await withDiscardingTaskGroup { group in
            for (pool, subscriptions) in byPool {
                let processor = PoolProcessor(
                    pool: pool, capacity: configuration.concurrency(for: pool), subscriptions: subscriptions, runtime: self)
                processors.withLock { $0[pool] = processor }
                group.addTask { await processor.run() }
            }
        }
    }
}

/// What the runtime did with a task, for activity logs, metrics and tests.
public enum WorkerEvent: Sendable, Hashable {
    /// The handler is about to run.
    case started
    /// The handler returned this outcome (`TaskOutcome.kind`); it is not reported yet.
    case handled(String)
    /// The engine accepted the outcome.
    case settled(String)
    /// The engine refused the outcome or could not be reached before the lock ran out.
    case settleFailed(String)
    /// Given back without an outcome: fetched while draining or for an open circuit, or cut off by the drain.
    case unlocked
    /// The heartbeat found the lock gone (expired and taken, or the task removed); the handler was cancelled.
    case lockLost
}

/// Receives every `WorkerEvent`; called on the worker's tasks, so it must be cheap and thread-safe.
public protocol WorkerObserver: Sendable {
    func record(_ event: WorkerEvent, task: WorkerTask)
}
