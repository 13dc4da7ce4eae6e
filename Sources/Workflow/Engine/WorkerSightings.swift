// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation

/// The workers this replica has seen, and when each last fetched, extended or reported a task of each topic: how
/// many worker processes serve each pool (what the scaler takes as the current replica count, and the dashboards
/// show). A worker that serves several pools counts in each; one busy with long tasks stays counted through its
/// lock extensions and reports.
final class WorkerSightings: Sendable {
    /// Per worker id: topic → last seen; and when the shard was last pruned.
    struct Shard {
        var seen: [String: [String: Date]] = [:]
        var prunedAt = Date.distantPast
        /// The last sighting recorded here: a worker seen again on the same topic within `resolution` is not
        /// written again (a busy worker is seen on every fetch and every report: two table writes each).
        var last: (worker: String, topic: String, at: Date)?

        mutating func record(_ workerID: String, _ topic: String, _ now: Date) {
            if let last, last.worker == workerID, last.topic == topic,
               (0..<WorkerSightings.resolution).contains(now.timeIntervalSince(last.at)) { return }
            seen[workerID, default: [:]][topic] = now
            last = (workerID, topic, now)
        }
    }

    private let shards = Sharded<Shard> { Shard() }
    /// Sightings older than this are forgotten.
    static let retention: TimeInterval = 300
    /// How stale a recorded sighting may be (the scaler and dashboards count workers over a minute).
    static let resolution: TimeInterval = 1

    func saw(_ workerID: String, topics: some Sequence<String>, at now: Date) {
        shards.withLock(workerID) { shard in
            for topic in topics { shard.record(workerID, topic, now) }
            Self.prune(&shard, now: now)
        }
    }

    func saw(_ workerID: String, topic: String, at now: Date) {
        shards.withLock(workerID) { shard in
            shard.record(workerID, topic, now)
            Self.prune(&shard, now: now)
        }
    }

    /// Forgets old sightings once a shard holds many workers, at most once a minute (a scan per sighting would make
    /// every fetch cost as much as the number of workers).
    private static func prune(_ shard: inout Shard, now: Date) {
        guard shard.seen.count > 1_000, now.timeIntervalSince(shard.prunedAt) >= 60 else { return }
        shard.prunedAt = now
        shard.seen = shard.seen.compactMapValues { topics in
            let kept = topics.filter { now.timeIntervalSince($0.value) < retention }
            return kept.isEmpty ? nil : kept
        }
    }

    /// Per pool, the workers seen on one of its topics within `window` seconds.
    func workers(within window: TimeInterval, now: Date, pools: [String: WorkerPoolType]) -> [WorkerPoolType: Int] {
        var counts: [WorkerPoolType: Int] = [:]
        shards.forEach { shard in
            for topics in shard.seen.values {
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
