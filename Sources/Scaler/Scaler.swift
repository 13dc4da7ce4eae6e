// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Synchronization
import Workflow

/// Desired replicas per worker pool, as the Kubernetes HPA computes them, with its scale-down stabilisation: a
/// pool scales up at once, but down only to the highest recommendation of the last `stabilizationWindow`, so a
/// brief lull does not kill workers that the next burst needs.
public final class Scaler: Sendable {
    public struct Configuration: Sendable {
        public var pools: [WorkerPoolType: ScalingPolicy]
        public var stabilizationWindow: Duration

        public init(pools: [WorkerPoolType: ScalingPolicy], stabilizationWindow: Duration = .seconds(300)) {
            self.pools = pools
            self.stabilizationWindow = stabilizationWindow
        }
    }

    public let configuration: Configuration
    /// Per pool, the raw recommendations of the stabilisation window, oldest first.
    private let history = Mutex<[WorkerPoolType: [(at: ContinuousClock.Instant, replicas: Int)]]>([:])

    public init(_ configuration: Configuration) { self.configuration = configuration }

    /// The decision for each configured pool, given its load and its current replica count.
    public func recommend(
        loads: [WorkerPoolType: PoolLoad], current: [WorkerPoolType: Int], at now: ContinuousClock.Instant = .now
    ) -> [Recommendation] {
        history.withLock { history in
            configuration.pools.keys.sorted { $0.rawValue < $1.rawValue }.map { pool in
                let policy = configuration.pools[pool]!
                let load = loads[pool] ?? PoolLoad(queued: 0, inFlight: 0)
                let replicas = current[pool] ?? 0
                let raw = policy.desiredReplicas(current: replicas, load: load)
                var window = (history[pool] ?? []).filter { now - $0.at < configuration.stabilizationWindow }
                window.append((now, raw))
                history[pool] = window
                // Up at once; down no lower than anything recommended within the window.
                let desired = raw >= replicas ? raw : max(raw, min(replicas, window.map(\.replicas).max() ?? raw))
                return Recommendation(pool: pool, queued: load.queued, inFlight: load.inFlight, currentReplicas: replicas,
                                      desiredReplicas: desired, recommendedNow: raw, policy: policy)
            }
        }
    }
}

/// One pool's scaling decision.
public struct Recommendation: Sendable, Hashable {
    public let pool: WorkerPoolType
    public let queued: Int
    public let inFlight: Int
    public let currentReplicas: Int
    /// After stabilisation: what the pool should run.
    public let desiredReplicas: Int
    /// The HPA formula's answer for this moment alone.
    public let recommendedNow: Int
    public let policy: ScalingPolicy

    /// (queued + in-flight) / (current replicas × tasks per replica): above 1 the pool falls behind.
    public var utilisation: Double {
        let capacity = currentReplicas * policy.tasksPerReplica
        return capacity == 0 ? (queued + inFlight > 0 ? .infinity : 0) : Double(queued + inFlight) / Double(capacity)
    }
}
