// SPDX-License-Identifier: Apache-2.0
import ServiceLifecycle

/// The loop of the periodic services (repository sync, lease watch, scaler): `body` every `interval` until
/// graceful shutdown, which also ends the wait in progress at once.
public func periodically(every interval: Duration, first: PeriodicStart = .afterInterval,
                         _ body: @Sendable () async -> Void) async {
    if first == .now { await body() }
    while !Task.isShuttingDownGracefully && !Task.isCancelled {
        try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        guard !Task.isShuttingDownGracefully && !Task.isCancelled else { return }
        await body()
    }
}

/// Whether a periodic loop runs its body at once or first waits one interval.
public enum PeriodicStart: Sendable { case now, afterInterval }
