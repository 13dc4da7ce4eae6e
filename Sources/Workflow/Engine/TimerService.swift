// SPDX-License-Identifier: Apache-2.0
import Foundation
import Logging
import ServiceLifecycle

/// Fires due timers: sleeps until the next one is due (at most `pollInterval`), then fires it.
public struct TimerService: Service {
    let engine: Engine
    let pollInterval: Duration

    public init(engine: Engine, pollInterval: Duration = .milliseconds(500)) {
        self.engine = engine
        self.pollInterval = pollInterval
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await engine.fireDueTimers()
            } catch {
                engine.logger.error("firing timers failed", metadata: ["error": "\(error)"])
            }
            var wait = pollInterval
            if let next = try? await engine.store.nextTimerDue() {
                let seconds = max(0.005, next.timeIntervalSince(engine.clock.now()))
                if seconds < Double(pollInterval.components.seconds) + Double(pollInterval.components.attoseconds) / 1e18 {
                    wait = .milliseconds(Int64(seconds * 1000))
                }
            }
            try? await Task.sleep(for: wait)
        }
    }
}
