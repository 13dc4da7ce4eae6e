// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Workflow
@testable import WorkflowAPI

/// `GET /deployment` (+ count, + `/{id}`): sorting, filters and the empty `links` of DeploymentDto.
struct DeploymentQueryTests {
    /// Three deployments a minute apart: "orders" (source "ci"), "billing" (tenant acme), "archive" (source "ci").
    static func harness() async throws -> APIHarness {
        let clock = ManualClock()
        let harness = try await APIHarness(clock: clock, resources: [:])
        let bytes = Array(Fixtures.twoSteps().utf8)
        for (name, source, tenant) in [("orders", "ci", nil), ("billing", nil, "acme"), ("archive", "ci", nil)] {
            _ = try await harness.engine.deploy(
                name: name, source: source, tenantID: tenant, resources: [Engine.Resource(name: "two-steps.bpmn", bytes: bytes)])
            clock.advance(by: 60)
        }
        return harness
    }

    static func names(_ client: any TestClientProtocol, _ query: String) async throws -> [String] {
        let response = try await client.call(.get, "/deployment" + query)
        #expect(response.status == .ok, "\(query)")
        return try response.json().arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
    }

    @Test func sortingAndItsValidation() async throws {
        let harness = try await Self.harness()
        try await harness.run { client in
            #expect(try await Self.names(client, "?sortBy=name&sortOrder=asc") == ["archive", "billing", "orders"])
            #expect(try await Self.names(client, "?sortBy=deploymentTime&sortOrder=desc") == ["archive", "billing", "orders"])
            #expect(try await Self.names(client, "?sortBy=deploymentTime&sortOrder=asc&firstResult=1&maxResults=1") == ["billing"])
            #expect(try await Self.names(client, "?sortBy=tenantId&sortOrder=desc").first == "billing")
            #expect(try await Self.names(client, "?sortBy=id&sortOrder=asc").count == 3)
            for query in ["?sortBy=name", "?sortOrder=asc", "?sortBy=source&sortOrder=asc", "/count?sortBy=name"] {
                try await client.call(.get, "/deployment" + query).expectError(.badRequest, type: "InvalidRequestException")
            }
        }
    }

    @Test func filtersOfTheContract() async throws {
        let harness = try await Self.harness()
        try await harness.run { client in
            #expect(try await Self.names(client, "?nameLike=%25r%25&sortBy=name&sortOrder=asc") == ["archive", "orders"])
            #expect(try await Self.names(client, "?source=ci&sortBy=name&sortOrder=asc") == ["archive", "orders"])
            #expect(try await Self.names(client, "?withoutSource=true") == ["billing"])
            #expect(try await Self.names(client, "?tenantIdIn=acme,other") == ["billing"])
            #expect(try await Self.names(client, "?withoutTenantId=true&sortBy=name&sortOrder=asc") == ["archive", "orders"])
            #expect(try await Self.names(client, "?tenantIdIn=acme&includeDeploymentsWithoutTenantId=true").count == 3)
            #expect(try await Self.names(client, "?after=2026-01-01T00:00:00.000%2B0000") == ["billing", "archive"])
            #expect(try await Self.names(client, "?before=2026-01-01T00:01:00.000%2B0000") == ["orders"], "strictly before")
            #expect(try await Self.names(client, "?after=2026-01-01T00:00:30.000%2B0000&before=2026-01-01T00:01:30.000%2B0000")
                    == ["billing"])
            #expect(try await client.call(.get, "/deployment/count?source=ci").json() == .object(["count": 2]))
            try await client.call(.get, "/deployment?withoutSource=true&source=ci").expectError(.badRequest, type: "InvalidRequestException")
            try await client.call(.get, "/deployment?after=noon").expectError(.badRequest, type: "InvalidRequestException")
        }
    }

    @Test func listAndGetCarryEmptyLinks() async throws {
        let harness = try await Self.harness()
        try await harness.run { client in
            let list = try #require(try await client.call(.get, "/deployment").json().arrayValue)
            #expect(list.count == 3)
            for item in list {
                #expect(item["links"] == .array([]))
                #expect(item.keys == ["links", "id", "name", "source", "deploymentTime", "tenantId"])
            }
            let id = try #require(list[0]["id"]?.stringValue)
            let one = try await client.call(.get, "/deployment/\(id)").json()
            #expect(one["links"] == .array([]), "GET /deployment/{id} answers a DeploymentDto without links")
            #expect(one["id"] == .string(id))
        }
    }
}
