// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Hummingbird
import Workflow

/// `/lock/{name}`: distributed locks with an owner, a time to live and a fencing token (not part of Camunda's API).
/// `POST …/acquire {"owner","ttl"}` → 200 with the lock, 409 while another owner holds it;
/// `POST …/release {"owner"}` → 204, 409 when the owner does not hold it; `GET` → the holder or 404.
struct LockController<Context: RequestContext> {
    let engine: Engine

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("lock/:name", use: get)
        group.post("lock/:name/acquire", use: acquire)
        group.post("lock/:name/release", use: release)
    }

    static func dto(_ lock: DistributedLock) -> ExpressionValue {
        .object([
            "name": .string(lock.name), "owner": .string(lock.owner), "fencingToken": .int(lock.fencingToken),
            "expiresAt": .string(CamundaDate.format(lock.expiresAt)),
        ])
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        JSONResponse.make(Self.dto(try await engine.lock(try Self.name(context))))
    }

    @Sendable func acquire(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let body = try await request.jsonObject()
        let lock = try await engine.acquireLock(
            try Self.name(context), owner: try body.string("owner"), ttl: try body.int64("ttl"))
        return JSONResponse.make(Self.dto(lock))
    }

    @Sendable func release(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let body = try await request.jsonObject()
        try await engine.releaseLock(try Self.name(context), owner: try body.string("owner"))
        return JSONResponse.noContent
    }

    /// The `{name}` path segment, percent-decoded.
    static func name(_ context: Context) throws -> String { try context.parameters.decoded("name") }
}
