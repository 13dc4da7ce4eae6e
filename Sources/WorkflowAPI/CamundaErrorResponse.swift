// SPDX-License-Identifier: Apache-2.0
import BPMN
import Hummingbird
import NIOCore
import Workflow

/// The one place errors become HTTP responses: Camunda's `{"type","message","code"}` with its status codes.
struct CamundaErrorResponse: Error {
    let status: HTTPResponse.Status
    let type: String
    let message: String
    let code: Int?
    var details: ExpressionValue?

    init(status: HTTPResponse.Status, type: String, message: String, code: Int? = nil) {
        self.status = status
        self.type = type
        self.message = message
        self.code = code
    }

    /// Maps any error to Camunda's shape. Client mistakes are 4xx; only unexpected failures are 500.
    init(_ error: any Error) {
        switch error {
        case let error as CamundaErrorResponse: self = error
        case let error as WorkflowError: self.init(error)
        case is NIOTooManyBytesError:
            self.init(status: .contentTooLarge, type: "InvalidRequestException",
                      message: "The request body is larger than \(JSONResponse.maxBodySize / 1_048_576) MiB")
        case let error as HTTPError:
            let type = error.status.code == 404 ? "NotFoundException" : "InvalidRequestException"
            self.init(status: error.status, type: type, message: error.body ?? error.status.reasonPhrase)
        default:
            self.init(status: .internalServerError, type: "ProcessEngineException", message: "\(error)")
        }
    }

    private init(_ error: WorkflowError) {
        switch error.code {
        case .taskNotFound, .definitionNotFound:
            self.init(status: .notFound, type: "RestException", message: error.message, code: 0)
        case .notFound: self.init(status: .notFound, type: "InvalidRequestException", message: error.message)
        case .invalidRequest: self.init(status: .badRequest, type: "InvalidRequestException", message: error.message)
        case .badUserRequest:
            self.init(status: .badRequest, type: "BadUserRequestException", message: error.message, code: 0)
        case .wrongWorker, .mismatchingCorrelation:
            self.init(status: .badRequest, type: "RestException", message: error.message, code: 0)
        case .parse:
            self.init(status: .badRequest, type: "ParseException", message: error.message, code: 0)
            var resources: [String: ExpressionValue] = [:]
            for failure in error.parseErrors {
                let errors: [ExpressionValue] = failure.issues.map { issue in
                    .object([
                        "message": .string(issue.message), "line": issue.line.map { .int(Int64($0)) } ?? .null,
                        "column": issue.column.map { .int(Int64($0)) } ?? .null,
                        "mainElementId": issue.elementID.map { .string($0) } ?? .null,
                        "elementIds": .array(issue.elementID.map { [.string($0)] } ?? []),
                    ])
                }
                resources[failure.resourceName] = .object(["errors": .array(errors), "warnings": .array([])])
            }
            details = .object(resources)
        case .nullValue: self.init(status: .badRequest, type: "NullValueException", message: error.message, code: 0)
        case .conflict:
            self.init(status: .internalServerError, type: "OptimisticLockingException", message: error.message, code: 1)
        case .lockHeld: self.init(status: .conflict, type: "LockHeldException", message: error.message, code: 0)
        case .tooManyRequests:
            self.init(status: .tooManyRequests, type: "InvalidRequestException", message: error.message)
        default: self.init(status: .internalServerError, type: "ProcessEngineException", message: error.message, code: 0)
        }
    }

    var response: Response {
        var body: [String: ExpressionValue] = [
            "type": .string(type), "message": .string(message), "code": code.map { .int(Int64($0)) } ?? .null,
        ]
        if let details { body["details"] = details }
        return JSONResponse.make(.object(body), status: status)
    }
}

/// Renders every error thrown below it as a Camunda error response.
struct CamundaErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let response = CamundaErrorResponse(error)
            if response.status.code >= 500 {
                context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            }
            return response.response
        }
    }
}
