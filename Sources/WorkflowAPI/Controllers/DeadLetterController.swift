// SPDX-License-Identifier: Apache-2.0
import BPMN
import Hummingbird
import Workflow

/// `/dead-letter`: external tasks out of retries (not part of Camunda's API). `GET` lists them as
/// ExternalTaskDto plus `incidentId` and `incidentTimestamp`, oldest failure first; `POST /dead-letter/{id}/retry`
/// `{"retries": N}` (default 1) gives one retries again, which resolves its incident.
struct DeadLetterController<Context: RequestContext> {
    let engine: Engine

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("dead-letter", use: list)
        group.get("dead-letter/count", use: count)
        group.post("dead-letter/:id/retry", use: retry)
    }

    static func dto(_ letter: Engine.DeadLetter) -> ExpressionValue {
        var fields = DTO.externalTask(letter.task)
        fields["incidentId"] = .string(letter.incident.id)
        fields["incidentTimestamp"] = .string(CamundaDate.format(letter.incident.timestamp))
        return .object(fields)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        JSONResponse.make(.array(try await engine.deadLetters().map(Self.dto)))
    }

    @Sendable func count(_ request: Request, context: Context) async throws -> Response {
        JSONResponse.make(.object(["count": .int(Int64(try await engine.deadLetters().count))]))
    }

    @Sendable func retry(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let body = try await request.jsonObject()
        try await engine.retryDeadLetter(try context.parameters.decoded("id"), retries: try body.int("retries") ?? 1)
        return JSONResponse.noContent
    }
}
