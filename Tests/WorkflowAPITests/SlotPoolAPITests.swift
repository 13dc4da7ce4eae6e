// SPDX-License-Identifier: Apache-2.0
import Hummingbird
import HummingbirdTesting
import Testing
@testable import WorkflowAPI

/// `/slot-pool`: listing, reading and resizing pools; bad input is a 400 with Camunda's error body.
struct SlotPoolAPITests {
    @Test func poolsAreListedReadAndResized() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let pools = try await client.call(.get, "/slot-pool").json()
            #expect(pools == .array([
                ["name": "dq_pool", "slots": 8, "occupiedSlots": 0, "openSlots": 8],
                ["name": "etl_pool", "slots": 24, "occupiedSlots": 0, "openSlots": 24],
            ]))
            let resized = try await client.call(.put, "/slot-pool/gpu.pool", #"{"slots":2}"#)
            #expect(resized.status == .ok)
            #expect(try resized.json() == ["name": "gpu.pool", "slots": 2, "occupiedSlots": 0, "openSlots": 2])
            #expect(try await client.call(.get, "/slot-pool/gpu.pool").json()["slots"] == 2)
            #expect(try await client.call(.get, "/slot-pool").json().arrayValue?.count == 3)
            #expect(try await client.call(.get, "/slot-pool/unknown").json()["slots"] == 0, "an unknown pool has no slots")
            try await client.call(.put, "/slot-pool/etl_pool", #"{"slots":-1}"#).expectError(.badRequest, type: "InvalidRequestException")
            try await client.call(.put, "/slot-pool/etl_pool", #"{"slots":"many"}"#).expectError(.badRequest, type: "InvalidRequestException")
            try await client.call(.put, "/slot-pool/etl_pool", "{}").expectError(.badRequest, type: "InvalidRequestException")
            try await client.call(.put, "/slot-pool/bad%20name", #"{"slots":1}"#).expectError(.badRequest, type: "InvalidRequestException")
        }
    }

    @Test func workerPoolCountsAndScopedFetch() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            _ = try await client.start()
            let pools = try await client.call(.get, "/worker-pool").json()
            #expect(pools.arrayValue?.count == 5)
            #expect(pools.arrayValue?.first { $0["pool"] == "GENERAL_PURPOSE" } == ["pool": "GENERAL_PURPOSE", "queued": 1, "inFlight": 0, "workers": 0])
        }
    }

    @Test func fetchScopedToAWorkerPool() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            _ = try await client.start()
            let body = { (pool: String) in
                #"{"workerId":"w","maxTasks":5,"workerPool":"\#(pool)","topics":[{"topicName":"topic.a","lockDuration":1000}]}"#
            }
            #expect(try await client.call(.post, "/external-task/fetchAndLock", body("cpu")).json() == .array([]))
            #expect(try await client.call(.post, "/external-task/fetchAndLock", body("GENERAL_PURPOSE")).json().arrayValue?.count == 1)
            try await client.call(.post, "/external-task/fetchAndLock", body("GPU")).expectError(.badRequest, type: "InvalidRequestException")
            let pools = try await client.call(.get, "/worker-pool").json()
            #expect(pools.arrayValue?.first { $0["pool"] == "GENERAL_PURPOSE" } == ["pool": "GENERAL_PURPOSE", "queued": 0, "inFlight": 1, "workers": 1],
                    "the worker that fetched topic.a (a general-purpose topic) within the last minute")
        }
    }
}
