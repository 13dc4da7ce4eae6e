// SPDX-License-Identifier: Apache-2.0
import Foundation

extension Engine {
    /// A task out of retries, with the incident that reports it.
    public struct DeadLetter: Sendable {
        public let task: ExternalTask
        public let incident: Incident
    }

    /// Tasks whose retries reached 0 (each has an open `failedExternalTask` incident), oldest failure first.
    public func deadLetters() async throws -> [DeadLetter] {
        let incidents = try await store.incidents().filter { $0.type == Incident.failedExternalTask && $0.configuration != nil }
        var letters: [DeadLetter] = []
        for incident in incidents {
            guard let task = try await store.externalTask(incident.configuration!), (task.retries ?? 1) <= 0 else { continue }
            letters.append(DeadLetter(task: task, incident: incident))
        }
        return letters
    }

    /// Gives a dead-lettered task retries again: its incident is resolved and it can be fetched at once.
    /// - Throws: `notFound` when the task is not dead-lettered.
    public func retryDeadLetter(_ taskID: String, retries: Int = 1) async throws {
        guard retries > 0 else { throw WorkflowError(.invalidRequest, "retries must be at least 1") }
        let task = try await externalTask(taskID)
        guard (task.retries ?? 1) <= 0 else {
            throw WorkflowError(.notFound, "External task \(taskID) is not dead-lettered (it has retries left)")
        }
        try await setRetries(taskID, retries: retries)
    }
}
