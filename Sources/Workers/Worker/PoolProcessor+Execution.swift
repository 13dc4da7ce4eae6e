// SPDX-License-Identifier: Apache-2.0
import Foundation
import Logging
import Workflow

/// One task's life in the worker: handler under a lock heartbeat, outcome, report, circuit breaker.
extension PoolProcessor {
    func execute(_ task: WorkerTask, subscription: TopicSubscription) async {
        let lockDuration = subscription.lockDuration ?? configuration.lockDuration
        runtime.observer?.record(.started, task: task)
        if logger.logLevel <= .debug { logger(for: task).debug("task started") }
        // The handler runs in a task of its own, so that the heartbeat (a lost lock) and the drain (its grace
        // period ended) can cancel it without cancelling the report of an outcome it returns anyway.
        let handling = Task { try await subscription.handler(task) }
        heartbeat.hold(task.id, lockDuration: lockDuration) { handling.cancel() }
        let result = await handling.result
        let stop = heartbeat.release(task.id)
        let outcome: TaskOutcome
        switch (result, stop) {
        case (_, .lost?):
            breakers.withLock { $0[task.topicName]?.probeAbandoned() }
            runtime.observer?.record(.lockLost, task: task)
            return logger(for: task).warning("lock lost while the handler ran; the task is not reported")
        case (.failure, .shutdown?):
            // The drain's grace period ended with the handler still running: give the task back unreported.
            breakers.withLock { $0[task.topicName]?.probeAbandoned() }
            await giveBack(task)
            return logger(for: task).warning("handler cut off by shutdown; task unlocked")
        case (.success(let returned), _):
            outcome = returned
        case (.failure(let error as BPMNError), _):
            outcome = .bpmnError(code: error.code, message: error.message, variables: error.variables)
        case (.failure(let error), _):
            outcome = failure(for: task, error: error)
        }
        runtime.observer?.record(.handled(outcome.kind), task: task)
        breakers.withLock { breakers in
            if case .failure = outcome { breakers[task.topicName]?.recordFailure(at: .now) } else {
                breakers[task.topicName]?.recordSuccess()
            }
        }
        // The drain cancels handlers, not this task: the report goes out even after the grace period.
        await report(outcome, for: task, lockDuration: lockDuration)
    }

    /// The runtime's logger with the task's ids, for the messages about one task.
    func logger(for task: WorkerTask) -> Logger {
        var logger = self.logger
        logger[metadataKey: "taskId"] = "\(task.id)"
        logger[metadataKey: "processInstanceId"] = "\(task.processInstanceID)"
        logger[metadataKey: "topic"] = "\(task.topicName)"
        return logger
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
    private func report(_ outcome: TaskOutcome, for task: WorkerTask, lockDuration: Int64) async {
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
                if case .failure(let message, _, let retries, let retryTimeout) = outcome {
                    return logger(for: task).warning("task failed", metadata: [
                        "outcome": "\(outcome.kind)", "error": "\(message)", "retries": "\(retries)",
                        "retryTimeoutMs": "\(retryTimeout)",
                    ])
                }
                if logger.logLevel <= .info { logger(for: task).info("task done", metadata: ["outcome": "\(outcome.kind)"]) }
                return
            } catch let error as WorkerTransportError where error.kind == .unavailable && ContinuousClock.now + delay < giveUp {
                logger(for: task).warning("reporting failed; retrying", metadata: ["error": "\(error.message)"])
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(2))
            } catch {
                runtime.observer?.record(.settleFailed("\(error)"), task: task)
                return logger(for: task).error("the engine did not take the outcome", metadata: ["outcome": "\(outcome.kind)", "error": "\(error)"])
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
}
