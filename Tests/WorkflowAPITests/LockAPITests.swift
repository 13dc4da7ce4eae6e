// SPDX-License-Identifier: Apache-2.0
import Hummingbird
import HummingbirdTesting
import Testing
@testable import WorkflowAPI

/// `/lock/{name}`: acquire, conflict, release, and Camunda-style error bodies.
struct LockAPITests {
    @Test func acquireConflictAndRelease() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let acquired = try await client.call(.post, "/lock/export/acquire", #"{"owner":"a","ttl":60000}"#)
            #expect(acquired.status == .ok)
            let lock = try acquired.json()
            #expect(lock["owner"] == "a" && lock["fencingToken"] == 1 && lock["name"] == "export")
            #expect(isCamundaDate(lock["expiresAt"]))
            try await client.call(.post, "/lock/export/acquire", #"{"owner":"b","ttl":60000}"#)
                .expectError(.conflict, type: "LockHeldException")
            try await client.call(.post, "/lock/export/release", #"{"owner":"b"}"#).expectError(.conflict, type: "LockHeldException")
            #expect(try await client.call(.get, "/lock/export").json()["owner"] == "a")
            #expect(try await client.call(.post, "/lock/export/release", #"{"owner":"a"}"#).status == .noContent)
            try await client.call(.get, "/lock/export").expectError(.notFound, type: "InvalidRequestException")
            try await client.call(.post, "/lock/export/acquire", #"{"ttl":1}"#).expectError(.badRequest, type: "InvalidRequestException")
            try await client.call(.post, "/lock/export/acquire", #"{"owner":"a","ttl":923999573298157056}"#)
                .expectError(.badRequest, type: "InvalidRequestException")
            #expect(try await client.call(.post, "/lock/a%20b/acquire", #"{"owner":"a","ttl":10}"#).json()["name"] == "a b",
                    "names are percent-decoded")
            try await client.call(.post, "/lock/export/acquire", #"{"owner":"a","ttl":"x"}"#)
                .expectError(.badRequest, type: "InvalidRequestException")
        }
    }
}
