// SPDX-License-Identifier: Apache-2.0
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// A Redis pub/sub subscription as a `Service`: a connection of its own in subscribe mode, read on a thread of its
/// own, handing every message of the channel to `onMessage`. A lost connection is made anew (after a pause, to the
/// next of `endpoints`: any node of a cluster carries every message) and subscribed again; the service ends when
/// the service group shuts down or the task is cancelled.
public struct RedisSubscriber: Service {
    let endpoints: [RedisEndpoint]
    let channel: String
    let logger: Logger
    let onMessage: @Sendable (String) -> Void

    public init(
        endpoints: [RedisEndpoint], channel: String, logger: Logger, onMessage: @escaping @Sendable (String) -> Void
    ) {
        self.endpoints = endpoints
        self.channel = channel
        self.logger = logger
        self.onMessage = onMessage
    }

    public func run() async throws {
        guard !endpoints.isEmpty else { throw RedisError(.connection, "no Redis server to subscribe to") }
        let stop = Atomic<Bool>(false)
        let stopped = Mutex<CheckedContinuation<Void, Never>?>(nil)
        let thread = Thread { [endpoints, channel, logger, onMessage] in
            var attempt = 0
            while !stop.load(ordering: .relaxed) {
                let endpoint = endpoints[attempt % max(endpoints.count, 1)]
                attempt += 1
                do {
                    let connection = try RedisConnection(endpoint)
                    try connection.write(RedisCommand("SUBSCRIBE", channel))
                    while !stop.load(ordering: .relaxed) {
                        guard let push = try connection.nextPush(waitingAtMost: 200) else { continue }
                        let parts = push.array
                        if parts.count == 3, parts[0].string == "message", let text = parts[2].string { onMessage(text) }
                    }
                } catch {
                    logger.warning("subscription lost; subscribing again", metadata: ["channel": "\(channel)", "error": "\(error)"])
                    Thread.sleep(forTimeInterval: 0.5)
                }
            }
            stopped.withLock { $0?.resume() }
        }
        thread.name = "redis-subscriber"
        thread.start()
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                while !Task.isShuttingDownGracefully, !Task.isCancelled { try? await Task.sleep(for: .milliseconds(200)) }
            } onCancel: {}
        } onGracefulShutdown: {}
        await withCheckedContinuation { continuation in
            stopped.withLock { $0 = continuation }
            stop.store(true, ordering: .relaxed)
        }
    }
}
