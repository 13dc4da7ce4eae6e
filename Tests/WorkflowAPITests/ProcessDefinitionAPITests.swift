// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Workflow
@testable import WorkflowAPI

/// /process-definition: queries, lookups, XML and starting instances.
struct ProcessDefinitionAPITests {
    static let definitionKeys: Set<String> = [
        "id", "key", "category", "description", "name", "version", "resource", "deploymentId", "diagram",
        "suspended", "tenantId", "versionTag", "historyTimeToLive", "startableInTasklist",
    ]

    @Test func listCarriesEveryKey() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let response = try await client.call(.get, "/process-definition")
            #expect(response.status == .ok)
            let list = try #require(try response.json().arrayValue)
            #expect(list.count == 1)
            let definition = try #require(list.first)
            #expect(definition.keys == Self.definitionKeys)
            #expect(definition["key"] == "two_steps" && definition["name"] == "Two steps")
            #expect(definition["version"] == 1 && definition["versionTag"] == "v1")
            #expect(definition["historyTimeToLive"] == 30)
            #expect(definition["startableInTasklist"] == .bool(true) && definition["suspended"] == .bool(false))
            #expect(definition["resource"] == "two-steps.bpmn")
            #expect(definition["id"]?.stringValue?.hasPrefix("two_steps:1:") == true, "id is key:version:uuid")
            #expect(definition["category"] == "http://example.com", "the category is the file's targetNamespace")
            #expect(definition["diagram"] == .null && definition["tenantId"] == .null)
        }
    }

    @Test func queriesFilterSortAndPage() async throws {
        let harness = try await APIHarness(resources: [
            "two-steps.bpmn": Fixtures.twoSteps(), "await.bpmn": Fixtures.awaitPayment,
        ])
        try await harness.run { client in
            let byKey = try await client.call(.get, "/process-definition?key=await_payment").json()
            #expect(byKey.arrayValue?.map { $0["key"] } == [.string("await_payment")])
            let sorted = try await client.call(.get, "/process-definition?sortBy=key&sortOrder=desc&maxResults=1").json()
            #expect(sorted.arrayValue?.map { $0["key"] } == [.string("two_steps")])
            #expect(try await client.call(.get, "/process-definition/count").json()["count"] == 2)
            let halfSorted = try await client.call(.get, "/process-definition?sortBy=key")
            try halfSorted.expectError(.badRequest, type: "InvalidRequestException")
        }
    }

    @Test func lookupsByKeyAndID() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let byKey = try await client.call(.get, "/process-definition/key/two_steps")
            #expect(byKey.status == .ok)
            let id = try #require(try byKey.json()["id"]?.stringValue)
            #expect(try await client.call(.get, "/process-definition/\(id)").json()["key"] == "two_steps")
            let xml = try await client.call(.get, "/process-definition/key/two_steps/xml").json()
            #expect(xml["id"] == .string(id))
            #expect(xml["bpmn20Xml"]?.stringValue?.contains("<bpmn:process id=\"two_steps\"") == true)

            let unknownKey = try await client.call(.get, "/process-definition/key/nokey")
            #expect(try unknownKey.expectError(.notFound, type: "RestException")
                == "No matching process definition with key: nokey and no tenant-id")
            let unknownStart = try await client.call(.post, "/process-definition/key/nokey/start", "{}")
            try unknownStart.expectError(.notFound, type: "RestException")
            let unknownID = try await client.call(.get, "/process-definition/nope")
            #expect(try unknownID.expectError(.notFound, type: "InvalidRequestException") == "No matching definition with id nope")
        }
    }

    @Test func startAnswersProcessInstanceWithLinks() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let response = try await client.call(.post, "/process-definition/key/two_steps/start", #"{"businessKey":"order-1"}"#)
            #expect(response.status == .ok)
            let body = try response.json()
            #expect(body.keys == ["links", "id", "definitionId", "definitionKey", "businessKey", "caseInstanceId",
                                  "ended", "suspended", "tenantId"], "no variables unless withVariablesInReturn")
            let id = try #require(body["id"]?.stringValue)
            #expect(body["definitionKey"] == "two_steps" && body["businessKey"] == "order-1")
            #expect(body["ended"] == .bool(false) && body["suspended"] == .bool(false))
            #expect(body["links"]?[0]?["href"] == .string("http://localhost:8080/engine-rest/process-instance/\(id)"))
            #expect(body["links"]?[0]?["rel"] == "self")
            // The process ran to its first wait state before the response.
            #expect(try await client.call(.get, "/external-task/count?processInstanceId=\(id)").json()["count"] == 1)
        }
    }

    @Test func startByIDAndEmptyBody() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let id = try #require(try await client.call(.get, "/process-definition/key/two_steps").json()["id"]?.stringValue)
            let response = try await client.execute(uri: "/engine-rest/process-definition/\(id)/start", method: .post)
            #expect(response.status == .ok)
            #expect(try response.json()["definitionId"] == .string(id))
            #expect(try response.json()["businessKey"] == .null)
        }
    }
}
