// SPDX-License-Identifier: Apache-2.0
import Foundation
import Logging
import Workflow

/// One task's life in the worker: handler under a lock heartbeat, outcome, report, circuit breaker.
extension PoolProcessor {
    func execute(_ task: WorkerTask, subscription: TopicSubscription) async {
        var logger = self.logger
        logger[metadataKey: "taskId"] = "\(task.id)"
        logger[metadataKey: "processInstanceId"] = "\(task.processInstanceID)"
        logger[metadataKey: "topic"] = "\(task.topicName)"
        let lockDuration = subscription.lockDuration ?? configuration.lockDuration
        runtime.observer?.record(.started, task: task)
        logger.debug("task started")
        let outcome: TaskOutcome
        do {
            outcome = try await withHeartbeat(task, lockDuration: lockDuration, logger: logger) {
                try await subscription.handler(task)
            }
        } catch is LockLost {
            breakers.withLock { $0[task.topicName]?.probeAbandoned() }
            runtime.observer?.record(.lockLost, task: task)
            return logger.warning("lock lost while the handler ran; the task is not reported")
        } catch where Task.isCancelled {
            // The drain's grace period ended with the handler still running: give the task back unreported.
            breakers.withLock { $0[task.topicName]?.probeAbandoned() }
            await giveBack(task)
            return logger.warning("handler cut off by shutdown; task unlocked")
        } catch let error as BPMNError {
            outcome = .bpmnError(code: error.code, message: error.message, variables: error.variables)
        } catch {
            outcome = failure(for: task, error: error)
        }
        runtime.observer?.record(.handled(outcome.kind), task: task)
        breakers.withLock { breakers in
            if case .failure = outcome { breakers[task.topicName]?.recordFailure(at: .now) } else {
                breakers[task.topicName]?.recordSuccess()
            }
        }
        // Reported even if the drain cancels this task meanwhile: the work is done, only the report is left.
        let report = Task { await self.report(outcome, for: task, lockDuration: lockDuration, logger: logger) }
        await report.value
    }

    /// A thrown error as a failure: one retry fewer (the configured number at the first failure), back-off from
    /// the retry policy; at 0 retries the engine raises an incident.
    func failure(for task: WorkerTask, error: any Error) -> TaskOutcome {
        let retries = task.retries.map { max($0 - 1, 0) } ?? configuration.retries
        let attempt = max(1, configuration.retries - retries + 1)
        let message = "\(error)"
        return .failure(message: String(message.prefix(500)), details: String(reflecting: error), retries: retries,
                        retryTimeout: retries > 0 ? configuration.retryPolicy.delay(afterFailure: attempt) : 0)
    }

    /// Sends the outcome; retries while the engine is unreachable and the lock still holds.
    private func report(_ outcome: TaskOutcome, for task: WorkerTask, lockDuration: Int64, logger: Logger) async {
        let transport = runtime.transport
        let workerID = configuration.workerID
        let giveUp = ContinuousClock.now + .milliseconds(lockDuration)
        var delay = Duration.milliseconds(100)
        while true {
            do {
                switch outcome {
                case .complete(let variables, let localVariables):
                    try await transport.complete(task.id, workerID: workerID, variables: variables, localVariables: localVariables)
                case .failure(let message, let details, let retries, let retryTimeout):
                    try await transport.failure(task.id, workerID: workerID, message: message, details: details,
                                                retries: retries, retryTimeout: retryTimeout)
                case .bpmnError(let code, let message, let variables):
                    try await transport.bpmnError(task.id, workerID: workerID, code: code, message: message, variables: variables)
                }
                runtime.observer?.record(.settled(outcome.kind), task: task)
                var metadata: Logger.Metadata = ["outcome": "\(outcome.kind)"]
                if case .failure(let message, _, let retries, let retryTimeout) = outcome {
                    metadata["error"] = "\(message)"
                    metadata["retries"] = "\(retries)"
                    metadata["retryTimeoutMs"] = "\(retryTimeout)"
                    return logger.warning("task failed", metadata: metadata)
                }
                return logger.info("task done", metadata: metadata)
            } catch let error as WorkerTransportError where error.kind == .unavailable && ContinuousClock.now + delay < giveUp {
                logger.warning("reporting failed; retrying", metadata: ["error": "\(error.message)"])
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(2))
            } catch {
                runtime.observer?.record(.settleFailed("\(error)"), task: task)
                return logger.error("the engine did not take the outcome", metadata: ["outcome": "\(outcome.kind)", "error": "\(error)"])
            }
        }
    }

    /// Unlocks a task without reporting an outcome, so another worker takes it at once.
    func giveBack(_ task: WorkerTask) async {
        let transport = runtime.transport
        // Unlocked even when the caller was cancelled: a cancelled request would leave the lock to expire.
        let unlock = Task { try await transport.unlock(task.id) }
        do {
            try await unlock.value
            runtime.observer?.record(.unlocked, task: task)
        } catch {
            logger.warning("unlock failed; the task returns when its lock expires", metadata: [
                "taskId": "\(task.id)", "error": "\(error)",
            ])
        }
    }

    /// Runs `body` while extending the task's lock every half lock duration, counted from the last extension that
    /// went through; a failed extension is tried again at once with a short back-off while the lock still holds.
    /// Throws `LockLost` (after cancelling the handler and letting it end) when the engine says the lock is gone.
    /// Cancelled (the drain's grace period ended), it stops the heartbeat but still waits for the handler: an
    /// outcome it returns anyway is reported, not thrown away.
    private func withHeartbeat(
        _ task: WorkerTask, lockDuration: Int64, logger: Logger, _ body: @escaping @Sendable () async throws -> TaskOutcome
    ) async throws -> TaskOutcome {
        let transport = runtime.transport
        let workerID = configuration.workerID
        enum Child: Sendable {
            case finished(Result<TaskOutcome, any Error>)
            case heartbeatStopped(lost: LockLost?)
        }
        return try await withThrowingTaskGroup(of: Child.self) { group in
            group.addTask {
                do { return .finished(.success(try await body())) } catch { return .finished(.failure(error)) }
            }
            group.addTask {
                var lockedUntil = ContinuousClock.now + .milliseconds(lockDuration)
                var next = ContinuousClock.now + .milliseconds(max(lockDuration / 2, 1))
                var retry = Duration.milliseconds(250)
                while !Task.isCancelled {
                    do { try await Task.sleep(until: next) } catch { return .heartbeatStopped(lost: nil) }
                    do {
                        try await transport.extendLock(task.id, workerID: workerID, duration: lockDuration)
                        lockedUntil = ContinuousClock.now + .milliseconds(lockDuration)
                        next = ContinuousClock.now + .milliseconds(max(lockDuration / 2, 1))
                        retry = .milliseconds(250)
                    } catch let error as WorkerTransportError where error.kind != .unavailable {
                        return .heartbeatStopped(lost: LockLost(message: error.message))
                    } catch {
                        if Task.isCancelled { return .heartbeatStopped(lost: nil) }
                        logger.warning("lock heartbeat failed; trying again", metadata: ["error": "\(error)"])
                        next = min(ContinuousClock.now + retry, lockedUntil)
                        retry = min(retry * 2, .seconds(5))
                    }
                }
                return .heartbeatStopped(lost: nil)
            }
            var lost: LockLost?
            while let child = try await group.next() {
                switch child {
                case .finished(let result):
                    group.cancelAll()
                    if let lost { throw lost }
                    return try result.get()
                case .heartbeatStopped(let reason):
                    if let reason {
                        lost = reason
                        group.cancelAll()  // the handler's work is no longer ours to report
                    }
                }
            }
            throw lost ?? CancellationError()
        }
    }
}

/// The heartbeat found the task's lock gone.
struct LockLost: Error {
    let message: String
}
