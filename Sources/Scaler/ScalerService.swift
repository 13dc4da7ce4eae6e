// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Workflow

/// Runs the scaler every `interval` on loads read by `source`, keeps the latest decisions (for
/// `GET /scaler/recommendations` and the `workflow_scaler_*` gauges) and logs every change of a desired count.
public final class ScalerService: Service {
    /// Reads each pool's load and its current replicas.
    public typealias Source = @Sendable () async throws -> (loads: [WorkerPoolType: PoolLoad], current: [WorkerPoolType: Int])

    public let scaler: Scaler
    let source: Source
    let interval: Duration
    let logger: Logger
    private let latestDecisions = Mutex<[Recommendation]>([])

    public init(scaler: Scaler, interval: Duration = .seconds(15), logger: Logger = Logger(label: "workflow.scaler"),
                source: @escaping Source) {
        self.scaler = scaler
        self.source = source
        self.interval = interval
        self.logger = logger
    }

    public var latest: [Recommendation] { latestDecisions.withLock { $0 } }

    /// One round: read, decide, keep, log the changes.
    @discardableResult
    public func decide() async throws -> [Recommendation] {
        let (loads, current) = try await source()
        let decisions = scaler.recommend(loads: loads, current: current)
        let before = latestDecisions.withLock { previous in
            defer { previous = decisions }
            return Dictionary(previous.map { ($0.pool, $0.desiredReplicas) }) { first, _ in first }
        }
        for decision in decisions where before[decision.pool] != decision.desiredReplicas {
            // The first round reports every pool; only changes after it are news.
            logger.log(level: before.isEmpty ? .debug : .info, "desired replicas changed", metadata: [
                "pool": "\(decision.pool.rawValue)", "desired": "\(decision.desiredReplicas)",
                "current": "\(decision.currentReplicas)", "queued": "\(decision.queued)", "inFlight": "\(decision.inFlight)",
            ])
        }
        return decisions
    }

    public func run() async throws {
        await periodically(every: interval, first: .now) {
            do { try await decide() } catch { logger.warning("scaler round failed", metadata: ["error": "\(error)"]) }
        }
    }
}
