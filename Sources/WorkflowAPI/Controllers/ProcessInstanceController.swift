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

    /// Running instances a query selects (`variables=name_op_value,...` compares values as text).
    func filtered(_ query: QueryInput) async throws -> [ProcessInstance] {
        let filters = try (query.list("variables") ?? []).map { filter -> (String, String, String) in
            let parts = filter.split(separator: "_", maxSplits: 2).map(String.init)
            guard parts.count == 3, ["eq", "neq", "gt", "gteq", "lt", "lteq", "like"].contains(parts[1]) else {
                throw WorkflowError(.invalidRequest, "variable query parameter has to have format KEY_OPERATOR_VALUE")
            }
            return (parts[0], parts[1], parts[2])
        }
        let ids = query.list("processInstanceIds"), keys = query.list("processDefinitionKeyIn")
        let excludedKeys = query.list("processDefinitionKeyNotIn")
        let incidents = query.bool("withIncident")
            ? Set(try await engine.store.incidents().map(\.processInstanceID)) : []
        let instances = try await engine.store.instances(definitionKey: query.string("processDefinitionKey")).filter { instance in
            if let ids, !ids.contains(instance.id) { return false }
            if let keys, !keys.contains(instance.definitionKey) { return false }
            if let excludedKeys, excludedKeys.contains(instance.definitionKey) { return false }
            if let key = query.string("businessKey"), instance.businessKey != key { return false }
            if let like = query.string("businessKeyLike"), !(instance.businessKey?.matchesLike(like) ?? false) { return false }
            if let id = query.string("processDefinitionId"), instance.definitionID != id { return false }
            if let id = query.string("superProcessInstance"), instance.superInstance?.instanceID != id { return false }
            if query.bool("rootProcessInstances"), instance.superInstance != nil { return false }
            if query.bool("suspended") { return false }
            if query.bool("withIncident"), !incidents.contains(instance.id) { return false }
            if let tenants = query.list("tenantIdIn"), !tenants.isEmpty { return false }  // no tenants here
            for (name, op, expected) in filters {
                guard let value = instance.variables[name] else { return false }
                let text: String = if case .string(let string) = value { string } else { value.expressionValue.jsonText }
                let matched = switch op {
                case "eq": text == expected
                case "neq": text != expected
                case "like": text.matchesLike(expected)
                default: Self.compare(text, expected, op)
                }
                if !matched { return false }
            }
            return true
        }
        return try query.sort(instances, keys: [
            "instanceId": { SortKey($0.id) }, "definitionKey": { SortKey($0.definitionKey) },
            "definitionId": { SortKey($0.definitionID) }, "businessKey": { SortKey($0.businessKey) },
            "tenantId": { _ in SortKey(nil as String?) },
        ])
    }

    private static func compare(_ left: String, _ right: String, _ op: String) -> Bool {
        let (a, b): (Double, Double) = (Double(left) ?? .nan, Double(right) ?? .nan)
        if a.isNaN || b.isNaN {
            return switch op { case "gt": left > right; case "gteq": left >= right; case "lt": left < right; default: left <= right }
        }
        return switch op { case "gt": a > b; case "gteq": a >= b; case "lt": a < b; default: a <= b }
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let instances = try await filtered(try await QueryInput.of(request))
        return JSONResponse.make(.array(try request.page(instances).map { .object(DTO.processInstance($0)) }))
    }

    @Sendable func count(_ request: Request, context: Context) async throws -> Response {
        JSONResponse.make(.object(["count": .int(Int64(try await filtered(try await QueryInput.of(request)).count))]))
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        JSONResponse.make(.object(DTO.processInstance(try await engine.processInstance(try context.parameters.require("id")))))
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id")
        do {
            try await engine.deleteProcessInstance(id)
        } catch let error as WorkflowError where error.code == .notFound && request.queryBool("failIfNotExists") == false {
            return JSONResponse.noContent
        }
        return JSONResponse.noContent
    }

    @Sendable func activityInstances(_ request: Request, context: Context) async throws -> Response {
        let instance = try await engine.processInstance(try context.parameters.require("id"))
        let incidents = try await engine.store.incidents().filter { $0.processInstanceID == instance.id }
        let tree = ActivityInstanceTree(
            instance: instance, process: try engine.processDefinition(id: instance.definitionID), incidents: incidents)
        return JSONResponse.make(tree.root())
    }
}
