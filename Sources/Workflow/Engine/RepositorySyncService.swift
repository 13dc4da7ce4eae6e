// SPDX-License-Identifier: Apache-2.0
import Foundation
import Logging
import ServiceLifecycle

/// Keeps this replica's process definitions in step with the store: checks the store's deployments version every
/// `interval` and reloads when another replica deployed or deleted something. (A replica that meets an unknown
/// definition reloads at once; this bounds how long a new latest version of a key stays unseen.)
public struct RepositorySyncService: Service {
    let engine: Engine
    let interval: Duration

    public init(engine: Engine, interval: Duration = .seconds(1)) {
        self.engine = engine
        self.interval = interval
    }

    public func run() async throws {
        await periodically(every: interval) {
            do {
                if try await engine.syncRepository() { engine.logger.info("process definitions reloaded from the store") }
            } catch {
                engine.logger.warning("reloading process definitions failed", metadata: ["error": "\(error)"])
            }
        }
    }
}
