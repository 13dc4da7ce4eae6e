// SPDX-License-Identifier: Apache-2.0
import BPMN
import NIOCore
import Workflow

/// Completes: one request each (`/external-task/{id}/complete`), or many per request through `CompleteBatcher`
/// (`POST /external-task/complete`, this server's) where the engine has it.
extension RESTTransport {
    /// One task's complete: the body of `/external-task/{id}/complete` and the id.
    struct CompleteEntry: Sendable {
        let taskID: String
        let body: [String: ExpressionValue]
    }

    public func complete(_ taskID: String, workerID: String, variables: [String: VariableValue],
                         localVariables: [String: VariableValue]) async throws {
        let body: [String: ExpressionValue] = [
            "workerId": .string(workerID), "variables": Self.encode(variables),
            "localVariables": Self.encode(localVariables),
        ]
        guard let completes else { return try await completeOne(CompleteEntry(taskID: taskID, body: body)) }
        try await completes.complete(CompleteEntry(taskID: taskID, body: body), sendMany: completeMany, sendOne: completeOne)
    }

    @Sendable private func completeOne(_ entry: CompleteEntry) async throws {
        _ = try await post(path(entry.taskID, "complete"), body: .object(entry.body))
    }

    /// `POST /external-task/complete`: one outcome per entry, or nil when the engine has no such call (Camunda
    /// answers 404 or 405). A request that fails as a whole fails every entry alike.
    @Sendable private func completeMany(_ entries: [CompleteEntry]) async -> [Result<Void, any Error>]? {
        let path = "/external-task/complete"
        let tasks = ExpressionValue.array(entries.map { entry in
            var task = entry.body
            task["id"] = .string(entry.taskID)
            return .object(task)
        })
        let reply: ExpressionValue
        do {
            let (status, bytes) = try await send(.POST, path, body: ByteBuffer(bytes: ExpressionValue.object(["tasks": tasks]).jsonBytes),
                                                 timeout: .seconds(30))
            if status == 404 || status == 405 || status == 501 { return nil }
            // Too big together (large variables): each on its own.
            if status == 413 { return await entries.asyncResults(completeOne) }
            reply = Self.json(bytes)
            guard status == 200 else { throw Self.failure(status: status, reply: reply, path: path) }
        } catch {
            let failure = error is CancellationError || error is WorkerTransportError
                ? error : WorkerTransportError(.unavailable, "POST \(path): \(error)")
            return entries.map { _ in .failure(failure) }
        }
        guard case .array(let outcomes) = reply, outcomes.count == entries.count else {
            let failure = WorkerTransportError(.unavailable, "POST \(path) answered \(reply.jsonText.prefix(200))")
            return entries.map { _ in .failure(failure) }
        }
        return outcomes.map { outcome in
            let status = Int(outcome.objectValue?["status"]?.intValue ?? 500)
            return status == 204 ? .success(()) : .failure(Self.failure(status: status, reply: outcome, path: path))
        }
    }
}

extension Array where Element: Sendable {
    /// `body` on each element in turn, with each one's outcome.
    fileprivate func asyncResults(_ body: (Element) async throws -> Void) async -> [Result<Void, any Error>] {
        var results: [Result<Void, any Error>] = []
        for element in self {
            do { try await body(element); results.append(.success(())) } catch { results.append(.failure(error)) }
        }
        return results
    }
}
