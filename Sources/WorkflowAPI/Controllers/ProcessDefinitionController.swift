// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Hummingbird
import Workflow

/// `/process-definition`: queries, XML, and starting instances by key or id.
struct ProcessDefinitionController<Context: RequestContext> {
    let engine: Engine
    let base: String

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("process-definition", use: list)
        group.get("process-definition/count", use: count)
        group.get("process-definition/key/:key", use: getByKey)
        group.get("process-definition/key/:key/xml", use: xmlByKey)
        group.post("process-definition/key/:key/start", use: startByKey)
        group.get("process-definition/key/:key/tenant-id/:tenant", use: getByKey)
        group.get("process-definition/key/:key/tenant-id/:tenant/xml", use: xmlByKey)
        group.post("process-definition/key/:key/tenant-id/:tenant/start", use: startByKey)
        group.get("process-definition/:id", use: getByID)
        group.get("process-definition/:id/xml", use: xmlByID)
        group.post("process-definition/:id/start", use: startByID)
    }

    /// The definitions a query selects. Nothing is suspended here and every definition is active; there are no
    /// users, so `startableBy` and `startablePermissionCheck` restrict nothing.
    private func filtered(_ query: QueryInput) async throws -> [DeployedProcess] {
        let all = engine.processDefinitions()
        let deployTimes = Dictionary(engine.deployments().map { ($0.id, $0.deploymentTime) }) { $1 }
        let ids = query.list("processDefinitionIdIn"), keys = query.list("keysIn"), tenants = query.list("tenantIdIn")
        let version = try query.int64("version")
        let deployedAfter = try query.date("deployedAfter"), deployedAt = try query.date("deployedAt")
        let incidents = try await incidentDefinitions(query)
        let processes = all.filter { process in
            let deployed = deployTimes[process.deploymentID]
            if let id = query.string("processDefinitionId"), process.id != id { return false }
            if let ids, !ids.contains(process.id) { return false }
            if let key = query.string("key"), process.key != key { return false }
            if let keys, !keys.contains(process.key) { return false }
            if let like = query.string("keyLike"), !process.key.matchesLike(like) { return false }
            if let deployment = query.string("deploymentId"), process.deploymentID != deployment { return false }
            if let deployedAfter, !(deployed.map { $0 > deployedAfter } ?? false) { return false }
            if let deployedAt, deployed.map(Self.milliseconds) != Self.milliseconds(deployedAt) { return false }
            if let name = query.string("name"), process.name != name { return false }
            if let like = query.string("nameLike"), !(process.name?.matchesLike(like) ?? false) { return false }
            if let category = query.string("category"), process.category != category { return false }
            if let like = query.string("categoryLike"), !(process.category?.matchesLike(like) ?? false) { return false }
            if let version, process.version != version { return false }
            if let tag = query.string("versionTag"), process.versionTag != tag { return false }
            if let like = query.string("versionTagLike"), !(process.versionTag?.matchesLike(like) ?? false) { return false }
            if query.bool("withoutVersionTag"), process.versionTag != nil { return false }
            if query.bool("latestVersion"), all.contains(where: {
                $0.key == process.key && $0.tenantID == process.tenantID && $0.version > process.version
            }) { return false }
            if let tenants, !tenants.contains(process.tenantID ?? "")
                && !(query.bool("includeProcessDefinitionsWithoutTenantId") && process.tenantID == nil) {
                return false
            }
            if query.bool("withoutTenantId"), process.tenantID != nil { return false }
            if let name = query.string("resourceName"), process.resourceName != name { return false }
            if let like = query.string("resourceNameLike"), !process.resourceName.matchesLike(like) { return false }
            if query.bool("suspended") { return false }
            if query.bool("startableInTasklist"), !process.definition.isStartableInTasklist { return false }
            if query.bool("notStartableInTasklist"), process.definition.isStartableInTasklist { return false }
            if let incidents, !incidents.contains(process.id) { return false }
            return true
        }
        return try query.sort(processes, keys: [
            "category": { SortKey($0.category) }, "key": { SortKey($0.key) }, "id": { SortKey($0.id) },
            "name": { SortKey($0.name) }, "version": { SortKey(Int64($0.version)) },
            "deploymentId": { SortKey($0.deploymentID) }, "deployTime": { SortKey(deployTimes[$0.deploymentID]) },
            "tenantId": { SortKey($0.tenantID) }, "versionTag": { SortKey($0.versionTag) },
        ])
    }

    /// The definitions with an open incident the query's incident filters select; nil when it has none.
    private func incidentDefinitions(_ query: QueryInput) async throws -> Set<String>? {
        guard query.hasIncidentFilter else { return nil }
        return Set(try await engine.store.incidents().filter(query.matches).map(\.processDefinitionID))
    }

    /// Whole milliseconds since 1970: dates are written and read with millisecond precision.
    private static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let processes = try await filtered(try QueryInput(url: request))
        return JSONResponse.make(.array(try request.page(processes).map(DTO.processDefinition)))
    }

    @Sendable func count(_ request: Request, context: Context) async throws -> Response {
        JSONResponse.make(.object(["count": .int(Int64(try await filtered(try QueryInput(url: request)).count))]))
    }

    @Sendable func getByKey(_ request: Request, context: Context) async throws -> Response {
        JSONResponse.make(DTO.processDefinition(try await latest(context)))
    }

    @Sendable func getByID(_ request: Request, context: Context) async throws -> Response {
        JSONResponse.make(DTO.processDefinition(try await byID(context)))
    }

    @Sendable func xmlByKey(_ request: Request, context: Context) async throws -> Response {
        try xml(try await latest(context))
    }

    @Sendable func xmlByID(_ request: Request, context: Context) async throws -> Response {
        try xml(try await byID(context))
    }

    /// `startInstructions`: `[{type: startBeforeActivity|startAfterActivity|startTransition, activityId |
    /// transitionId, variables}]`. An instruction's variables join the instance's.
    static func instructions(_ body: JSONObject, variables: inout [String: VariableValue]) throws -> [StartInstruction] {
        guard body.members["startInstructions"] != nil, body.members["startInstructions"] != .null else { return [] }
        guard let list = try body.objects("startInstructions") else { return [] }
        return try list.map { instruction in
            variables.merge(try VariableCodec.decode(try instruction.object("variables"))) { $1 }
            let type = try instruction.string("type")
            switch type {
            case "startBeforeActivity", "startAfterActivity":
                guard let activity = try instruction.string("activityId") else {
                    throw WorkflowError(.invalidRequest, "'activityId' must be set for a \(type!) instruction")
                }
                return type == "startBeforeActivity" ? .startBeforeActivity(activity) : .startAfterActivity(activity)
            case "startTransition":
                guard let flow = try instruction.string("transitionId") else {
                    throw WorkflowError(.invalidRequest, "'transitionId' must be set for a startTransition instruction")
                }
                return .startTransition(flow)
            default:
                throw WorkflowError(.invalidRequest, "Unknown start instruction type '\(type ?? "null")'")
            }
        }
    }

    /// The latest definition of the path's key, for the path's tenant when it names one.
    private func latest(_ context: Context) async throws -> DeployedProcess {
        let key = try context.parameters.decoded("key")
        return try await resolving {
            guard let tenant = context.parameters.get("tenant").map({ $0.removingPercentEncoding ?? $0 }) else { return try engine.latestProcess(key: key) }
            return try engine.latestProcess(key: key, tenantID: tenant)
        }
    }

    private func byID(_ context: Context) async throws -> DeployedProcess {
        let id = try context.parameters.decoded("id")
        return try await resolving { try engine.processDefinition(id: id) }
    }

    /// Looks a definition up; when this replica does not know it, reloads the definitions once (another replica
    /// may have deployed it a moment ago) and looks again.
    private func resolving(_ lookup: () throws -> DeployedProcess) async throws -> DeployedProcess {
        do {
            return try lookup()
        } catch let error as WorkflowError where error.code == .notFound || error.code == .definitionNotFound {
            guard try await engine.syncRepository() else { throw error }
            return try lookup()
        }
    }

    private func xml(_ process: DeployedProcess) throws -> Response {
        let bytes = engine.deployments().first { $0.id == process.deploymentID }?.resources[process.resourceName] ?? []
        return JSONResponse.make(.object([
            "id": .string(process.id), "bpmn20Xml": .string(String(decoding: bytes, as: UTF8.self)),
        ]))
    }

    @Sendable func startByKey(_ request: Request, context: Context) async throws -> Response {
        try await start(try await latest(context), request)
    }

    @Sendable func startByID(_ request: Request, context: Context) async throws -> Response {
        try await start(try await byID(context), request)
    }

    private func start(_ process: DeployedProcess, _ request: Request) async throws -> Response {
        var request = request
        let body = try await request.jsonObject()
        var variables: [String: VariableValue]
        do {
            variables = try VariableCodec.decode(try body.object("variables"))
        } catch let error as CamundaErrorResponse {
            throw CamundaErrorResponse(status: .badRequest, type: "InvalidRequestException",
                                       message: "Cannot instantiate process definition \(process.id): \(error.message)")
        }
        let instructions = try Self.instructions(body, variables: &variables)
        let instance = try await engine.startProcessInstance(
            process, businessKey: try body.string("businessKey"), variables: variables,
            transient: VariableCodec.transientNames(try body.object("variables")), instructions: instructions)
        var dto = DTO.processInstance(
            instance, tenantID: process.tenantID, links: DTO.link(base, "/process-instance/\(instance.id)"))
        if try body.bool("withVariablesInReturn") == true {
            dto["variables"] = VariableCodec.encode(instance.variables)
        }
        return JSONResponse.make(.object(dto))
    }
}
