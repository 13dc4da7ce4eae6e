// SPDX-License-Identifier: Apache-2.0
import Foundation
import ServiceLifecycle

/// Counts the locks that ran out before their worker reported (`workflow_lock_expirations_total`): once a second
/// it checks the leases of this replica whose lock end has passed (see `Engine.countExpiredLeases`).
public struct LeaseWatchService: Service {
    let engine: Engine
    let interval: Duration

    public init(engine: Engine, interval: Duration = .seconds(1)) {
        self.engine = engine
        self.interval = interval
    }

    public func run() async throws {
        await periodically(every: interval) { await engine.countExpiredLeases() }
    }
}
