// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Hummingbird
import Workflow

/// `GET|POST /history/process-instance`, its count and `/history/process-instance/{id}`.
extension HistoryController {
    /// The historic instances a query selects. Nothing is ever suspended here, so `suspended=true` selects none;
    /// `variables` conditions apply to the process-scope variables (current ones while an instance runs, those it
    /// ended with after), `withIncidents` to incidents open or closed.
    func filteredInstances(_ query: QueryInput) async throws -> [HistoricProcessInstance] {
        let ids = query.list("processInstanceIds"), keys = query.list("processDefinitionKeyIn")
        let excludedKeys = query.list("processDefinitionKeyNotIn")
        let businessKeys = query.list("processInstanceBusinessKeyIn"), tenants = query.list("tenantIdIn")
        let startedBefore = try query.date("startedBefore"), startedAfter = try query.date("startedAfter")
        let finishedBefore = try query.date("finishedBefore"), finishedAfter = try query.date("finishedAfter")
        let variableFilters = try query.variableFilters("variables")
        let withIncidents = query.bool("withIncidents")
            ? Set(try await engine.store.historicIncidents().map(\.incident.processInstanceID)) : nil
        var instances = try await engine.store.historicProcessInstances().filter { instance in
            let tenant = engine.tenantID(ofDefinition: instance.processDefinitionID)
            if let id = query.string("processInstanceId"), instance.id != id { return false }
            if let ids, !ids.contains(instance.id) { return false }
            if let key = query.string("processDefinitionKey"), instance.processDefinitionKey != key { return false }
            if let keys, !keys.contains(instance.processDefinitionKey) { return false }
            if let excludedKeys, excludedKeys.contains(instance.processDefinitionKey) { return false }
            if let id = query.string("processDefinitionId"), instance.processDefinitionID != id { return false }
            if let key = query.string("processInstanceBusinessKey"), instance.businessKey != key { return false }
            if let like = query.string("processInstanceBusinessKeyLike"),
               !(instance.businessKey?.matchesLike(like) ?? false) { return false }
            if let businessKeys, !businessKeys.contains(instance.businessKey ?? "") { return false }
            if query.bool("finished"), instance.endTime == nil { return false }
            if query.bool("unfinished"), instance.endTime != nil { return false }
            if query.bool("active"), instance.state != .active { return false }
            if query.bool("suspended") { return false }
            if query.bool("completed"), instance.state != .completed { return false }
            if query.bool("externallyTerminated"), instance.state != .externallyTerminated { return false }
            if query.bool("internallyTerminated"), instance.state != .internallyTerminated { return false }
            if let id = query.string("superProcessInstanceId"), instance.superProcessInstanceID != id { return false }
            if let withIncidents, !withIncidents.contains(instance.id) { return false }
            if let tenants, !tenants.contains(tenant ?? "") { return false }
            if query.bool("withoutTenantId"), tenant != nil { return false }
            if let startedBefore, instance.startTime > startedBefore { return false }
            if let startedAfter, instance.startTime < startedAfter { return false }
            if let finishedBefore, !(instance.endTime.map { $0 <= finishedBefore } ?? false) { return false }
            if let finishedAfter, !(instance.endTime.map { $0 >= finishedAfter } ?? false) { return false }
            return true
        }
        if !variableFilters.isEmpty {
            let running = try await engine.store.instances(ids: Set(instances.filter { $0.endTime == nil }.map(\.id)))
            instances = instances.filter { instance in
                let variables = instance.endTime == nil ? running[instance.id]?.variables ?? [:] : instance.finalVariables
                return query.matches(variableFilters, variables)
            }
        }
        return try query.sort(instances, keys: [
            "instanceId": { SortKey($0.id) }, "definitionId": { SortKey($0.processDefinitionID) },
            "definitionKey": { SortKey($0.processDefinitionKey) }, "definitionName": { SortKey($0.processDefinitionName) },
            "definitionVersion": { SortKey(Int64($0.processDefinitionVersion)) }, "businessKey": { SortKey($0.businessKey) },
            "startTime": { SortKey($0.startTime) }, "endTime": { SortKey($0.endTime) },
            "duration": { instance in SortKey(instance.endTime.map { $0.timeIntervalSince(instance.startTime) }) },
            "tenantId": { SortKey(engine.tenantID(ofDefinition: $0.processDefinitionID)) },
        ])
    }

    private func dto(_ instance: HistoricProcessInstance) -> ExpressionValue {
        DTO.historicProcessInstance(instance, tenantID: engine.tenantID(ofDefinition: instance.processDefinitionID))
    }

    @Sendable func processInstances(_ request: Request, context: Context) async throws -> Response {
        let instances = try await filteredInstances(try await QueryInput.of(request))
        return JSONResponse.make(.array(try request.page(instances).map(dto)))
    }

    @Sendable func processInstanceCount(_ request: Request, context: Context) async throws -> Response {
        Self.count(try await filteredInstances(try await QueryInput.of(request)).count)
    }

    @Sendable func processInstance(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.decoded("id")
        guard let instance = try await engine.store.historicProcessInstance(id) else {
            throw WorkflowError(.notFound, "Historic process instance with id \(id) does not exist")
        }
        return JSONResponse.make(dto(instance))
    }
}
