// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Hummingbird
import Workflow

/// `/deployment`: multipart deployment of BPMN resources, listing and deletion.
struct DeploymentController<Context: RequestContext> {
    let engine: Engine
    let base: String

    func addRoutes(to group: RouterGroup<Context>) {
        group.post("deployment/create", use: create)
        group.get("deployment", use: list)
        group.get("deployment/count", use: count)
        group.get("deployment/:id", use: get)
        group.get("deployment/:id/resources", use: resources)
        group.get("deployment/:id/resources/:resource", use: resource)
        group.get("deployment/:id/resources/:resource/data", use: resourceData)
        group.delete("deployment/:id", use: delete)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let parts = try await MultipartForm.parts(of: request, what: "Deployments")
        var fields: [String: String] = [:]
        var resources: [Engine.Resource] = []
        let reserved: Set<String> = ["deployment-name", "enable-duplicate-filtering", "deploy-changed-only",
                                      "deployment-source", "tenant-id", "deployment-activation-time"]
        for part in parts {
            if reserved.contains(part.name) {
                fields[part.name] = String(decoding: part.body, as: UTF8.self)
                continue
            }
            guard let fileName = part.fileName ?? (part.name.isEmpty ? nil : part.name) else {
                throw CamundaErrorResponse(status: .badRequest, type: "InvalidRequestException",
                                           message: "No file name found in the deployment resource described by form parameter '\(part.name)'.")
            }
            resources.append(Engine.Resource(name: fileName, bytes: part.body))
        }
        let result = try await engine.deploy(
            name: fields["deployment-name"], source: fields["deployment-source"], tenantID: fields["tenant-id"],
            resources: resources,
            enableDuplicateFiltering: fields["enable-duplicate-filtering"]?.lowercased() == "true",
            deployChangedOnly: fields["deploy-changed-only"]?.lowercased() == "true")
        var dto = DTO.deployment(result.deployment, links: DTO.link(base, "/deployment/\(result.deployment.id)"))
        let definitions = result.deployment.processes.map { ($0.id, DTO.processDefinition($0)) }
        dto["deployedProcessDefinitions"] = result.isNew ? .object(Dictionary(definitions) { $1 }) : .null
        dto["deployedCaseDefinitions"] = .null
        dto["deployedDecisionDefinitions"] = .null
        dto["deployedDecisionRequirementsDefinitions"] = .null
        return JSONResponse.make(.object(dto))
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let deployments = try filtered(try QueryInput(url: request))
        return JSONResponse.make(.array(try request.page(deployments).map {
            .object(DTO.deployment($0, links: .array([])))
        }))
    }

    @Sendable func count(_ request: Request, context: Context) async throws -> Response {
        JSONResponse.make(.object(["count": .int(Int64(try filtered(try QueryInput(url: request)).count))]))
    }

    /// The deployments a query selects; `after` and `before` compare the deployment time strictly.
    private func filtered(_ query: QueryInput) throws -> [Deployment] {
        if query.bool("withoutSource"), query.has("source") {
            throw WorkflowError(.invalidRequest,
                                #"The query parameters "withoutSource" and "source" cannot be used in combination."#)
        }
        let after = try query.date("after"), before = try query.date("before"), tenants = query.list("tenantIdIn")
        let deployments = engine.deployments().filter { deployment in
            if let id = query.string("id"), deployment.id != id { return false }
            if let name = query.string("name"), deployment.name != name { return false }
            if let like = query.string("nameLike"), !(deployment.name?.matchesLike(like) ?? false) { return false }
            if let source = query.string("source"), deployment.source != source { return false }
            if query.bool("withoutSource"), deployment.source != nil { return false }
            if let after, deployment.deploymentTime <= after { return false }
            if let before, deployment.deploymentTime >= before { return false }
            if let tenants, !tenants.contains(deployment.tenantID ?? "")
                && !(query.bool("includeDeploymentsWithoutTenantId") && deployment.tenantID == nil) {
                return false
            }
            if query.bool("withoutTenantId"), deployment.tenantID != nil { return false }
            return true
        }
        return try query.sort(deployments, keys: [
            "id": { SortKey($0.id) }, "name": { SortKey($0.name) }, "deploymentTime": { SortKey($0.deploymentTime) },
            "tenantId": { SortKey($0.tenantID) },
        ])
    }

    /// `GET /deployment/{id}`: the DeploymentDto with empty `links`, as Camunda answers outside of create.
    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        JSONResponse.make(.object(DTO.deployment(try deployment(context), links: .array([]))))
    }

    private func deployment(_ context: Context) throws -> Deployment {
        let id = try context.parameters.decoded("id")
        guard let deployment = engine.deployments().first(where: { $0.id == id }) else {
            throw WorkflowError(.notFound, "Deployment with id '\(id)' does not exist")
        }
        return deployment
    }

    /// Resources of a deployment: `[{id, name, deploymentId}]`; a resource's id is its name.
    @Sendable func resources(_ request: Request, context: Context) async throws -> Response {
        let deployment = try deployment(context)
        return JSONResponse.make(.array(deployment.resources.keys.sorted().map { name in
            .object(["id": .string(name), "name": .string(name), "deploymentId": .string(deployment.id)])
        }))
    }

    /// One resource: `{id, name, deploymentId}` (pycamunda's `GetResource`).
    @Sendable func resource(_ request: Request, context: Context) async throws -> Response {
        let deployment = try deployment(context)
        let name = try context.parameters.decoded("resource")
        guard deployment.resources[name] != nil else {
            throw WorkflowError(.notFound, "Deployment resource with resource id '\(name)' for deployment id "
                + "'\(deployment.id)' does not exist.")
        }
        return JSONResponse.make(.object(["id": .string(name), "name": .string(name), "deploymentId": .string(deployment.id)]))
    }

    @Sendable func resourceData(_ request: Request, context: Context) async throws -> Response {
        let deployment = try deployment(context)
        let name = try context.parameters.decoded("resource")
        guard let bytes = deployment.resources[name] else {
            throw WorkflowError(.notFound, "Deployment resource with resource id '\(name)' for deployment id "
                + "'\(deployment.id)' does not exist.")
        }
        return Response(status: .ok, headers: [.contentType: "application/octet-stream"],
                        body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.decoded("id")
        try await engine.deleteDeployment(id, cascade: request.queryBool("cascade") ?? false)
        return JSONResponse.noContent
    }
}
