// SPDX-License-Identifier: Apache-2.0
import Hummingbird
import Metrics
import Synchronization

/// Times every request into `workflow_http_request_duration_seconds{method, route, status}`; `route` is the
/// matched route pattern (`/engine-rest/external-task/{id}/complete`), so ids do not make new series.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    private let timers = Locked<[String: Metrics.Timer]>([:])

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let began = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(request, context, status: Int(response.status.code), since: began)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            record(request, context, status: Int(status), since: began)
            throw error
        }
    }

    private func record(_ request: Request, _ context: Context, status: Int, since began: ContinuousClock.Instant) {
        let route = context.endpointPath ?? "unmatched"
        let key = "\(request.method.rawValue) \(route) \(status)"
        let timer = timers.withLock { timers in
            if let cached = timers[key] { return cached }
            let made = Metrics.Timer(label: "workflow_http_request_duration_seconds", dimensions: [
                ("method", request.method.rawValue), ("route", route), ("status", String(status)),
            ], preferredDisplayUnit: .seconds)
            timers[key] = made
            return made
        }
        let elapsed = ContinuousClock.now - began
        timer.recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
    }
}
