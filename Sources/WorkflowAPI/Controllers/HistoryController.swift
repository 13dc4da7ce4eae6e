// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Hummingbird
import Workflow

/// `/history/...`: process instances, activity instances, variable instances and incidents, finished or not.
struct HistoryController<Context: RequestContext> {
    let engine: Engine

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("history/process-instance", use: processInstances)
        group.post("history/process-instance", use: processInstances)
        group.get("history/process-instance/count", use: processInstanceCount)
        group.post("history/process-instance/count", use: processInstanceCount)
        group.get("history/process-instance/:id", use: processInstance)
        group.get("history/activity-instance", use: activities)
        group.get("history/activity-instance/count", use: activityCount)
        group.get("history/variable-instance", use: variables)
        group.get("history/variable-instance/count", use: variableCount)
        group.get("history/variable-instance/:id", use: variable)
        group.get("history/variable-instance/:id/data", use: variableData)
        group.get("history/incident", use: incidents)
        group.get("history/incident/count", use: incidentCount)
    }

    static func count(_ number: Int) -> Response { JSONResponse.make(.object(["count": .int(Int64(number))])) }

    // MARK: activity instances

    private func filteredActivities(_ query: QueryInput) async throws -> [HistoricActivityInstance] {
        let activities = try await engine.store.historicActivityInstances(processInstanceID: query.string("processInstanceId"))
            .filter { activity in
                if let id = query.string("activityId"), activity.activityID != id { return false }
                if let id = query.string("activityInstanceId"), activity.id != id { return false }
                if let type = query.string("activityType"), activity.activityType != type { return false }
                if let id = query.string("executionId"), activity.executionID != id { return false }
                if query.bool("finished"), activity.endTime == nil { return false }
                if query.bool("unfinished"), activity.endTime != nil { return false }
                if query.bool("canceled"), !activity.canceled { return false }
                return true
            }
        return try query.sort(activities, keys: [
            "activityInstanceId": { SortKey($0.id) }, "instanceId": { SortKey($0.processInstanceID) },
            "executionId": { SortKey($0.executionID) }, "activityId": { SortKey($0.activityID) },
            "activityName": { SortKey($0.activityName) }, "activityType": { SortKey($0.activityType) },
            "startTime": { SortKey($0.startTime) }, "endTime": { SortKey($0.endTime) },
            "duration": { activity in SortKey(activity.endTime.map { $0.timeIntervalSince(activity.startTime) }) },
            "definitionId": { SortKey($0.processDefinitionID) }, "occurrence": { SortKey($0.sequence) },
            "tenantId": { SortKey(engine.tenantID(ofDefinition: $0.processDefinitionID)) },
        ])
    }

    @Sendable func activities(_ request: Request, context: Context) async throws -> Response {
        let activities = try await filteredActivities(try QueryInput(url: request))
        return JSONResponse.make(.array(try request.page(activities).map(DTO.historicActivityInstance)))
    }

    @Sendable func activityCount(_ request: Request, context: Context) async throws -> Response {
        Self.count(try await filteredActivities(try QueryInput(url: request)).count)
    }

    // MARK: variable instances

    private func filteredVariables(_ query: QueryInput) async throws -> [HistoricVariableInstance] {
        let instanceIDs = query.list("processInstanceIdIn")
        let executionIDs = query.list("executionIdIn")
        let activityInstanceIDs = query.list("activityInstanceIdIn")
        let types = query.list("variableTypeIn").map { Set($0.map { $0.lowercased() }) }
        let variables = try await engine.historicVariableInstances().filter { variable in
            if let name = query.string("variableName"), variable.name != name { return false }
            if let like = query.string("variableNameLike"), !variable.name.matchesLike(like) { return false }
            if let id = query.string("processInstanceId"), variable.processInstanceID != id { return false }
            if let instanceIDs, !instanceIDs.contains(variable.processInstanceID) { return false }
            if let id = query.string("processDefinitionId"), variable.processDefinitionID != id { return false }
            if let key = query.string("processDefinitionKey"), variable.processDefinitionKey != key { return false }
            if let executionIDs, !executionIDs.contains(variable.executionID) { return false }
            if let activityInstanceIDs, !activityInstanceIDs.contains(variable.activityInstanceID) { return false }
            if let types, !types.contains(variable.value.typeName.lowercased()) { return false }
            return true
        }
        return try query.sort(variables, keys: [
            "instanceId": { SortKey($0.processInstanceID) }, "variableName": { SortKey($0.name) },
            "tenantId": { SortKey(engine.tenantID(ofDefinition: $0.processDefinitionID)) },
        ])
    }

    @Sendable func variables(_ request: Request, context: Context) async throws -> Response {
        let deserialize = request.queryBool("deserializeValues") ?? true
        let variables = try await filteredVariables(try QueryInput(url: request))
        return JSONResponse.make(.array(try request.page(variables).map {
            DTO.historicVariable($0, deserialize: deserialize)
        }))
    }

    @Sendable func variableCount(_ request: Request, context: Context) async throws -> Response {
        Self.count(try await filteredVariables(try QueryInput(url: request)).count)
    }

    private func variable(_ context: Context) async throws -> HistoricVariableInstance {
        let id = try context.parameters.decoded("id")
        guard let variable = try await engine.historicVariableInstances().first(where: { $0.id == id }) else {
            throw WorkflowError(.notFound, "Historic variable instance with Id '\(id)' does not exist.")
        }
        return variable
    }

    @Sendable func variable(_ request: Request, context: Context) async throws -> Response {
        let deserialize = request.queryBool("deserializeValue") ?? true
        return JSONResponse.make(DTO.historicVariable(try await variable(context), deserialize: deserialize))
    }

    @Sendable func variableData(_ request: Request, context: Context) async throws -> Response {
        let variable = try await variable(context)
        return try VariablesController<Context>.binary(variable.value, name: variable.id)
    }

    // MARK: incidents

    private func filteredIncidents(_ query: QueryInput) async throws -> [HistoricIncident] {
        let incidents = try await engine.store.historicIncidents().filter { historic in
            let incident = historic.incident
            guard query.matches(incident) else { return false }
            if let id = query.string("processInstanceId"), incident.processInstanceID != id { return false }
            if let id = query.string("processDefinitionId"), incident.processDefinitionID != id { return false }
            if let id = query.string("executionId"), incident.executionID != id { return false }
            if let id = query.string("activityId"), incident.activityID != id { return false }
            if let configuration = query.string("configuration"), incident.configuration != configuration { return false }
            if query.bool("open"), historic.state != .open { return false }
            if query.bool("resolved"), historic.state != .resolved { return false }
            if query.bool("deleted"), historic.state != .deleted { return false }
            return true
        }
        let key = { (historic: HistoricIncident) in
            (try? engine.processDefinition(id: historic.incident.processDefinitionID))?.key
        }
        return try query.sort(incidents, keys: [
            "incidentId": { SortKey($0.incident.id) }, "incidentMessage": { SortKey($0.incident.message) },
            "createTime": { SortKey($0.incident.timestamp) }, "endTime": { SortKey($0.endTime) },
            "incidentType": { SortKey($0.incident.type) }, "executionId": { SortKey($0.incident.executionID) },
            "activityId": { SortKey($0.incident.activityID) },
            "processInstanceId": { SortKey($0.incident.processInstanceID) },
            "processDefinitionId": { SortKey($0.incident.processDefinitionID) },
            "processDefinitionKey": { SortKey(key($0)) }, "causeIncidentId": { SortKey($0.incident.id) },
            "rootCauseIncidentId": { SortKey($0.incident.id) }, "configuration": { SortKey($0.incident.configuration) },
            "historyConfiguration": { _ in SortKey(nil as String?) },
            "tenantId": { SortKey(engine.tenantID(ofDefinition: $0.incident.processDefinitionID)) },
            // Camunda numbers the states open 0, resolved 1, deleted 2.
            "incidentState": { SortKey(Int64([.open, .resolved, .deleted].firstIndex(of: $0.state) ?? 0)) },
        ])
    }

    @Sendable func incidents(_ request: Request, context: Context) async throws -> Response {
        let incidents = try request.page(try await filteredIncidents(try QueryInput(url: request)))
        return JSONResponse.make(.array(incidents.map { historic in
            let definition = try? engine.processDefinition(id: historic.incident.processDefinitionID)
            return DTO.historicIncident(historic, definitionKey: definition?.key, tenantID: definition?.tenantID)
        }))
    }

    @Sendable func incidentCount(_ request: Request, context: Context) async throws -> Response {
        Self.count(try await filteredIncidents(try QueryInput(url: request)).count)
    }
}
