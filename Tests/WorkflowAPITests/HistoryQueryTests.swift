// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Workflow
@testable import WorkflowAPI

/// `/history/...` queries: sortBy/sortOrder of activity instances, variable instances and incidents, and the
/// historic process instance filters.
struct HistoryQueryTests {
    static func values(_ client: any TestClientProtocol, _ path: String, _ key: String) async throws -> [String] {
        let response = try await client.call(.get, path)
        #expect(response.status == .ok, "\(path)")
        return try response.json().arrayValue?.compactMap { $0[key]?.stringValue } ?? []
    }

    @Test func activityInstancesSortAndValidate() async throws {
        let clock = ManualClock()
        let harness = try await APIHarness(clock: clock)
        try await harness.run { client in
            let id = try await HistoryAPITests.completeInstance(client)
            let path = "/history/activity-instance?processInstanceId=\(id)"
            #expect(try await Self.values(client, path + "&sortBy=activityId&sortOrder=asc", "activityId")
                    == ["End", "Start", "StepA", "StepB"])
            #expect(try await Self.values(client, path + "&sortBy=activityId&sortOrder=desc", "activityId")
                    == ["StepB", "StepA", "Start", "End"])
            #expect(try await Self.values(client, path + "&sortBy=occurrence&sortOrder=desc", "activityId")
                    == ["End", "StepB", "StepA", "Start"])
            #expect(try await Self.values(client, path + "&sortBy=activityType&sortOrder=desc&maxResults=2", "activityType")
                    == ["startEvent", "serviceTask"])
            for sortBy in ["activityInstanceId", "instanceId", "executionId", "activityId", "activityName", "activityType",
                           "startTime", "endTime", "duration", "definitionId", "occurrence", "tenantId"] {
                #expect(try await Self.values(client, path + "&sortBy=\(sortBy)&sortOrder=asc", "id").count == 4, "\(sortBy)")
            }
            for query in ["?sortBy=activityId", "?sortOrder=asc", "?sortBy=nope&sortOrder=asc", "/count?sortBy=activityId"] {
                try await client.call(.get, "/history/activity-instance" + query)
                    .expectError(.badRequest, type: "InvalidRequestException")
            }
        }
    }

    @Test func variableInstancesSortAndValidate() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let id = try await HistoryAPITests.completeInstance(client)
            let path = "/history/variable-instance?processInstanceId=\(id)"
            #expect(try await Self.values(client, path + "&sortBy=variableName&sortOrder=desc", "name")
                    == ["topic.b", "topic.a", "raw", "amount"])
            #expect(try await Self.values(client, path + "&sortBy=variableName&sortOrder=asc", "name")
                    == ["amount", "raw", "topic.a", "topic.b"])
            for sortBy in ["instanceId", "tenantId"] {
                #expect(try await Self.values(client, path + "&sortBy=\(sortBy)&sortOrder=asc", "name").count == 4)
            }
            for query in ["?sortBy=variableName", "?sortOrder=desc", "?sortBy=variableType&sortOrder=asc",
                          "/count?sortOrder=asc"] {
                try await client.call(.get, "/history/variable-instance" + query)
                    .expectError(.badRequest, type: "InvalidRequestException")
            }
        }
    }

    @Test func incidentsSortAndValidate() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            _ = try await client.start()
            _ = try await client.start()
            for (n, task) in try await client.fetch("topic.a").enumerated() {
                let id = try #require(task["id"]?.stringValue)
                let failure = #"{"workerId":"w1","errorMessage":"boom \#(n)","retries":0}"#
                #expect(try await client.call(.post, "/external-task/\(id)/failure", failure).status == .noContent)
            }
            #expect(try await Self.values(client, "/history/incident?sortBy=incidentMessage&sortOrder=desc", "incidentMessage")
                    == ["boom 1", "boom 0"])
            #expect(try await Self.values(client, "/history/incident?sortBy=incidentMessage&sortOrder=asc", "incidentMessage")
                    == ["boom 0", "boom 1"])
            #expect(try await Self.values(client, "/history/incident?incidentMessageLike=%251", "incidentMessage") == ["boom 1"])
            for sortBy in ["incidentId", "incidentMessage", "createTime", "endTime", "incidentType", "executionId",
                           "activityId", "processInstanceId", "processDefinitionId", "processDefinitionKey",
                           "causeIncidentId", "rootCauseIncidentId", "configuration", "historyConfiguration", "tenantId",
                           "incidentState"] {
                #expect(try await Self.values(client, "/history/incident?sortBy=\(sortBy)&sortOrder=asc", "id").count == 2)
            }
            for query in ["?sortBy=incidentMessage", "?sortOrder=asc", "?sortBy=message&sortOrder=asc", "/count?sortBy=createTime"] {
                try await client.call(.get, "/history/incident" + query).expectError(.badRequest, type: "InvalidRequestException")
            }
        }
    }

    @Test func processInstanceFilters() async throws {
        let harness = try await APIHarness(resources: [
            "two-steps.bpmn": Fixtures.twoSteps(), "await.bpmn": Fixtures.awaitPayment,
        ])
        try await harness.run { client in
            let ended = try await HistoryAPITests.completeInstance(client)
            let failed = try await client.start("two_steps", #"{"businessKey":"bk-failed","variables":{"amount":{"value":7}}}"#)
            let waiting = try await client.start("await_payment", #"{"businessKey":"bk-wait"}"#)
            let task = try #require(try await client.fetch("topic.a").first?["id"]?.stringValue)
            let failure = #"{"workerId":"w1","errorMessage":"boom","retries":0}"#
            #expect(try await client.call(.post, "/external-task/\(task)/failure", failure).status == .noContent)
            func ids(_ query: String) async throws -> [String] {
                try await Self.values(client, "/history/process-instance" + query, "id").sorted()
            }
            #expect(try await ids("?processInstanceBusinessKeyIn=bk-failed,bk-wait") == [failed, waiting].sorted())
            #expect(try await ids("?withIncidents=true") == [failed])
            #expect(try await ids("?variables=amount_eq_5") == [ended], "the variables an ended instance ended with")
            #expect(try await ids("?variables=amount_gt_6") == [failed], "the current variables of a running one")
            #expect(try await ids("?variables=amount_gteq_5,topic.a_eq_true") == [ended])
            #expect(try await ids("?processDefinitionKeyIn=await_payment") == [waiting])
            #expect(try await ids("?processDefinitionKeyNotIn=two_steps") == [waiting])
            #expect(try await ids("?processDefinitionKeyNotIn=two_steps,await_payment") == [])
            #expect(try await ids("?tenantIdIn=acme") == [])
            #expect(try await ids("?withoutTenantId=true") == [ended, failed, waiting].sorted())
            #expect(try await ids("?suspended=true") == [], "nothing is ever suspended here")
            #expect(try await ids("?suspended=false").count == 3)
            #expect(try await client.call(.get, "/history/process-instance/count?withIncidents=true").json() == .object(["count": 1]))
            let body = #"{"variables":[{"name":"amount","operator":"eq","value":7}],"processDefinitionKeyNotIn":["await_payment"]}"#
            let posted = try await client.call(.post, "/history/process-instance", body).json()
            #expect(posted.arrayValue?.compactMap { $0["id"]?.stringValue } == [failed])
            try await client.call(.get, "/history/process-instance?variables=amount").expectError(.badRequest, type: "InvalidRequestException")
        }
    }

    @Test func processInstanceTenantFilters() async throws {
        let harness = try await APIHarness(resources: [:])
        try await harness.run { client in
            var form = MultipartBody()
            form.field("tenant-id", "acme")
            form.file("data", fileName: "two-steps.bpmn", Fixtures.twoSteps())
            #expect(try await client.deploy(form).status == .ok)
            #expect(try await client.deploy(name: "plain", Fixtures.twoSteps()).status == .ok)
            let tenant = try #require(try await client.call(.post, "/process-definition/key/two_steps/tenant-id/acme/start", "{}")
                .json()["id"]?.stringValue)
            let plain = try await client.start()
            #expect(try await Self.values(client, "/history/process-instance?tenantIdIn=acme", "id") == [tenant])
            #expect(try await Self.values(client, "/history/process-instance?withoutTenantId=true", "id") == [plain])
            #expect(try await Self.values(client, "/history/process-instance?tenantIdIn=acme", "tenantId") == ["acme"])
        }
    }
}
