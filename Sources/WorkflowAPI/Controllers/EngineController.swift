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
        group.get("task", use: userTasks)
        group.post("task/:id/complete", use: completeUserTask)
    }

    private func filteredIncidents(_ request: Request) async throws -> [Incident] {
        try await engine.store.incidents().filter { incident in
            if let id = request.query("processInstanceId"), incident.processInstanceID != id { return false }
            if let type = request.query("incidentType"), incident.type != type { return false }
            if let id = request.query("incidentId"), incident.id != id { return false }
            if let configuration = request.query("configuration"), incident.configuration != configuration { return false }
            if let activity = request.query("activityId"), incident.activityID != activity { return false }
            return true
        }
    }

    @Sendable func incidents(_ request: Request, context: Context) async throws -> Response {
        JSONResponse.make(.array(try await filteredIncidents(request).map(DTO.incident)))
    }

    @Sendable func incident(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let incident = try await engine.store.incidents().first(where: { $0.id == id }) else {
            throw WorkflowError(.notFound, "Incident with id \(id) does not exist")
        }
        return JSONResponse.make(DTO.incident(incident))
    }

    @Sendable func incidentCount(_ request: Request, context: Context) async throws -> Response {
        JSONResponse.make(.object(["count": .int(Int64(try await filteredIncidents(request).count))]))
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
            try context.parameters.require("id"), variables: try VariableCodec.decode(try body.object("variables")))
        return JSONResponse.noContent
    }
}
