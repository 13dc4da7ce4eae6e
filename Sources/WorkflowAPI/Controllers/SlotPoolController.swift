// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Hummingbird
import Workflow

/// `/slot-pool`: the slot pools (global lease limits, as Airflow's pools), listed and resized at run time; and
/// `/worker-pool`: the load of each typed worker pool.
/// Not part of Camunda's API; the shapes follow its conventions (JSON, `{type, message, code}` errors).
struct SlotPoolController<Context: RequestContext> {
    let engine: Engine

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("slot-pool", use: list)
        group.get("slot-pool/:name", use: get)
        group.put("slot-pool/:name", use: resize)
        group.get("worker-pool", use: workerPools)
    }

    /// `GET /worker-pool`: per worker pool type, the tasks queued and leased now, and the workers that fetched its
    /// topics in the last minute (what the scaler reads).
    @Sendable func workerPools(_ request: Request, context: Context) async throws -> Response {
        let statistics = try await engine.store.poolStatistics(now: engine.clock.now())
        let workers = engine.activeWorkers()
        return JSONResponse.make(.array(statistics.map { pool in
            .object(["pool": .string(pool.pool.rawValue), "queued": .int(Int64(pool.queued)), "inFlight": .int(Int64(pool.inFlight)),
                     "workers": .int(Int64(workers[pool.pool] ?? 0))])
        }))
    }

    static func dto(_ pool: SlotPool) -> ExpressionValue {
        .object([
            "name": .string(pool.name), "slots": .int(Int64(pool.slots)),
            "occupiedSlots": .int(Int64(pool.occupiedSlots)), "openSlots": .int(Int64(pool.openSlots)),
        ])
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        JSONResponse.make(.array(try await engine.slotPools().map(Self.dto)))
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        JSONResponse.make(Self.dto(try await engine.slotPool(try Self.name(context))))
    }

    /// Body `{"slots": N}`; answers the pool as it is now.
    @Sendable func resize(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let body = try await request.jsonObject()
        guard let slots = try body.int("slots") else { throw WorkflowError(.invalidRequest, "slots is null") }
        return JSONResponse.make(Self.dto(try await engine.resizeSlotPool(try Self.name(context), slots: slots)))
    }

    /// The `{name}` path segment, percent-decoded.
    static func name(_ context: Context) throws -> String { try context.parameters.decoded("name") }
}
