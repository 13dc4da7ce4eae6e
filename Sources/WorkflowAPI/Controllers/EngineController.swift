// SPDX-License-Identifier: Apache-2.0
import BPMN
import Hummingbird
import Workflow

/// `/version`, `/engine`, `/incident` and `/task` (user tasks).
struct EngineController<Context: RequestContext> {
    let engine: Engine

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("version") { _, _ in JSONResponse.make(.object(["version": .string("7.24.0")])) }
        group.get("engine") { _, _ in JSONResponse.make(.array([.object(["name": .string("default")])])) }
        group.get("incident", use: incidents)
        group.get("incident/count", use: incidentCount)
        group.get("incident/:id", use: incident)
        group.delete("incident/:id", use: resolveIncident)
        group.get("task", use: userTasks)
        group.post("task/:id/complete", use: completeUserTask)
    }

    @Sendable func userTasks(_ request: Request, context: Context) async throws -> Response {
        let tasks = try await engine.store.userTasks().filter { task in
            request.query("processInstanceId").map { $0 == task.processInstanceID } ?? true
        }
        return JSONResponse.make(.array(tasks.map { task in
            .object([
                "id": .string(task.id), "name": DTO.string(task.name), "taskDefinitionKey": .string(task.activityID),
                "processInstanceId": .string(task.processInstanceID), "executionId": .string(task.executionID),
                "processDefinitionId": .string(task.processDefinitionID), "created": DTO.date(task.createTime),
                "assignee": .null, "owner": .null, "tenantId": .null, "suspended": .bool(false),
            ])
        }))
    }

    @Sendable func completeUserTask(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let body = try await request.jsonObject()
        try await engine.completeUserTask(
            try context.parameters.decoded("id"), variables: try VariableCodec.decode(try body.object("variables")))
        return JSONResponse.noContent
    }
}
