// SPDX-License-Identifier: Apache-2.0
import BPMN

/// Operations of this platform beyond Camunda's API: slot pools, distributed locks and dead letters.
enum OpenAPIPlatformPaths {
    typealias Op = OpenAPIOperation
    private typealias S = Schema

    static var operations: [Op] {
        [
            Op(method: "get", path: "/slot-pool", id: "getSlotPools", summary: "Every slot pool with its free slots",
               success: OpenAPIPaths.array("SlotPoolDto")),
            Op(method: "get", path: "/slot-pool/{name}", id: "getSlotPool", summary: "One slot pool",
               success: OpenAPIPaths.one("SlotPoolDto")),
            Op(method: "put", path: "/slot-pool/{name}", id: "resizeSlotPool", summary: "Create or resize a slot pool",
               body: OpenAPIPaths.body("SlotPoolSizeDto", required: true), success: OpenAPIPaths.one("SlotPoolDto")),
            Op(method: "post", path: "/external-task/complete", id: "completeExternalTasks",
               summary: "Complete many tasks, each settled on its own (one outcome per task, in order)",
               body: OpenAPIPaths.body("CompleteExternalTasksDto", required: true),
               success: OpenAPIPaths.array("ExternalTaskOutcomeDto")),
            Op(method: "get", path: "/worker-pool", id: "getWorkerPools",
               summary: "Queued and leased tasks per worker pool type", success: OpenAPIPaths.array("WorkerPoolDto")),
            Op(method: "get", path: "/lock/{name}", id: "getLock", summary: "The holder of a distributed lock",
               success: OpenAPIPaths.one("LockDto")),
            Op(method: "post", path: "/lock/{name}/acquire", id: "acquireLock",
               summary: "Take or renew a distributed lock (409 while another owner holds it)",
               body: OpenAPIPaths.body("LockAcquireDto", required: true), success: OpenAPIPaths.one("LockDto")),
            Op(method: "post", path: "/lock/{name}/release", id: "releaseLock", summary: "Release a distributed lock",
               body: OpenAPIPaths.body("LockReleaseDto", required: true), success: .noContent),
            Op(method: "get", path: "/dead-letter", id: "getDeadLetters", summary: "External tasks out of retries",
               success: OpenAPIPaths.array("DeadLetterDto")),
            Op(method: "get", path: "/dead-letter/count", id: "getDeadLettersCount", summary: "Count dead letters",
               success: OpenAPIPaths.count),
            Op(method: "post", path: "/dead-letter/{id}/retry", id: "retryDeadLetter",
               summary: "Give a dead-lettered task retries again (resolves its incident)",
               body: OpenAPIPaths.body("DeadLetterRetryDto"), success: .noContent),
        ]
    }

    static var schemas: [String: ExpressionValue] {
        [
            "SlotPoolDto": S.object([
                "name": S.string, "slots": S.int32, "occupiedSlots": S.int32, "openSlots": S.int32,
            ]),
            "SlotPoolSizeDto": S.object(["slots": S.int32]),
            "CompleteExternalTasksDto": S.object([
                "workerId": S.string,
                "tasks": S.array(["allOf": [S.ref("CompleteExternalTaskDto"), S.object(["id": S.string])]]),
            ]),
            // A settled task has id and status only; a refused one also Camunda's error fields.
            "ExternalTaskOutcomeDto": S.object([
                "id": S.string, "status": S.int32, "type": S.string, "message": S.string, "code": S.nullable(S.int32),
            ], strict: false),
            "WorkerPoolDto": S.object([
                "pool": S.enumeration(["CPU_INTENSIVE", "IO_INTENSIVE", "MEMORY_INTENSIVE", "NETWORK_INTENSIVE", "GENERAL_PURPOSE"]),
                "queued": S.int32, "inFlight": S.int32,
            ]),
            "LockDto": S.object(["name": S.string, "owner": S.string, "fencingToken": S.int64, "expiresAt": S.date]),
            "LockAcquireDto": S.object(["owner": S.string, "ttl": S.int64]),
            "LockReleaseDto": S.object(["owner": S.string]),
            "DeadLetterDto": ["allOf": [S.ref("ExternalTaskDto"), S.object(["incidentId": S.string, "incidentTimestamp": S.date])]],
            "DeadLetterRetryDto": S.object(["retries": S.int32]),
        ]
    }
}
