// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Hummingbird
import Workflow

/// Variables of one scope, read and written: `/process-instance/{id}/variables` (the process scope) and
/// `/execution/{id}/localVariables` (one execution's local variables; the root execution's id is the instance id).
struct VariablesController<Context: RequestContext> {
    let engine: Engine
    /// `process-instance` or `execution`.
    let resource: String
    /// `variables` or `localVariables`.
    let collection: String
    /// How Camunda names the scope in messages: "process instance" or "execution".
    let scopeName: String

    func addRoutes(to group: RouterGroup<Context>) {
        let path = "\(resource)/:id/\(collection)"
        group.get(RouterPath(path), use: list)
        group.post(RouterPath(path), use: modify)
        group.get(RouterPath(path + "/:name"), use: get)
        group.put(RouterPath(path + "/:name"), use: put)
        group.delete(RouterPath(path + "/:name"), use: delete)
        group.get(RouterPath(path + "/:name/data"), use: data)
        group.post(RouterPath(path + "/:name/data"), use: upload)
    }

    /// What a path names: the instance, the execution written to (nil: the process scope), and the execution
    /// whose visible variables are read (nil: the scope written to).
    struct Scope {
        let instance: ProcessInstance
        let executionID: String?
        var readFrom: String?
    }

    private func scope(_ context: Context) async throws -> Scope {
        let id = try context.parameters.decoded("id")
        if resource == "execution" {
            let instance = try await engine.instance(ofExecution: id)
            return Scope(instance: instance, executionID: id == instance.id ? nil : id)
        }
        do {
            return Scope(instance: try await engine.processInstance(id), executionID: nil)
        } catch let error as WorkflowError where error.code == .notFound {
            // The Java client reads a task's File variables at /process-instance/{task's executionId}/...: in Camunda
            // the root execution's id is the instance id. Here every execution has its own id, so an execution id
            // reads what that execution sees; writes still go to the process scope.
            guard let instance = try? await engine.instance(ofExecution: id) else { throw error }
            return Scope(instance: instance, executionID: nil, readFrom: id)
        }
    }

    private func variables(_ scope: Scope) -> [String: VariableValue] {
        if let executionID = scope.executionID {
            return scope.instance.variables(visibleFrom: executionID, localOnly: true)
        }
        if let readFrom = scope.readFrom { return scope.instance.variables(visibleFrom: readFrom) }
        return scope.instance.variables
    }

    private func named(_ request: Request, _ context: Context) async throws -> (VariableValue, String) {
        let name = try context.parameters.decoded("name")
        guard let value = variables(try await scope(context))[name] else {
            throw WorkflowError(.notFound, "\(scopeName) variable with name \(name) does not exist")
        }
        return (value, name)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let deserialize = request.queryBool("deserializeValues") ?? true
        return JSONResponse.make(VariableCodec.encode(variables(try await scope(context)), deserialize: deserialize))
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        let (value, _) = try await named(request, context)
        return JSONResponse.make(VariableCodec.encode(value, deserialize: request.queryBool("deserializeValue") ?? true))
    }

    @Sendable func put(_ request: Request, context: Context) async throws -> Response {
        let name = try context.parameters.decoded("name")
        var request = request
        let body = try await request.jsonObject()
        let value: VariableValue
        do {
            value = try VariableCodec.decode(name: name, body)
        } catch let error as CamundaErrorResponse {
            throw CamundaErrorResponse(status: error.status, type: error.type,
                                       message: "Cannot put \(scopeName) variable \(name): \(error.message)")
        }
        try await write(context, modifications: [name: value], deletions: [])
        return JSONResponse.noContent
    }

    @Sendable func modify(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let body = try await request.jsonObject()
        let modifications = try VariableCodec.decode(try body.object("modifications"))
        try await write(context, modifications: modifications, deletions: try body.stringList("deletions") ?? [])
        return JSONResponse.noContent
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        try await write(context, modifications: [:], deletions: [try context.parameters.decoded("name")])
        return JSONResponse.noContent
    }

    private func write(_ context: Context, modifications: [String: VariableValue], deletions: [String]) async throws {
        let scope = try await scope(context)
        try await engine.modifyVariables(
            instanceID: scope.instance.id, executionID: scope.executionID, modifications: modifications,
            deletions: deletions)
    }

    /// The binary content of a Bytes or File variable.
    @Sendable func data(_ request: Request, context: Context) async throws -> Response {
        let (value, name) = try await named(request, context)
        return try Self.binary(value, name: name)
    }

    /// A Bytes or File value as a download; any other type is a 400.
    static func binary(_ value: VariableValue, name: String) throws -> Response {
        switch value {
        case .bytes(let bytes):
            return Response(status: .ok, headers: [.contentType: "application/octet-stream"],
                            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        case .file(let file):
            var type = file.mimeType ?? "application/octet-stream"
            if let encoding = file.encoding { type += "; charset=\(encoding)" }
            var headers: HTTPFields = [.contentType: type]
            headers[.contentDisposition] = "attachment; filename=\"\(file.filename)\""
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: file.bytes)))
        default:
            throw CamundaErrorResponse(status: .badRequest, type: "InvalidRequestException",
                                       message: "Value of variable with id \(name) is not a binary value.")
        }
    }

    /// `multipart/form-data` upload: a `data` part, and `valueType` `Bytes` (the default) or `File`.
    @Sendable func upload(_ request: Request, context: Context) async throws -> Response {
        let name = try context.parameters.decoded("name")
        let parts = try await MultipartForm.parts(of: request, what: "Binary variables")
        guard let data = parts.first(where: { $0.name == "data" }) else {
            throw CamundaErrorResponse(status: .badRequest, type: "InvalidRequestException",
                                       message: "No 'data' part found in the multipart body")
        }
        let valueType = parts.first { $0.name == "valueType" }?.text.trimmingCharacters(in: .whitespaces) ?? "Bytes"
        let value: VariableValue
        switch valueType.lowercased() {
        case "bytes": value = .bytes(data.body)
        case "file":
            let (mimeType, encoding) = Self.split(data.contentType)
            value = .file(FileValue(bytes: data.body, filename: data.fileName ?? name, mimeType: mimeType,
                                    encoding: encoding))
        default:
            throw CamundaErrorResponse(status: .badRequest, type: "InvalidRequestException",
                                       message: "Unsupported value type '\(valueType)' for a binary variable")
        }
        try await write(context, modifications: [name: value], deletions: [])
        return JSONResponse.noContent
    }

    /// `text/plain; charset=UTF-8` → ("text/plain", "UTF-8").
    static func split(_ contentType: String?) -> (String?, String?) {
        guard let contentType else { return (nil, nil) }
        let fields = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        let charset = fields.dropFirst().first { $0.lowercased().hasPrefix("charset=") }.map { String($0.dropFirst(8)) }
        return (fields.first, charset)
    }
}
