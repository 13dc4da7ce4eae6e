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

    private static func count(_ number: Int) -> Response { JSONResponse.make(.object(["count": .int(Int64(number))])) }

    // MARK: process instances

    func filteredInstances(_ query: QueryInput) async throws -> [HistoricProcessInstance] {
        let ids = query.list("processInstanceIds"), keys = query.list("processDefinitionKeyIn")
        let startedBefore = try query.date("startedBefore"), startedAfter = try query.date("startedAfter")
        let finishedBefore = try query.date("finishedBefore"), finishedAfter = try query.date("finishedAfter")
        let instances = try await engine.store.historicProcessInstances().filter { instance in
            if let id = query.string("processInstanceId"), instance.id != id { return false }
            if let ids, !ids.contains(instance.id) { return false }
            if let key = query.string("processDefinitionKey"), instance.processDefinitionKey != key { return false }
            if let keys, !keys.contains(instance.processDefinitionKey) { return false }
            if let id = query.string("processDefinitionId"), instance.processDefinitionID != id { return false }
            if let key = query.string("processInstanceBusinessKey"), instance.businessKey != key { return false }
            if let like = query.string("processInstanceBusinessKeyLike"),
               !(instance.businessKey?.matchesLike(like) ?? false) { return false }
            if query.bool("finished"), instance.endTime == nil { return false }
            if query.bool("unfinished"), instance.endTime != nil { return false }
            if query.bool("active"), instance.state != .active { return false }
            if query.bool("completed"), instance.state != .completed { return false }
            if query.bool("externallyTerminated"), instance.state != .externallyTerminated { return false }
            if query.bool("internallyTerminated"), instance.state != .internallyTerminated { return false }
            if let id = query.string("superProcessInstanceId"), instance.superProcessInstanceID != id { return false }
            if let startedBefore, instance.startTime > startedBefore { return false }
            if let startedAfter, instance.startTime < startedAfter { return false }
            if let finishedBefore, !(instance.endTime.map { $0 <= finishedBefore } ?? false) { return false }
            if let finishedAfter, !(instance.endTime.map { $0 >= finishedAfter } ?? false) { return false }
            return true
        }
        return try query.sort(instances, keys: [
            "instanceId": { SortKey($0.id) }, "definitionId": { SortKey($0.processDefinitionID) },
            "definitionKey": { SortKey($0.processDefinitionKey) }, "definitionName": { SortKey($0.processDefinitionName) },
            "definitionVersion": { SortKey(Int64($0.processDefinitionVersion)) }, "businessKey": { SortKey($0.businessKey) },
            "startTime": { SortKey($0.startTime) }, "endTime": { SortKey($0.endTime) },
            "duration": { instance in SortKey(instance.endTime.map { $0.timeIntervalSince(instance.startTime) }) },
            "tenantId": { _ in SortKey(nil as String?) },
        ])
    }

    @Sendable func processInstances(_ request: Request, context: Context) async throws -> Response {
        let instances = try await filteredInstances(try await QueryInput.of(request))
        return JSONResponse.make(.array(try request.page(instances).map(DTO.historicProcessInstance)))
    }

    @Sendable func processInstanceCount(_ request: Request, context: Context) async throws -> Response {
        Self.count(try await filteredInstances(try await QueryInput.of(request)).count)
    }

    @Sendable func processInstance(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let instance = try await engine.store.historicProcessInstance(id) else {
            throw WorkflowError(.notFound, "Historic process instance with id \(id) does not exist")
        }
        return JSONResponse.make(DTO.historicProcessInstance(instance))
    }

    // MARK: activity instances

    private func filteredActivities(_ request: Request) async throws -> [HistoricActivityInstance] {
        try await engine.store.historicActivityInstances(processInstanceID: request.query("processInstanceId"))
            .filter { activity in
                if let id = request.query("activityId"), activity.activityID != id { return false }
                if let id = request.query("activityInstanceId"), activity.id != id { return false }
                if let type = request.query("activityType"), activity.activityType != type { return false }
                if let id = request.query("executionId"), activity.executionID != id { return false }
                if request.queryBool("finished") == true, activity.endTime == nil { return false }
                if request.queryBool("unfinished") == true, activity.endTime != nil { return false }
                if request.queryBool("canceled") == true, !activity.canceled { return false }
                return true
            }
    }

    @Sendable func activities(_ request: Request, context: Context) async throws -> Response {
        JSONResponse.make(.array(try request.page(try await filteredActivities(request)).map(DTO.historicActivityInstance)))
    }

    @Sendable func activityCount(_ request: Request, context: Context) async throws -> Response {
        Self.count(try await filteredActivities(request).count)
    }

    // MARK: variable instances

    private func filteredVariables(_ request: Request) async throws -> [HistoricVariableInstance] {
        let instanceIDs = request.queryList("processInstanceIdIn")
        let executionIDs = request.queryList("executionIdIn")
        let activityInstanceIDs = request.queryList("activityInstanceIdIn")
        let types = request.queryList("variableTypeIn").map { Set($0.map { $0.lowercased() }) }
        return try await engine.historicVariableInstances().filter { variable in
            if let name = request.query("variableName"), variable.name != name { return false }
            if let like = request.query("variableNameLike"), !variable.name.matchesLike(like) { return false }
            if let id = request.query("processInstanceId"), variable.processInstanceID != id { return false }
            if let instanceIDs, !instanceIDs.contains(variable.processInstanceID) { return false }
            if let id = request.query("processDefinitionId"), variable.processDefinitionID != id { return false }
            if let key = request.query("processDefinitionKey"), variable.processDefinitionKey != key { return false }
            if let executionIDs, !executionIDs.contains(variable.executionID) { return false }
            if let activityInstanceIDs, !activityInstanceIDs.contains(variable.activityInstanceID) { return false }
            if let types, !types.contains(variable.value.typeName.lowercased()) { return false }
            return true
        }
    }

    @Sendable func variables(_ request: Request, context: Context) async throws -> Response {
        let deserialize = request.queryBool("deserializeValues") ?? true
        return JSONResponse.make(.array(try request.page(try await filteredVariables(request)).map {
            DTO.historicVariable($0, deserialize: deserialize)
        }))
    }

    @Sendable func variableCount(_ request: Request, context: Context) async throws -> Response {
        Self.count(try await filteredVariables(request).count)
    }

    private func variable(_ context: Context) async throws -> HistoricVariableInstance {
        let id = try context.parameters.require("id")
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

    private func filteredIncidents(_ request: Request) async throws -> [HistoricIncident] {
        try await engine.store.historicIncidents().filter { historic in
            let incident = historic.incident
            if let id = request.query("incidentId"), incident.id != id { return false }
            if let type = request.query("incidentType"), incident.type != type { return false }
            if let message = request.query("incidentMessage"), incident.message != message { return false }
            if let id = request.query("processInstanceId"), incident.processInstanceID != id { return false }
            if let id = request.query("processDefinitionId"), incident.processDefinitionID != id { return false }
            if let id = request.query("executionId"), incident.executionID != id { return false }
            if let id = request.query("activityId"), incident.activityID != id { return false }
            if let configuration = request.query("configuration"), incident.configuration != configuration { return false }
            if request.queryBool("open") == true, historic.state != .open { return false }
            if request.queryBool("resolved") == true, historic.state != .resolved { return false }
            if request.queryBool("deleted") == true, historic.state != .deleted { return false }
            return true
        }
    }

    @Sendable func incidents(_ request: Request, context: Context) async throws -> Response {
        let incidents = try request.page(try await filteredIncidents(request))
        return JSONResponse.make(.array(incidents.map { historic in
            DTO.historicIncident(historic, definitionKey: try? engine.processDefinition(id: historic.incident.processDefinitionID).key)
        }))
    }

    @Sendable func incidentCount(_ request: Request, context: Context) async throws -> Response {
        Self.count(try await filteredIncidents(request).count)
    }
}
