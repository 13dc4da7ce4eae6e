// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Hummingbird
import Workflow

/// `GET /incident`, `/incident/count` and `/incident/{id}`: the open incidents.
extension EngineController {
    /// The open incidents a query selects. Incidents here are their own cause and have no job definition.
    private func filteredIncidents(_ query: QueryInput) async throws -> [Incident] {
        let keys = query.list("processDefinitionKeyIn"), tenants = query.list("tenantIdIn")
        let before = try query.date("incidentTimestampBefore"), after = try query.date("incidentTimestampAfter")
        let incidents = try await engine.store.incidents().filter { incident in
            guard query.matches(incident) else { return false }
            if let id = query.string("processDefinitionId"), incident.processDefinitionID != id { return false }
            if let keys, !keys.contains(definition(of: incident)?.key ?? "") { return false }
            if let id = query.string("processInstanceId"), incident.processInstanceID != id { return false }
            if let id = query.string("executionId"), incident.executionID != id { return false }
            if let before, incident.timestamp >= before { return false }
            if let after, incident.timestamp <= after { return false }
            if let id = query.string("activityId"), incident.activityID != id { return false }
            if let id = query.string("failedActivityId"), incident.activityID != id { return false }
            if let id = query.string("causeIncidentId"), incident.id != id { return false }
            if let id = query.string("rootCauseIncidentId"), incident.id != id { return false }
            if let configuration = query.string("configuration"), incident.configuration != configuration { return false }
            if let tenants, !tenants.contains(definition(of: incident)?.tenantID ?? "") { return false }
            if query.has("jobDefinitionIdIn") { return false }
            return true
        }
        return try query.sort(incidents, keys: [
            "incidentId": { SortKey($0.id) }, "incidentMessage": { SortKey($0.message) },
            "incidentTimestamp": { SortKey($0.timestamp) }, "incidentType": { SortKey($0.type) },
            "executionId": { SortKey($0.executionID) }, "activityId": { SortKey($0.activityID) },
            "processInstanceId": { SortKey($0.processInstanceID) },
            "processDefinitionId": { SortKey($0.processDefinitionID) }, "causeIncidentId": { SortKey($0.id) },
            "rootCauseIncidentId": { SortKey($0.id) }, "configuration": { SortKey($0.configuration) },
            "tenantId": { SortKey(definition(of: $0)?.tenantID) },
        ])
    }

    private func definition(of incident: Incident) -> DeployedProcess? {
        try? engine.processDefinition(id: incident.processDefinitionID)
    }

    private func dto(_ incident: Incident) -> ExpressionValue {
        DTO.incident(incident, tenantID: definition(of: incident)?.tenantID)
    }

    @Sendable func incidents(_ request: Request, context: Context) async throws -> Response {
        let incidents = try await filteredIncidents(try QueryInput(url: request))
        return JSONResponse.make(.array(try request.page(incidents).map(dto)))
    }

    @Sendable func incidentCount(_ request: Request, context: Context) async throws -> Response {
        JSONResponse.make(.object(["count": .int(Int64(try await filteredIncidents(try QueryInput(url: request)).count))]))
    }

    @Sendable func incident(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.decoded("id")
        guard let incident = try await engine.store.incidents().first(where: { $0.id == id }) else {
            throw WorkflowError(.notFound, "Incident with id \(id) does not exist")
        }
        return JSONResponse.make(dto(incident))
    }

    /// `DELETE /incident/{id}`: Camunda resolves only custom incidents this way; the engine's own kinds are resolved
    /// by fixing their cause (retries for `failedExternalTask`), so those answer 400 as Camunda does.
    @Sendable func resolveIncident(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.decoded("id")
        guard let incident = try await engine.store.incidents().first(where: { $0.id == id }) else {
            throw WorkflowError(.notFound, "Cannot find an incident with id '\(id)'")
        }
        throw WorkflowError(.badUserRequest, "Cannot resolve an incident of type \(incident.type)")
    }
}
