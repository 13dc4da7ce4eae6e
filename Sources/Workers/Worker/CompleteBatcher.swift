// SPDX-License-Identifier: Apache-2.0
import DequeModule
import Synchronization

/// Sends the completes that are ready at the same moment in one request, without waiting for a batch to fill.
///
/// A complete that finds no request in flight goes out at once, alone. Completes that arrive while one is in
/// flight queue up; when it answers, the first of them sends itself and the others (up to `maxBatch`) as the next
/// request. At low load every complete is one request with no added delay; under load one request settles many
/// tasks (and the engine runs their Redis scripts in one round trip). An engine without the many-task call (a
/// Camunda engine: `sendMany` answers nil) gets one request per complete from then on.
final class CompleteBatcher<Entry: Sendable>: Sendable {
    /// Settles the entries in one request: exactly one result per entry, in order; nil when the engine has no
    /// such call.
    typealias SendMany = @Sendable ([Entry]) async -> [Result<Void, any Error>]?
    /// Settles one entry in its own request.
    typealias SendOne = @Sendable (Entry) async throws -> Void

    private let maxBatch: Int
    private let state = Mutex(State())

    private struct State {
        var sending = false
        var waiting: Deque<Waiter> = []
        /// false once the engine answered that it has no many-task call.
        var batching = true
    }

    private struct Waiter {
        let entry: Entry
        let continuation: CheckedContinuation<Turn, Never>
    }

    /// What a waiting complete is told to do.
    private enum Turn {
        /// Sent with another's request: this is its result.
        case settled(Result<Void, any Error>)
        /// Send the next request (this entry and those waiting).
        case lead
        /// Send this entry on its own.
        case alone
    }

    init(maxBatch: Int = 256) { self.maxBatch = max(1, maxBatch) }

    /// Settles `entry`: with the next request, or by sending it (and those waiting) with `sendMany`, or alone.
    func complete(_ entry: Entry, sendMany: @escaping SendMany, sendOne: SendOne) async throws {
        let turn: Turn = await withCheckedContinuation { continuation in
            let now: Turn? = state.withLock { state in
                guard state.batching else { return .alone }
                guard state.sending else {
                    state.sending = true
                    return .lead
                }
                state.waiting.append(Waiter(entry: entry, continuation: continuation))
                return nil
            }
            if let now { continuation.resume(returning: now) }
        }
        switch turn {
        case .settled(let result): try result.get()
        case .alone: try await sendOne(entry)
        case .lead: try await lead(entry, sendMany: sendMany, sendOne: sendOne)
        }
    }

    /// Sends `entry` and the waiting ones, answers them, and hands the next request to the first still waiting.
    private func lead(_ entry: Entry, sendMany: @escaping SendMany, sendOne: SendOne) async throws {
        let others = state.withLock { state in
            let count = min(state.waiting.count, maxBatch - 1)
            defer { state.waiting.removeFirst(count) }
            return Array(state.waiting.prefix(count))
        }
        // The others' completes must not fail because this caller was cancelled: the request runs on its own.
        let batch = [entry] + others.map(\.entry)
        let answered = await Task { await sendMany(batch) }.value
        guard var results = answered else {
            // No many-task call: everyone sends alone, now and from now on.
            let rest = state.withLock { state in
                state.batching = false
                state.sending = false
                defer { state.waiting.removeAll() }
                return Array(state.waiting)
            }
            for waiter in others + rest { waiter.continuation.resume(returning: .alone) }
            return try await sendOne(entry)
        }
        if results.count != batch.count {
            let wrong = WorkerTransportError(.unavailable, "\(results.count) outcomes for \(batch.count) completes")
            results = batch.map { _ in .failure(wrong) }
        }
        for (waiter, result) in zip(others, results.dropFirst()) { waiter.continuation.resume(returning: .settled(result)) }
        let next = state.withLock { state in
            if let first = state.waiting.popFirst() { return Optional(first) }
            state.sending = false
            return nil
        }
        next?.continuation.resume(returning: .lead)
        try results[0].get()
    }
}
