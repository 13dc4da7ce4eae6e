// SPDX-License-Identifier: Apache-2.0
//
// WorkflowAPI: the Camunda-7-compatible REST API on Hummingbird 2.
import BPMN
import Hummingbird
import Prometheus
import Workflow

/// Builds the router: every resource under `/engine-rest` and again under `/engine-rest/engine/default`,
/// plus `/health`, `/health/live` and `/health/ready` at the root.
/// - Parameters:
///   - engine: the engine the API drives.
///   - baseURL: the externally visible base URL, used in `links`.
///   - readiness: answers whether the store is reachable (for `/health/ready`).
public func buildRouter(
    engine: Engine, baseURL: String = "http://localhost:8080/engine-rest",
    readiness: @escaping @Sendable () async -> Bool = { true },
    metrics: PrometheusCollectorRegistry? = nil,
    extraGauges: @escaping @Sendable () async -> [ScrapeGauge] = { [] },
    scalerRecommendations: (@Sendable () async -> ExpressionValue)? = nil
) -> Router<APIRequestContext> {
    let router = Router(context: APIRequestContext.self)
    if metrics != nil { router.middlewares.add(RequestMetricsMiddleware()) }
    router.middlewares.add(CamundaErrorMiddleware())
    if let metrics {
        MetricsController(engine: engine, registry: metrics, extraGauges: extraGauges).addRoutes(to: router)
    }
    if let scalerRecommendations {
        // Not Camunda's: per worker pool, the scaler's latest decision (see README, Scaling).
        router.get("scaler/recommendations") { _, _ in JSONResponse.make(await scalerRecommendations()) }
    }
    let health: @Sendable (Request, APIRequestContext) async throws -> Response = { _, _ in
        JSONResponse.make(.object(["status": .string("UP")]))
    }
    router.get("health", use: health)
    router.get("health/live", use: health)
    router.get("health/ready") { _, _ in
        await readiness() ? JSONResponse.make(.object(["status": .string("UP")]))
            : JSONResponse.make(.object(["status": .string("DOWN")]), status: .serviceUnavailable)
    }
    for path in ["engine-rest", "engine-rest/engine/default"] {
        let group = router.group(RouterPath(path))
        ExternalTaskController(engine: engine).addRoutes(to: group)
        DeploymentController(engine: engine, base: baseURL).addRoutes(to: group)
        ProcessDefinitionController(engine: engine, base: baseURL).addRoutes(to: group)
        ProcessInstanceController(engine: engine).addRoutes(to: group)
        VariablesController(engine: engine, resource: "process-instance", collection: "variables",
                            scopeName: "process instance").addRoutes(to: group)
        VariablesController(engine: engine, resource: "execution", collection: "localVariables",
                            scopeName: "execution").addRoutes(to: group)
        MessageController(engine: engine).addRoutes(to: group)
        EngineController(engine: engine).addRoutes(to: group)
        HistoryController(engine: engine).addRoutes(to: group)
        SlotPoolController(engine: engine).addRoutes(to: group)
        LockController(engine: engine).addRoutes(to: group)
        DeadLetterController(engine: engine).addRoutes(to: group)
        group.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: OpenAPIDocument.json))
        }
    }
    return router
}
