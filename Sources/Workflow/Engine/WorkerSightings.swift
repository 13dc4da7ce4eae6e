// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Synchronization

/// The workers this replica has seen fetch, and the topics they asked for: how many worker processes serve each
/// pool (what the scaler takes as the current replica count, and the dashboards show).
final class WorkerSightings: Sendable {
    private struct Sighting {
        var lastSeen: Date
        var topics: Set<String>
    }

    private let seen = Sharded<[String: Sighting]> { [:] }
    /// Workers not seen for longer are forgotten.
    static let retention: TimeInterval = 300

    func saw(_ workerID: String, topics: Set<String>, at now: Date) {
        seen.withLock(workerID) { seen in
            if seen[workerID]?.topics == topics {
                seen[workerID]?.lastSeen = now
            } else {
                seen[workerID] = Sighting(lastSeen: now, topics: topics)
            }
            if seen.count > 1_000 { seen = seen.filter { now.timeIntervalSince($0.value.lastSeen) < Self.retention } }
        }
    }

    /// Per pool, the workers that fetched one of its topics within `window` seconds.
    func workers(within window: TimeInterval, now: Date, pools: [String: WorkerPoolType]) -> [WorkerPoolType: Int] {
        var counts: [WorkerPoolType: Int] = [:]
        seen.forEach { seen in
            for sighting in seen.values where now.timeIntervalSince(sighting.lastSeen) <= window {
                for pool in Set(sighting.topics.map { pools[$0] ?? .generalPurpose }) { counts[pool, default: 0] += 1 }
            }
        }
        return counts
    }
}

extension Engine {
    /// Per worker pool, the worker processes (distinct worker ids) that fetched its topics in the last `window`
    /// seconds, through this replica.
    public func activeWorkers(within window: TimeInterval = 60) -> [WorkerPoolType: Int] {
        sightings.workers(within: window, now: clock.now(), pools: deployedTopics())
    }
}
