// SPDX-License-Identifier: Apache-2.0
import BPMN
import Hummingbird
import Workflow

/// `/process-instance`: running instances and their variables.
struct ProcessInstanceController<Context: RequestContext> {
    let engine: Engine

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("process-instance", use: list)
        group.get("process-instance/count", use: count)
        group.get("process-instance/:id", use: get)
        group.delete("process-instance/:id", use: delete)
        group.get("process-instance/:id/activity-instances", use: activityInstances)
    }

    private func filtered(_ request: Request) async throws -> [ProcessInstance] {
        let filters = try (request.query("variables") ?? "").split(separator: ",").map { filter -> (String, String, String) in
            let parts = filter.split(separator: "_", maxSplits: 2).map(String.init)
            guard parts.count == 3, ["eq", "neq", "gt", "gteq", "lt", "lteq", "like"].contains(parts[1]) else {
                throw WorkflowError(.invalidRequest, "variable query parameter has to have format KEY_OPERATOR_VALUE")
            }
            return (parts[0], parts[1], parts[2])
        }
        let ids = request.queryList("processInstanceIds")
        return try await engine.store.instances(definitionKey: request.query("processDefinitionKey")).filter { instance in
            if let ids, !ids.contains(instance.id) { return false }
            if let key = request.query("businessKey"), instance.businessKey != key { return false }
            if let id = request.query("processDefinitionId"), instance.definitionID != id { return false }
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
    }

    private static func compare(_ left: String, _ right: String, _ op: String) -> Bool {
        let (a, b): (Double, Double) = (Double(left) ?? .nan, Double(right) ?? .nan)
        if a.isNaN || b.isNaN {
            return switch op { case "gt": left > right; case "gteq": left >= right; case "lt": left < right; default: left <= right }
        }
        return switch op { case "gt": a > b; case "gteq": a >= b; case "lt": a < b; default: a <= b }
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let instances = try await filtered(request)
        let first = try request.queryInt("firstResult") ?? 0
        let max = try request.queryInt("maxResults") ?? Int.max
        return JSONResponse.make(.array(instances.dropFirst(first).prefix(max).map { .object(DTO.processInstance($0)) }))
    }

    @Sendable func count(_ request: Request, context: Context) async throws -> Response {
        JSONResponse.make(.object(["count": .int(Int64(try await filtered(request).count))]))
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
