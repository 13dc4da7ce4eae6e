// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Workflow
@testable import WorkflowAPI

/// `GET /incident` (+ count): paging, sorting and the incident filters of the contract.
struct IncidentQueryTests {
    /// Three incidents a minute apart, messages "m0", "m1", "m2"; returns their instance ids, oldest first.
    static func threeIncidents(_ client: any TestClientProtocol, clock: ManualClock) async throws -> [String] {
        var instances: [String] = []
        for n in 0..<3 {
            let instance = try await client.start()
            let task = try #require(try await client.call(.get, "/external-task?processInstanceId=\(instance)").json()[0]?["id"]?.stringValue)
            let lock = #"{"workerId":"w1","lockDuration":1000}"#
            #expect(try await client.call(.post, "/external-task/\(task)/lock", lock).status == .noContent)
            let failure = #"{"workerId":"w1","errorMessage":"m\#(n)","retries":0}"#
            #expect(try await client.call(.post, "/external-task/\(task)/failure", failure).status == .noContent)
            instances.append(instance)
            clock.advance(by: 60)
        }
        return instances
    }

    static func messages(_ client: any TestClientProtocol, _ query: String) async throws -> [String] {
        let response = try await client.call(.get, "/incident" + query)
        #expect(response.status == .ok, "\(query)")
        return try response.json().arrayValue?.compactMap { $0["incidentMessage"]?.stringValue } ?? []
    }

    @Test func pagingAndSorting() async throws {
        let clock = ManualClock()
        let harness = try await APIHarness(clock: clock)
        try await harness.run { client in
            _ = try await Self.threeIncidents(client, clock: clock)
            #expect(try await Self.messages(client, "?sortBy=incidentTimestamp&sortOrder=desc") == ["m2", "m1", "m0"])
            #expect(try await Self.messages(client, "?sortBy=incidentMessage&sortOrder=asc&firstResult=1") == ["m1", "m2"])
            #expect(try await Self.messages(client, "?sortBy=incidentMessage&sortOrder=asc&maxResults=2") == ["m0", "m1"])
            #expect(try await Self.messages(client, "?sortBy=incidentMessage&sortOrder=desc&firstResult=1&maxResults=1") == ["m1"])
            for sortBy in ["incidentId", "incidentMessage", "incidentTimestamp", "incidentType", "executionId", "activityId",
                           "processInstanceId", "processDefinitionId", "causeIncidentId", "rootCauseIncidentId",
                           "configuration", "tenantId"] {
                #expect(try await Self.messages(client, "?sortBy=\(sortBy)&sortOrder=asc").count == 3, "\(sortBy)")
            }
            for query in ["?sortBy=incidentMessage", "?sortOrder=asc", "?sortBy=message&sortOrder=asc", "?maxResults=-1",
                          "?firstResult=x", "/count?sortOrder=desc"] {
                try await client.call(.get, "/incident" + query).expectError(.badRequest, type: "InvalidRequestException")
            }
        }
    }

    @Test func filtersOfTheContract() async throws {
        let clock = ManualClock()
        let harness = try await APIHarness(clock: clock)
        try await harness.run { client in
            let instances = try await Self.threeIncidents(client, clock: clock)
            let all = try #require(try await client.call(.get, "/incident").json().arrayValue)
            let first = try #require(all.first { $0["processInstanceId"] == .string(instances[0]) })
            #expect(try await Self.messages(client, "?processDefinitionKeyIn=two_steps,other").count == 3)
            #expect(try await Self.messages(client, "?processDefinitionKeyIn=other") == [])
            #expect(try await Self.messages(client, "?failedActivityId=StepA").count == 3)
            #expect(try await Self.messages(client, "?failedActivityId=StepB") == [])
            #expect(try await Self.messages(client, "?incidentMessage=m1") == ["m1"])
            #expect(try await Self.messages(client, "?incidentMessageLike=m%25&sortBy=incidentMessage&sortOrder=asc")
                    == ["m0", "m1", "m2"])
            let execution = try #require(first["executionId"]?.stringValue)
            #expect(try await Self.messages(client, "?executionId=\(execution)") == ["m0"])
            let definition = try #require(first["processDefinitionId"]?.stringValue)
            #expect(try await Self.messages(client, "?processDefinitionId=\(definition)").count == 3)
            let id = try #require(first["id"]?.stringValue)
            #expect(try await Self.messages(client, "?causeIncidentId=\(id)") == ["m0"])
            #expect(try await Self.messages(client, "?rootCauseIncidentId=\(id)") == ["m0"])
            #expect(try await Self.messages(client, "?incidentTimestampAfter=2026-01-01T00:00:30.000%2B0000&sortBy=incidentMessage&sortOrder=asc")
                    == ["m1", "m2"])
            #expect(try await Self.messages(client, "?incidentTimestampBefore=2026-01-01T00:01:00.000%2B0000") == ["m0"])
            #expect(try await Self.messages(client, "?tenantIdIn=acme") == [])
            #expect(try await Self.messages(client, "?jobDefinitionIdIn=job") == [], "external task incidents have no job")
            #expect(try await client.call(.get, "/incident/count?incidentMessageLike=%252").json() == .object(["count": 1]))
            try await client.call(.get, "/incident?incidentTimestampAfter=later").expectError(.badRequest, type: "InvalidRequestException")
        }
    }
}
