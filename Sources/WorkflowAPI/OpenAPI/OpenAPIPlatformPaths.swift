// SPDX-License-Identifier: Apache-2.0
import BPMN

/// Operations of this platform beyond Camunda's API: slot pools.
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
        ]
    }

    static var schemas: [String: ExpressionValue] {
        [
            "SlotPoolDto": S.object([
                "name": S.string, "slots": S.int32, "occupiedSlots": S.int32, "openSlots": S.int32,
            ]),
            "SlotPoolSizeDto": S.object(["slots": S.int32]),
        ]
    }
}
