// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Workflow
@testable import WorkflowAPI

/// `GET /process-definition` (+ count): every sortBy of the contract, the sortBy/sortOrder pair, and filters.
struct ProcessDefinitionQueryTests {
    /// A process `back_office` in namespace `urn:back-office`, not startable in the tasklist, without version tag.
    static let backOffice = """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" \
        xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Defs_bo" targetNamespace="urn:back-office">
          <bpmn:process id="back_office" name="Back office" isExecutable="true" camunda:isStartableInTasklist="false">
            <bpmn:startEvent id="Start" />
            <bpmn:serviceTask id="Book" camunda:type="external" camunda:topic="book" />
            <bpmn:endEvent id="End" />
            <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Book" />
            <bpmn:sequenceFlow id="F2" sourceRef="Book" targetRef="End" />
          </bpmn:process>
        </bpmn:definitions>
        """

    /// two_steps deployed at the clock's start, back_office a minute later.
    static func harness() async throws -> (APIHarness, ManualClock) {
        let clock = ManualClock()
        let harness = try await APIHarness(clock: clock)
        clock.advance(by: 60)
        _ = try await harness.engine.deploy(
            name: "later", resources: [Engine.Resource(name: "back-office.bpmn", bytes: Array(backOffice.utf8))])
        return (harness, clock)
    }

    static func keys(_ client: any TestClientProtocol, _ query: String) async throws -> [String] {
        let response = try await client.call(.get, "/process-definition" + query)
        #expect(response.status == .ok, "\(query)")
        return try response.json().arrayValue?.compactMap { $0["key"]?.stringValue } ?? []
    }

    @Test func everySortByOfTheContractIsAccepted() async throws {
        let (harness, _) = try await Self.harness()
        try await harness.run { client in
            for sortBy in ["category", "key", "id", "name", "version", "deploymentId", "deployTime", "tenantId", "versionTag"] {
                for order in ["asc", "desc"] {
                    let response = try await client.call(.get, "/process-definition?sortBy=\(sortBy)&sortOrder=\(order)")
                    #expect(response.status == .ok, "sortBy=\(sortBy)")
                    #expect(try response.json().arrayValue?.count == 2)
                }
            }
            #expect(try await Self.keys(client, "?sortBy=deployTime&sortOrder=desc") == ["back_office", "two_steps"])
            #expect(try await Self.keys(client, "?sortBy=deployTime&sortOrder=asc") == ["two_steps", "back_office"])
            #expect(try await Self.keys(client, "?sortBy=category&sortOrder=asc") == ["two_steps", "back_office"],
                    "http://example.com sorts before urn:back-office")
            #expect(try await Self.keys(client, "?sortBy=name&sortOrder=asc&firstResult=1") == ["two_steps"])
            for query in ["?sortOrder=asc", "?sortBy=key", "/count?sortOrder=desc", "?sortBy=deployed&sortOrder=asc",
                          "?sortBy=key&sortOrder=up"] {
                try await client.call(.get, "/process-definition" + query).expectError(.badRequest, type: "InvalidRequestException")
            }
        }
    }

    @Test func filtersOfTheContract() async throws {
        let (harness, _) = try await Self.harness()
        try await harness.run { client in
            let all = try #require(try await client.call(.get, "/process-definition?sortBy=key&sortOrder=asc").json().arrayValue)
            let (backOfficeID, twoStepsID) = try (#require(all[0]["id"]?.stringValue), #require(all[1]["id"]?.stringValue))
            #expect(all[0]["category"] == "urn:back-office")
            #expect(try await Self.keys(client, "?processDefinitionIdIn=\(twoStepsID),nope") == ["two_steps"])
            #expect(try await Self.keys(client, "?processDefinitionIdIn=\(backOfficeID)&processDefinitionIdIn=\(twoStepsID)").count == 2)
            #expect(try await Self.keys(client, "?notStartableInTasklist=true") == ["back_office"])
            #expect(try await Self.keys(client, "?startableInTasklist=true") == ["two_steps"])
            #expect(try await Self.keys(client, "?withoutVersionTag=true") == ["back_office"])
            #expect(try await Self.keys(client, "?category=urn:back-office") == ["back_office"])
            #expect(try await Self.keys(client, "?categoryLike=http%25") == ["two_steps"])
            #expect(try await Self.keys(client, "?deployedAfter=2026-01-01T00:00:30.000%2B0000") == ["back_office"])
            #expect(try await Self.keys(client, "?deployedAfter=2026-01-01T00:01:00.000%2B0000") == [], "strictly after")
            #expect(try await Self.keys(client, "?deployedAt=2026-01-01T00:00:00.000%2B0000") == ["two_steps"])
            #expect(try await Self.keys(client, "?deployedAt=2026-01-01T01:01:00.000%2B0100") == ["back_office"])
            #expect(try await Self.keys(client, "?version=1&active=true&key=two_steps") == ["two_steps"])
            #expect(try await client.call(.get, "/process-definition/count?notStartableInTasklist=true").json()
                    == .object(["count": 1]))
            for bad in ["deployedAfter=yesterday", "deployedAt=2026", "version=one"] {
                try await client.call(.get, "/process-definition?\(bad)").expectError(.badRequest, type: "InvalidRequestException")
            }
        }
    }

    @Test func incidentFilters() async throws {
        let (harness, _) = try await Self.harness()
        try await harness.run { client in
            _ = try await client.start()
            _ = try await client.start("back_office")
            let task = try #require(try await client.fetch("book").first?["id"]?.stringValue)
            let failure = #"{"workerId":"w1","errorMessage":"ledger down","retries":0}"#
            #expect(try await client.call(.post, "/external-task/\(task)/failure", failure).status == .noContent)
            #expect(try await Self.keys(client, "?incidentType=failedExternalTask") == ["back_office"])
            #expect(try await Self.keys(client, "?incidentMessage=ledger%20down") == ["back_office"])
            #expect(try await Self.keys(client, "?incidentMessageLike=%25down") == ["back_office"])
            #expect(try await Self.keys(client, "?incidentMessageLike=%25up") == [])
            let incident = try #require(try await client.call(.get, "/incident").json()[0]?["id"]?.stringValue)
            #expect(try await Self.keys(client, "?incidentId=\(incident)") == ["back_office"])
        }
    }
}
