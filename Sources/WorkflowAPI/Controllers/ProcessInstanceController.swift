// SPDX-License-Identifier: Apache-2.0
import BPMN
import Hummingbird
import Workflow

/// `/process-instance`: running instances and their variables.
struct ProcessInstanceController<Context: RequestContext> {
    let engine: Engine

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("process-instance", use: list)
        group.post("process-instance", use: list)
        group.get("process-instance/count", use: count)
        group.post("process-instance/count", use: count)
        group.get("process-instance/:id", use: get)
        group.delete("process-instance/:id", use: delete)
        group.get("process-instance/:id/activity-instances", use: activityInstances)
    }

    /// Running instances a query selects (see `VariableFilter` for `variables`).
    func filtered(_ query: QueryInput) async throws -> [ProcessInstance] {
        let filters = try query.variableFilters("variables")
        let ids = query.list("processInstanceIds"), keys = query.list("processDefinitionKeyIn")
        let excludedKeys = query.list("processDefinitionKeyNotIn"), activities = query.list("activityIdIn")
        let tenants = query.list("tenantIdIn")
        let withoutTenant = query.bool("withoutTenantId") || query.bool("processDefinitionWithoutTenantId")
        let incidents = try await incidentInstances(query)
        let links = try await callLinks(query)
        let instances = try await engine.store.instances(definitionKey: query.string("processDefinitionKey")).filter { instance in
            let definition = try? engine.processDefinition(id: instance.definitionID)
            if let ids, !ids.contains(instance.id) { return false }
            if let keys, !keys.contains(instance.definitionKey) { return false }
            if let excludedKeys, excludedKeys.contains(instance.definitionKey) { return false }
            if let key = query.string("businessKey"), instance.businessKey != key { return false }
            if let like = query.string("businessKeyLike"), !(instance.businessKey?.matchesLike(like) ?? false) { return false }
            if let id = query.string("processDefinitionId"), instance.definitionID != id { return false }
            if let id = query.string("deploymentId"), definition?.deploymentID != id { return false }
            if query.has("caseInstanceId") { return false }  // no case instances here
            if let id = query.string("superProcessInstance"), instance.superInstance?.instanceID != id { return false }
            if let links, query.has("subProcessInstance"), links.superOfSub != instance.id { return false }
            if query.bool("rootProcessInstances"), instance.superInstance != nil { return false }
            if let links, query.bool("leafProcessInstances"), links.supers.contains(instance.id) { return false }
            if query.bool("suspended") { return false }
            if let incidents, !incidents.contains(instance.id) { return false }
            if let tenants, !tenants.contains(definition?.tenantID ?? "") { return false }
            if withoutTenant, definition?.tenantID != nil { return false }
            if let activities, !Self.activityIDs(of: instance).contains(where: activities.contains) { return false }
            return query.matches(filters, instance.variables)
        }
        return try query.sort(instances, keys: [
            "instanceId": { SortKey($0.id) }, "definitionKey": { SortKey($0.definitionKey) },
            "definitionId": { SortKey($0.definitionID) }, "businessKey": { SortKey($0.businessKey) },
            "tenantId": { SortKey(engine.tenantID(ofDefinition: $0.definitionID)) },
        ])
    }

    /// The instances with an incident the query's incident filters select; nil when it has none.
    private func incidentInstances(_ query: QueryInput) async throws -> Set<String>? {
        guard query.bool("withIncident") || query.hasIncidentFilter else { return nil }
        return Set(try await engine.store.incidents().filter(query.matches).map(\.processInstanceID))
    }

    /// Call-activity links, read only when the query asks about them: the instances that have a running child,
    /// and the parent of `subProcessInstance`.
    private func callLinks(_ query: QueryInput) async throws -> (supers: Set<String>, superOfSub: String?)? {
        guard query.bool("leafProcessInstances") || query.has("subProcessInstance") else { return nil }
        let all = try await engine.store.instances(definitionKey: nil)
        let sub = query.string("subProcessInstance")
        return (Set(all.compactMap { $0.superInstance?.instanceID }),
                all.first { $0.id == sub }?.superInstance?.instanceID)
    }

    /// The activities the instance's tokens currently wait in (leaf activity instances only).
    static func activityIDs(of instance: ProcessInstance) -> Set<String> {
        Set(instance.tokens.values.compactMap { token in
            switch token.state {
            case .active, .waitingJoin, .waitingScope: nil
            default: token.nodeID
            }
        })
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let instances = try await filtered(try await QueryInput.of(request))
        return JSONResponse.make(.array(try request.page(instances).map {
            .object(DTO.processInstance($0, tenantID: engine.tenantID(ofDefinition: $0.definitionID)))
        }))
    }

    @Sendable func count(_ request: Request, context: Context) async throws -> Response {
        JSONResponse.make(.object(["count": .int(Int64(try await filtered(try await QueryInput.of(request)).count))]))
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        let instance = try await engine.processInstance(try context.parameters.decoded("id"))
        let tenantID = engine.tenantID(ofDefinition: instance.definitionID)
        return JSONResponse.make(.object(DTO.processInstance(instance, tenantID: tenantID)))
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.decoded("id")
        do {
            try await engine.deleteProcessInstance(id)
        } catch let error as WorkflowError where error.code == .notFound && request.queryBool("failIfNotExists") == false {
            return JSONResponse.noContent
        }
        return JSONResponse.noContent
    }

    @Sendable func activityInstances(_ request: Request, context: Context) async throws -> Response {
        let instance = try await engine.processInstance(try context.parameters.decoded("id"))
        let incidents = try await engine.store.incidents().filter { $0.processInstanceID == instance.id }
        let tree = ActivityInstanceTree(
            instance: instance, process: try engine.processDefinition(id: instance.definitionID), incidents: incidents)
        return JSONResponse.make(tree.root())
    }
}
