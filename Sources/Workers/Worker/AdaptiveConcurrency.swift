// SPDX-License-Identifier: Apache-2.0
import BPMN

/// A worker pool that sizes its own concurrency within bounds, on the signal the scaler uses: the pool's demand
/// (queued + in flight) shared by the workers that serve it. The HPA formula for one process: grow at once to
/// ceil(demand / workers), shrink only when a lower size held for the whole stabilisation window, and keep the
/// current size while the ratio is within the tolerance.
public struct AdaptiveConcurrency: Sendable, Hashable {
    public var bounds: ClosedRange<Int>
    public var interval: Duration
    public var tolerance: Double
    public var scaleDownWindow: Duration

    public init(bounds: ClosedRange<Int>, interval: Duration = .seconds(10), tolerance: Double = 0.1,
                scaleDownWindow: Duration = .seconds(60)) {
        self.bounds = max(1, bounds.lowerBound)...max(1, bounds.upperBound)
        self.interval = interval
        self.tolerance = tolerance
        self.scaleDownWindow = scaleDownWindow
    }

    /// The size the formula asks for now.
    public func target(current: Int, demand: Int, workers: Int) -> Int {
        let share = Double(demand) / Double(max(1, workers))
        let ratio = share / Double(max(1, current))
        let wanted = abs(ratio - 1) <= tolerance ? current : Int(share.rounded(.up))
        return min(bounds.upperBound, max(bounds.lowerBound, wanted))
    }
}

/// One reading of a worker pool's load, as the engine reports it (`GET /worker-pool`).
public struct PoolLoadReading: Sendable, Hashable {
    public let queued: Int
    public let inFlight: Int
    /// Worker processes that fetched the pool's topics lately.
    public let workers: Int

    public init(queued: Int, inFlight: Int, workers: Int) {
        self.queued = queued
        self.inFlight = inFlight
        self.workers = workers
    }
}
