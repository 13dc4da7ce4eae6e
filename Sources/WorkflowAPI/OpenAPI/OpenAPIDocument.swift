// SPDX-License-Identifier: Apache-2.0
import BPMN
import Hummingbird

/// The OpenAPI 3.0 document of what this server implements, served at `/engine-rest/openapi.json`.
enum OpenAPIDocument {
    static func make(serverURL: String = "/engine-rest") -> ExpressionValue {
        var paths: [String: [String: ExpressionValue]] = [:]
        for operation in OpenAPIPaths.operations { paths[operation.path, default: [:]][operation.method] = operation.json }
        return [
            "openapi": "3.0.3",
            "info": [
                "title": "Workflow: Camunda 7 compatible REST API",
                "version": "7.24.0",
                "description": "External tasks, deployments, process definitions and instances, variables, messages, incidents and history, with Camunda 7's paths, DTOs, dates (yyyy-MM-dd'T'HH:mm:ss.SSSZ) and error bodies.",
            ],
            "servers": [["url": .string(serverURL)]],
            "paths": .object(paths.mapValues { .object($0) }),
            "components": ["schemas": OpenAPIComponents.schemas],
        ]
    }

    /// The document, built once.
    static let json: ByteBuffer = ByteBuffer(bytes: make().jsonBytes)
}
