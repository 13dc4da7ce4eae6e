// SPDX-License-Identifier: Apache-2.0
//
// Scaler: decides worker replicas per pool from queue load.
import Workers
import Workflow

/// The load of one worker pool at one moment.
public struct PoolLoad: Sendable, Hashable {
    public var queued: Int
    public var inFlight: Int
    public init(queued: Int, inFlight: Int) {
        self.queued = queued
        self.inFlight = inFlight
    }
}

/// The Kubernetes HPA formula on (queued + in-flight) / per-replica capacity, with bounds and a tolerance.
///
/// Counting in-flight work keeps a busy pool that keeps up (queue ≈ 0) from being scaled to zero.
public struct ScalingPolicy: Sendable, Hashable {
    public var tasksPerReplica: Int
    public var minReplicas: Int
    public var maxReplicas: Int
    /// Ratio band around 1.0 within which the current count is kept (HPA default 0.1).
    public var tolerance: Double

    public init(tasksPerReplica: Int, minReplicas: Int = 0, maxReplicas: Int = 10, tolerance: Double = 0.1) {
        self.tasksPerReplica = max(1, tasksPerReplica)
        self.minReplicas = max(0, minReplicas)
        self.maxReplicas = max(self.minReplicas, maxReplicas)
        self.tolerance = tolerance
    }

    /// Desired replicas for a load, given the current count.
    public func desiredReplicas(current: Int, load: PoolLoad) -> Int {
        let demand = Double(load.queued + load.inFlight)
        let desired: Int
        if current == 0 {
            desired = Int((demand / Double(tasksPerReplica)).rounded(.up))
        } else {
            let ratio = demand / Double(current * tasksPerReplica)
            desired = abs(ratio - 1) <= tolerance ? current : Int((Double(current) * ratio).rounded(.up))
        }
        return min(maxReplicas, max(minReplicas, desired))
    }
}
