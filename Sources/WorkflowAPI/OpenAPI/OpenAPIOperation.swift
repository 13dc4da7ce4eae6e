// SPDX-License-Identifier: Apache-2.0
import BPMN

/// One operation of the document: method, path, parameters, body and the success response. Every operation also
/// answers errors as `ExceptionDto` (the `default` response; a `400` one is listed too for operations that take
/// parameters or a body).
struct OpenAPIOperation {
    enum Body {
        case json(ExpressionValue, required: Bool)
        case multipart(ExpressionValue)
    }

    enum Success {
        case json(ExpressionValue)
        case noContent
        /// 200 `text/plain`, or 204 when there is nothing to send.
        case textOrNoContent
        /// 200 with the value's own content type.
        case binary
        /// 200 JSON, or 204 when no result was asked for.
        case jsonOrNoContent(ExpressionValue)
    }

    let method: String
    let path: String
    let id: String
    let summary: String
    var query: [String: ExpressionValue] = [:]
    var body: Body?
    let success: Success

    static let pagination: [String: ExpressionValue] = [
        "firstResult": ["type": "integer", "format": "int32", "minimum": 0],
        "maxResults": ["type": "integer", "format": "int32", "minimum": 0],
    ]

    static func sorting(_ keys: [String]) -> [String: ExpressionValue] {
        ["sortBy": Schema.enumeration(keys), "sortOrder": Schema.enumeration(["asc", "desc"])]
    }

    var json: ExpressionValue {
        var parameters: [ExpressionValue] = []
        for name in path.split(separator: "/") where name.hasPrefix("{") {
            let name = String(name.dropFirst().dropLast())
            parameters.append(["name": .string(name), "in": "path", "required": true, "schema": Schema.string])
        }
        for (name, schema) in query.sorted(by: { $0.key < $1.key }) {
            parameters.append(["name": .string(name), "in": "query", "required": false, "schema": schema])
        }
        let error: ExpressionValue = ["application/json": ["schema": Schema.ref("ExceptionDto")]]
        var responses: [String: ExpressionValue] = ["default": ["description": "Error", "content": error]]
        if !query.isEmpty || body != nil {
            responses["400"] = ["description": "Invalid parameters or body (InvalidRequestException and others)",
                                "content": error]
        }
        let jsonContent = { (schema: ExpressionValue) -> ExpressionValue in ["application/json": ["schema": schema]] }
        switch success {
        case .json(let schema): responses["200"] = ["description": "OK", "content": jsonContent(schema)]
        case .noContent: responses["204"] = ["description": "No content"]
        case .textOrNoContent:
            responses["200"] = ["description": "OK", "content": ["text/plain": ["schema": Schema.string]]]
            responses["204"] = ["description": "Nothing to send"]
        case .binary:
            responses["200"] = ["description": "The binary value",
                                "content": ["*/*": ["schema": ["type": "string", "format": "binary"]]]]
        case .jsonOrNoContent(let schema):
            responses["200"] = ["description": "OK", "content": jsonContent(schema)]
            responses["204"] = ["description": "No content"]
        }
        var operation: [String: ExpressionValue] = [
            "operationId": .string(id), "summary": .string(summary), "parameters": .array(parameters),
            "responses": .object(responses),
        ]
        switch body {
        case .json(let schema, let required)?:
            operation["requestBody"] = ["required": .bool(required), "content": jsonContent(schema)]
        case .multipart(let schema)?:
            operation["requestBody"] = ["required": true, "content": ["multipart/form-data": ["schema": schema]]]
        case nil: break
        }
        return .object(operation)
    }
}
