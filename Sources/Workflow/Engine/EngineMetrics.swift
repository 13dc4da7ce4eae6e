// SPDX-License-Identifier: Apache-2.0
import Foundation
import Metrics
import Synchronization

/// The engine's counters and its fetch-to-complete timer, through the swift-metrics API (the program chooses the
/// backend: `workflow serve` exports them at `/metrics` in Prometheus format). Metric objects are made once per
/// label set and cached.
///
/// It also remembers the leases this replica handed out (task, topic, when, until when), to time each task from
/// its fetch to its outcome and to count the locks that ran out. A lease settled or extended through another
/// replica is not seen here: its sample is missing, and its expiry is not counted twice.
public final class EngineMetrics: Sendable {
    /// One topic's counters and timer (a reference: a lease carries its topic's, so settling needs no lookup).
    final class TopicMetrics: Sendable {
        let fetched, completed, failed, bpmnErrors, lockExpirations: Counter
        let duration: Metrics.Timer

        init(_ name: String) {
            let labels = [("topic", name)]
            fetched = Counter(label: "workflow_tasks_fetched_total", dimensions: labels)
            completed = Counter(label: "workflow_tasks_completed_total", dimensions: labels)
            failed = Counter(label: "workflow_tasks_failed_total", dimensions: labels)
            bpmnErrors = Counter(label: "workflow_tasks_bpmn_errors_total", dimensions: labels)
            lockExpirations = Counter(label: "workflow_lock_expirations_total", dimensions: labels)
            duration = Metrics.Timer(label: "workflow_task_duration_seconds", dimensions: labels, preferredDisplayUnit: .seconds)
        }
    }

    struct Lease: Sendable {
        let topic: String
        let metrics: TopicMetrics
        let worker: String?
        /// The task's failure count when leased: a failure reported since (through any replica) is not an expiry.
        let failures: Int?
        let fetched: ContinuousClock.Instant
        var expires: Date
    }

    /// A process's instance counters: started, and ended by end state.
    struct ProcessMetrics {
        let started: Counter
        var ended: [String: Counter] = [:]
    }

    private let topics = Sharded<[String: TopicMetrics]> { [:] }
    private let processes = Sharded<[String: ProcessMetrics]> { [:] }
    private let leases = Sharded<[String: Lease]> { [:] }
    /// More leases than this per shard are not tracked (a replica that hands out tasks nobody settles must not grow).
    static let maxTrackedLeases = 1_000_000 / 16

    public init() {}

    /// A topic's metrics, from the shard of `shardKey` (a task id): every shard caches every topic it has seen, so
    /// workers of one busy topic on different cores do not all meet on one lock.
    func topic(_ name: String, shardKey: String? = nil) -> TopicMetrics {
        topics.withLock(shardKey ?? name) { cache in
            if let cached = cache[name] { return cached }
            let made = TopicMetrics(name)
            cache[name] = made
            return made
        }
    }

    /// Counted in the shard of the instance (each shard caches the process's counters; see `topic`).
    func instanceStarted(_ definitionKey: String, instanceID: String) {
        processes.withLock(instanceID) { cache in
            if let cached = cache[definitionKey] { return cached.started }
            let made = ProcessMetrics(started: Counter(label: "workflow_instances_started_total",
                                                       dimensions: [("process", definitionKey)]))
            cache[definitionKey] = made
            return made.started
        }.increment()
    }

    func instanceEnded(_ definitionKey: String, state: String, instanceID: String) {
        processes.withLock(instanceID) { cache in
            if let cached = cache[definitionKey]?.ended[state] { return cached }
            let made = Counter(label: "workflow_instances_ended_total", dimensions: [("process", definitionKey), ("state", state)])
            cache[definitionKey, default: ProcessMetrics(started: Counter(
                label: "workflow_instances_started_total", dimensions: [("process", definitionKey)]))].ended[state] = made
            return made
        }.increment()
    }

    /// Tasks a fetch locked.
    func leased(_ tasks: [ExternalTask]) {
        let now = ContinuousClock.now
        var last: (topic: String, metrics: TopicMetrics)?  // the tasks of one fetch mostly share a topic
        for task in tasks {
            let metrics = last?.topic == task.topicName ? last!.metrics : topic(task.topicName, shardKey: task.id)
            last = (task.topicName, metrics)
            metrics.fetched.increment()
            leases.withLock(task.id) { leases in
                guard leases.count < Self.maxTrackedLeases else { return }
                leases[task.id] = Lease(topic: task.topicName, metrics: metrics, worker: task.workerID,
                                        failures: task.failures, fetched: now, expires: task.lockExpirationTime ?? .distantFuture)
            }
        }
    }

    func extended(_ taskID: String, until: Date) {
        leases.withLock(taskID) { $0[taskID]?.expires = until }
    }

    /// The lease ended without an outcome (unlocked, or the task went away).
    func released(_ taskID: String) { _ = leases.withLock(taskID) { $0.removeValue(forKey: taskID) } }

    enum Outcome { case completed, failed, bpmnError }

    /// A worker reported an outcome: counted, and timed from the fetch when this replica handed the task out.
    func settled(_ taskID: String, topic name: String, _ outcome: Outcome) {
        let lease = leases.withLock(taskID) { $0.removeValue(forKey: taskID) }
        let metrics = lease?.metrics ?? topic(name, shardKey: taskID)
        switch outcome {
        case .completed: metrics.completed.increment()
        case .failed: metrics.failed.increment()
        case .bpmnError: metrics.bpmnErrors.increment()
        }
        if let lease {
            metrics.duration.recordNanoseconds(Int64(clamping: (ContinuousClock.now - lease.fetched).nanoseconds))
        }
    }

    /// Takes out of the bookkeeping the leases whose lock has run out by `now`, for the caller to check.
    func dueLeases(now: Date) -> [(id: String, lease: Lease)] {
        var due: [(id: String, lease: Lease)] = []
        leases.forEach { leases in
            for (id, lease) in leases where lease.expires <= now { due.append((id, lease)) }
            for (id, _) in due where leases[id] != nil { leases.removeValue(forKey: id) }
        }
        return due
    }

    /// Tracks a lease again with a later end (its lock was extended through another replica).
    func retrack(_ id: String, _ lease: Lease) { leases.withLock(id) { $0[id] = lease } }

    func lockExpired(topic name: String) { topic(name).lockExpirations.increment() }
}

extension Engine {
    /// Counts the leases of this replica whose lock ran out with no outcome (`workflow_lock_expirations_total`),
    /// checking each against the store: a task completed, failed or unlocked through another replica is no expiry,
    /// and one extended there is watched further. Returns how many expired.
    @discardableResult
    public func countExpiredLeases() async -> Int {
        let now = clock.now()
        var expired = 0
        for (id, lease) in metrics.dueLeases(now: now) {
            guard let task = try? await store.externalTask(id), task.failures == lease.failures,
                  let worker = task.workerID else { continue }  // gone, failed or unlocked
            if worker == lease.worker, let until = task.lockExpirationTime, until > now {
                var extended = lease
                extended.expires = until
                metrics.retrack(id, extended)
                continue
            }
            metrics.lockExpired(topic: lease.topic)
            expired += 1
        }
        return expired
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds.multipliedReportingOverflow(by: 1_000_000_000).partialValue + attoseconds / 1_000_000_000
    }
}
