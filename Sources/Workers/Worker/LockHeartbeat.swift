// SPDX-License-Identifier: Apache-2.0
import Logging
import Synchronization

/// The locks of one pool's running handlers, extended by one loop: each lock every half lock duration, counted
/// from its last extension that went through. A failed extension is tried again with a short back-off while the
/// lock still holds; when the engine says the lock is gone, the handler is cancelled.
///
/// One loop for the whole pool, not a timer per task: a handler that ends before its first extension is due
/// (most of them) costs two dictionary updates.
final class LockHeartbeat: Sendable {
    /// Why a handler was cancelled.
    enum Stop: Sendable, Equatable {
        /// The engine refused an extension (the lock expired and was taken, or the task is gone).
        case lost(String)
        /// The drain's grace period ended.
        case shutdown
    }

    private struct Lease {
        let duration: Int64
        /// When to extend next; nil while an extension is in flight.
        var next: ContinuousClock.Instant?
        var lockedUntil: ContinuousClock.Instant
        var retry = Duration.milliseconds(250)
        let cancel: @Sendable () -> Void
    }

    private struct State {
        var leases: [String: Lease] = [:]
        /// Why the handlers that were cancelled were, until they let go.
        var stopped: [String: Stop] = [:]
        /// When the loop wakes next (nil: it waits for a lease).
        var wakeAt: ContinuousClock.Instant?
    }

    private let state = Mutex(State())
    private let wakeUps: AsyncStream<Void>
    private let signal: AsyncStream<Void>.Continuation

    init() { (wakeUps, signal) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1)) }

    /// Keeps the task's lock (taken now for `lockDuration` ms) while its handler runs; `cancel` stops the handler.
    func hold(_ taskID: String, lockDuration: Int64, cancel: @escaping @Sendable () -> Void) {
        let now = ContinuousClock.now
        let next = now + .milliseconds(max(lockDuration / 2, 1))
        let wake = state.withLock { state -> Bool in
            state.leases[taskID] = Lease(duration: lockDuration, next: next, lockedUntil: now + .milliseconds(lockDuration),
                                         cancel: cancel)
            guard state.wakeAt.map({ next < $0 }) ?? true else { return false }
            state.wakeAt = next
            return true
        }
        if wake { signal.yield() }
    }

    /// The handler ended: its lock is no longer extended. Returns why it was cancelled, if it was.
    func release(_ taskID: String) -> Stop? {
        state.withLock { state in
            state.leases[taskID] = nil
            return state.stopped.removeValue(forKey: taskID)
        }
    }

    /// Cancels every running handler (the drain's grace period ended) and extends no lock any more.
    func cancelAll() {
        let cancels = state.withLock { state in
            for id in state.leases.keys {
                state.stopped[id] = .shutdown
                state.leases[id]!.next = nil
            }
            return state.leases.values.map(\.cancel)
        }
        cancels.forEach { $0() }
    }

    /// Extends the locks that are due, until cancelled.
    func run(transport: any ExternalTaskTransport, workerID: String, logger: Logger) async {
        await withDiscardingTaskGroup { group in
            var iterator = wakeUps.makeAsyncIterator()
            while !Task.isCancelled {
                let now = ContinuousClock.now
                let (due, wakeAt) = state.withLock { state -> ([(String, Int64)], ContinuousClock.Instant?) in
                    var due: [(String, Int64)] = []
                    var earliest: ContinuousClock.Instant?
                    for (id, lease) in state.leases {
                        guard let next = lease.next else { continue }
                        if next <= now {
                            state.leases[id]?.next = nil
                            due.append((id, lease.duration))
                        } else if earliest.map({ next < $0 }) ?? true {
                            earliest = next
                        }
                    }
                    state.wakeAt = earliest
                    return (due, earliest)
                }
                for (id, duration) in due {
                    group.addTask { await self.extend(id, duration: duration, transport: transport, workerID: workerID, logger: logger) }
                }
                guard due.isEmpty else { continue }
                let timer = wakeAt.map { instant in Task { [signal] in try? await Task.sleep(until: instant); signal.yield() } }
                _ = await iterator.next()
                timer?.cancel()
            }
        }
    }

    private func extend(_ id: String, duration: Int64, transport: any ExternalTaskTransport, workerID: String,
                        logger: Logger) async {
        var stop: Stop?
        do {
            try await transport.extendLock(id, workerID: workerID, duration: duration)
            let now = ContinuousClock.now
            reschedule(id) { lease in
                lease.lockedUntil = now + .milliseconds(duration)
                lease.retry = .milliseconds(250)
                return now + .milliseconds(max(duration / 2, 1))
            }
        } catch let error as WorkerTransportError where error.kind != .unavailable {
            stop = .lost(error.message)
        } catch {
            logger.warning("lock heartbeat failed; trying again", metadata: ["taskId": "\(id)", "error": "\(error)"])
            reschedule(id) { lease in
                defer { lease.retry = min(lease.retry * 2, .seconds(5)) }
                return min(ContinuousClock.now + lease.retry, lease.lockedUntil)
            }
        }
        guard let stop else { return }
        let cancel = state.withLock { state -> (@Sendable () -> Void)? in
            guard let lease = state.leases.removeValue(forKey: id) else { return nil }
            state.stopped[id] = stop
            return lease.cancel
        }
        cancel?()
    }

    /// Sets the lease's next extension (if its handler still runs) and wakes the loop when that is sooner.
    private func reschedule(_ id: String, _ update: (inout Lease) -> ContinuousClock.Instant) {
        let wake = state.withLock { state -> Bool in
            guard state.leases[id] != nil, state.stopped[id] == nil else { return false }
            let next = update(&state.leases[id]!)
            state.leases[id]!.next = next
            guard state.wakeAt.map({ next < $0 }) ?? true else { return false }
            state.wakeAt = next
            return true
        }
        if wake { signal.yield() }
    }
}
