// SPDX-License-Identifier: Apache-2.0
import Hummingbird
import HummingbirdTesting
import Testing
@testable import WorkflowAPI

/// `/dead-letter`: tasks out of retries listed with their incident, and retried.
struct DeadLetterAPITests {
    @Test func listCountAndRetry() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            _ = try await client.start()
            let id = try #require(try await client.fetch("topic.a").first?["id"]?.stringValue)
            #expect(try await client.call(.get, "/dead-letter").json() == .array([]))
            _ = try await client.call(.post, "/external-task/\(id)/failure", #"{"workerId":"w1","errorMessage":"boom","retries":0}"#)
            let letters = try await client.call(.get, "/dead-letter").json()
            #expect(letters[0]?["id"] == .string(id) && letters[0]?["retries"] == 0 && letters[0]?["topicName"] == "topic.a")
            #expect(isCamundaDate(letters[0]?["incidentTimestamp"]) && letters[0]?["incidentId"]?.stringValue != nil)
            #expect(try await client.call(.get, "/dead-letter/count").json() == ["count": 1])
            try await client.call(.post, "/dead-letter/\(id)/retry", #"{"retries":0}"#).expectError(.badRequest, type: "InvalidRequestException")
            #expect(try await client.call(.post, "/dead-letter/\(id)/retry", "{}").status == .noContent)
            #expect(try await client.call(.get, "/dead-letter/count").json() == ["count": 0])
            try await client.call(.post, "/dead-letter/\(id)/retry", "{}").expectError(.notFound, type: "InvalidRequestException")
            try await client.call(.post, "/dead-letter/nope/retry", "{}").expectError(.notFound, type: "RestException")
        }
    }

    @Test func engineIncidentsAreNotResolvedByDelete() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            _ = try await client.start()
            let id = try #require(try await client.fetch("topic.a").first?["id"]?.stringValue)
            _ = try await client.call(.post, "/external-task/\(id)/failure", #"{"workerId":"w1","retries":0}"#)
            let incident = try #require(try await client.call(.get, "/incident").json()[0]?["id"]?.stringValue)
            let message = try await client.call(.delete, "/incident/\(incident)").expectError(.badRequest, type: "BadUserRequestException")
            #expect(message == "Cannot resolve an incident of type failedExternalTask")
            try await client.call(.delete, "/incident/nope").expectError(.notFound, type: "InvalidRequestException")
            #expect(try await client.call(.get, "/incident/count").json() == ["count": 1], "nothing was lost")
        }
    }
}
