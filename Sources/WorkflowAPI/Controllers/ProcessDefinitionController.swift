// SPDX-License-Identifier: Apache-2.0
import BPMN
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

    private func filtered(_ request: Request) throws -> [DeployedProcess] {
        let all = engine.processDefinitions()
        var processes = all.filter { process in
            if let key = request.query("key"), process.key != key { return false }
            if let keys = request.queryList("keysIn"), !keys.contains(process.key) { return false }
            if let id = request.query("processDefinitionId"), process.id != id { return false }
            if let deployment = request.query("deploymentId"), process.deploymentID != deployment { return false }
            if let name = request.query("name"), process.name != name { return false }
            if let version = request.query("version"), String(process.version) != version { return false }
            if let tag = request.query("versionTag"), process.versionTag != tag { return false }
            if let like = request.query("versionTagLike"), !(process.versionTag?.matchesLike(like) ?? false) { return false }
            if let like = request.query("keyLike"), !process.key.matchesLike(like) { return false }
            if let like = request.query("nameLike"), !(process.name?.matchesLike(like) ?? false) { return false }
            if request.queryBool("latestVersion") == true, all.contains(where: {
                $0.key == process.key && $0.tenantID == process.tenantID && $0.version > process.version
            }) { return false }
            if let tenants = request.queryList("tenantIdIn"), !tenants.contains(process.tenantID ?? "")
                && !(request.queryBool("includeProcessDefinitionsWithoutTenantId") == true && process.tenantID == nil) {
                return false
            }
            if request.queryBool("withoutTenantId") == true, process.tenantID != nil { return false }
            if let name = request.query("resourceName"), process.resourceName != name { return false }
            if let like = request.query("resourceNameLike"), !process.resourceName.matchesLike(like) { return false }
            if request.queryBool("suspended") == true { return false }
            return true
        }
        if let sortBy = request.query("sortBy") {
            guard let order = request.query("sortOrder"), ["asc", "desc"].contains(order) else {
                throw WorkflowError(.invalidRequest, "Only a single sorting parameter specified. sortBy and sortOrder required")
            }
            switch sortBy {
            case "version": processes.sort { $0.version < $1.version }
            case "key": processes.sort { $0.key < $1.key }
            case "id": processes.sort { $0.id < $1.id }
            case "name": processes.sort { ($0.name ?? "") < ($1.name ?? "") }
            case "deploymentId": processes.sort { $0.deploymentID < $1.deploymentID }
            case "versionTag": processes.sort { ($0.versionTag ?? "") < ($1.versionTag ?? "") }
            default: throw WorkflowError(.invalidRequest, "Cannot set query parameter 'sortBy' to value '\(sortBy)'")
            }
            if order == "desc" { processes.reverse() }
        }
        return processes
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        JSONResponse.make(.array(try request.page(try filtered(request)).map(DTO.processDefinition)))
    }

    @Sendable func count(_ request: Request, context: Context) async throws -> Response {
        JSONResponse.make(.object(["count": .int(Int64(try filtered(request).count))]))
    }

    @Sendable func getByKey(_ request: Request, context: Context) async throws -> Response {
        JSONResponse.make(DTO.processDefinition(try latest(context)))
    }

    @Sendable func getByID(_ request: Request, context: Context) async throws -> Response {
        JSONResponse.make(DTO.processDefinition(try engine.processDefinition(id: try context.parameters.require("id"))))
    }

    @Sendable func xmlByKey(_ request: Request, context: Context) async throws -> Response {
        try xml(try latest(context))
    }

    @Sendable func xmlByID(_ request: Request, context: Context) async throws -> Response {
        try xml(engine.processDefinition(id: try context.parameters.require("id")))
    }

    /// The latest definition of the path's key, for the path's tenant when it names one.
    private func latest(_ context: Context) throws -> DeployedProcess {
        let key = try context.parameters.require("key")
        guard let tenant = context.parameters.get("tenant") else { return try engine.latestProcess(key: key) }
        return try engine.latestProcess(key: key, tenantID: tenant)
    }

    private func xml(_ process: DeployedProcess) throws -> Response {
        let bytes = engine.deployments().first { $0.id == process.deploymentID }?.resources[process.resourceName] ?? []
        return JSONResponse.make(.object([
            "id": .string(process.id), "bpmn20Xml": .string(String(decoding: bytes, as: UTF8.self)),
        ]))
    }

    @Sendable func startByKey(_ request: Request, context: Context) async throws -> Response {
        try await start(try latest(context), request)
    }

    @Sendable func startByID(_ request: Request, context: Context) async throws -> Response {
        try await start(engine.processDefinition(id: try context.parameters.require("id")), request)
    }

    private func start(_ process: DeployedProcess, _ request: Request) async throws -> Response {
        var request = request
        let body = try await request.jsonObject()
        let variables: [String: VariableValue]
        do {
            variables = try VariableCodec.decode(try body.object("variables"))
        } catch let error as CamundaErrorResponse {
            throw CamundaErrorResponse(status: .badRequest, type: "InvalidRequestException",
                                       message: "Cannot instantiate process definition \(process.id): \(error.message)")
        }
        let instance = try await engine.startProcessInstance(
            process, businessKey: try body.string("businessKey"), variables: variables)
        var dto = DTO.processInstance(instance, links: DTO.link(base, "/process-instance/\(instance.id)"))
        if try body.bool("withVariablesInReturn") == true {
            dto["variables"] = VariableCodec.encode(instance.variables)
        }
        return JSONResponse.make(.object(dto))
    }
}
