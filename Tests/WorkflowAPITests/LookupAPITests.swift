// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Workflow
@testable import WorkflowAPI

/// errorDetails, topic-names, incident by id and deployment resources: the lookups clients make by default.
struct LookupAPITests {
    @Test func errorDetailsAreTextOr204() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            _ = try await client.start()
            let id = try #require(try await client.fetch("topic.a").first?["id"]?.stringValue)
            let none = try await client.call(.get, "/external-task/\(id)/errorDetails")
            #expect(none.status == .noContent, "pycamunda calls this for every task; no details is 204")
            #expect(try await client.call(.post, "/external-task/\(id)/failure", """
                {"workerId":"w1","errorMessage":"boom","errorDetails":"Traceback line 1\\nline 2","retries":0,"retryTimeout":0}
                """).status == .noContent)
            let details = try await client.call(.get, "/external-task/\(id)/errorDetails")
            #expect(details.status == .ok)
            #expect(details.headers[.contentType] == "text/plain")
            #expect(String(buffer: details.body) == "Traceback line 1\nline 2")
            try await client.call(.get, "/external-task/nope/errorDetails").expectError(.notFound, type: "RestException")

            let incidents = try #require(try await client.call(.get, "/incident").json().arrayValue)
            let incidentID = try #require(incidents.first?["id"]?.stringValue)
            let incident = try await client.call(.get, "/incident/\(incidentID)")
            #expect(incident.status == .ok)
            #expect(try incident.json()["configuration"] == .string(id))
            try await client.call(.get, "/incident/nope").expectError(.notFound, type: "InvalidRequestException")
        }
    }

    @Test func topicNamesAreDistinctAndFiltered() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            _ = try await client.start()
            _ = try await client.start()
            #expect(try await client.call(.get, "/external-task/topic-names").json() == .array(["topic.a"]))
            _ = try await client.fetch("topic.a", maxTasks: 1)
            #expect(try await client.call(.get, "/external-task/topic-names?withLockedTasks=true").json()
                == .array(["topic.a"]))
            #expect(try await client.call(.get, "/external-task/topic-names?withUnlockedTasks=true").json()
                == .array(["topic.a"]), "one of the two is still unlocked")
            _ = try await client.fetch("topic.a", maxTasks: 1)
            #expect(try await client.call(.get, "/external-task/topic-names?withUnlockedTasks=true").json()
                == .array([]))
        }
    }

    @Test func deploymentResourcesListAndDownload() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let deployments = try #require(try await client.call(.get, "/deployment").json().arrayValue)
            let id = try #require(deployments.first?["id"]?.stringValue)
            let resources = try await client.call(.get, "/deployment/\(id)/resources").json()
            #expect(resources == .array([.object([
                "id": "two-steps.bpmn", "name": "two-steps.bpmn", "deploymentId": .string(id),
            ])]))
            let data = try await client.call(.get, "/deployment/\(id)/resources/two-steps.bpmn/data")
            #expect(data.status == .ok)
            #expect(String(buffer: data.body) == Fixtures.twoSteps())
            try await client.call(.get, "/deployment/\(id)/resources/other.bpmn/data")
                .expectError(.notFound, type: "InvalidRequestException")
            try await client.call(.get, "/deployment/nope/resources").expectError(.notFound, type: "InvalidRequestException")
        }
    }
}
