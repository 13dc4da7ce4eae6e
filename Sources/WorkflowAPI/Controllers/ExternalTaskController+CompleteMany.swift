// SPDX-License-Identifier: Apache-2.0
import BPMN
import Hummingbird
import Workflow

/// `POST /external-task/complete` (not Camunda's): many completes in one request, each settled on its own.
///
/// Body: `{"workerId": W, "tasks": [{"id", "workerId"?, "variables"?, "localVariables"?}, ...]}`, each task as
/// `/external-task/{id}/complete` takes it (a task's own `workerId` wins). The answer is 200 with one entry per
/// task, in order: `{"id", "status": 204}`, or the status, type, message and code that the one-task call would
/// have answered. A malformed body is a 400 and settles nothing. The completes run concurrently, so on the Redis
/// store their scripts share round trips. The Swift worker runtime sends the completes that are ready at the same
/// moment this way.
extension ExternalTaskController {
    /// The most tasks one request may complete.
    static var maxCompletesPerRequest: Int { 1000 }

    @Sendable func completeMany(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let body = try await request.jsonObject()
        guard let tasks = try body.objects("tasks") else { throw WorkflowError(.nullValue, "tasks is null") }
        guard tasks.count <= Self.maxCompletesPerRequest else {
            throw WorkflowError(.invalidRequest, "At most \(Self.maxCompletesPerRequest) tasks per request, not \(tasks.count)")
        }
        let workerID = try body.string("workerId")
        let completes = try tasks.map { task in
            guard let id = try task.string("id") else { throw WorkflowError(.nullValue, "a task's id is null") }
            return Complete(id: id, workerID: try task.string("workerId") ?? workerID, body: task)
        }
        let outcomes = await withTaskGroup(of: (Int, ExpressionValue).self) { group in
            for (index, complete) in completes.enumerated() {
                group.addTask { (index, await self.settle(complete)) }
            }
            var outcomes = [ExpressionValue](repeating: .null, count: completes.count)
            for await (index, outcome) in group { outcomes[index] = outcome }
            return outcomes
        }
        return JSONResponse.make(.array(outcomes))
    }

    private struct Complete: Sendable {
        let id: String
        let workerID: String?
        let body: JSONObject
    }

    /// One complete, as `/external-task/{id}/complete` would run it, and its outcome as an entry of the answer.
    private func settle(_ complete: Complete) async -> ExpressionValue {
        do {
            let variables = try complete.body.object("variables")
            let localVariables = try complete.body.object("localVariables")
            try await engine.complete(
                complete.id, workerID: complete.workerID, variables: try VariableCodec.decode(variables),
                localVariables: try VariableCodec.decode(localVariables),
                transient: VariableCodec.transientNames(variables).union(VariableCodec.transientNames(localVariables)))
            return .object(["id": .string(complete.id), "status": .int(204)])
        } catch {
            let failure = CamundaErrorResponse(error)
            return .object([
                "id": .string(complete.id), "status": .int(Int64(failure.status.code)), "type": .string(failure.type),
                "message": .string(failure.message), "code": failure.code.map { .int(Int64($0)) } ?? .null,
            ])
        }
    }
}
