// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation

/// The workers this replica has seen, and when each last fetched, extended or reported a task of each topic: how
/// many worker processes serve each pool (what the scaler takes as the current replica count, and the dashboards
/// show). A worker that serves several pools counts in each; one busy with long tasks stays counted through its
/// lock extensions and reports.
final class WorkerSightings: Sendable {
    /// Per worker id: topic → last seen.
    private let seen = Sharded<[String: [String: Date]]> { [:] }
    /// Sightings older than this are forgotten.
    static let retention: TimeInterval = 300

    func saw(_ workerID: String, topics: Set<String>, at now: Date) {
        seen.withLock(workerID) { seen in
            for topic in topics { seen[workerID, default: [:]][topic] = now }
            Self.prune(&seen, now: now)
        }
    }

    func saw(_ workerID: String, topic: String, at now: Date) {
        seen.withLock(workerID) { seen in
            seen[workerID, default: [:]][topic] = now
            Self.prune(&seen, now: now)
        }
    }

    private static func prune(_ seen: inout [String: [String: Date]], now: Date) {
        guard seen.count > 1_000 else { return }
        seen = seen.compactMapValues { topics in
            let kept = topics.filter { now.timeIntervalSince($0.value) < retention }
            return kept.isEmpty ? nil : kept
        }
    }

    /// Per pool, the workers seen on one of its topics within `window` seconds.
    func workers(within window: TimeInterval, now: Date, pools: [String: WorkerPoolType]) -> [WorkerPoolType: Int] {
        var counts: [WorkerPoolType: Int] = [:]
        seen.forEach { seen in
            for topics in seen.values {
                let recent = topics.filter { now.timeIntervalSince($0.value) <= window }.keys
                for pool in Set(recent.map { pools[$0] ?? .generalPurpose }) { counts[pool, default: 0] += 1 }
            }
        }
        return counts
    }
}

extension Engine {
    /// Per worker pool, the worker processes (distinct worker ids) seen on its topics in the last `window` seconds
    /// (fetching, extending a lock or reporting), through this replica.
    public func activeWorkers(within window: TimeInterval = 60) -> [WorkerPoolType: Int] {
        sightings.workers(within: window, now: clock.now(), pools: deployedTopics())
    }
}
