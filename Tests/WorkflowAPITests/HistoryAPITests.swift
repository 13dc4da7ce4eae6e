// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Workflow
@testable import WorkflowAPI

/// `/history/variable-instance` and `/history/incident`: what ran, and what it ended with.
struct HistoryAPITests {
    /// Runs two_steps to the end with variables set at start and on completion; returns the instance id.
    static func completeInstance(_ client: any TestClientProtocol) async throws -> String {
        let id = try await client.start("two_steps", #"{"variables":{"amount":{"value":5},"raw":{"value":"AQI=","type":"Bytes"}}}"#)
        for topic in ["topic.a", "topic.b"] {
            let task = try #require(try await client.fetch(topic).first?["id"]?.stringValue)
            let body = #"{"workerId":"w1","variables":{"\#(topic)":{"value":true}}}"#
            #expect(try await client.call(.post, "/external-task/\(task)/complete", body).status == .noContent)
        }
        return id
    }

    @Test func variablesOfEndedAndRunningInstances() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let ended = try await Self.completeInstance(client)
            let running = try await client.start("two_steps", #"{"variables":{"amount":{"value":9}}}"#)
            let all = try await client.call(.get, "/history/variable-instance?variableName=amount").json()
            let byInstance = Dictionary(uniqueKeysWithValues: (all.arrayValue ?? []).map {
                ($0["processInstanceId"]?.stringValue ?? "", $0)
            })
            #expect(byInstance[ended]?["value"] == 5)
            #expect(byInstance[ended]?["type"] == "Integer")
            #expect(byInstance[running]?["value"] == 9)
            let dto = try #require(byInstance[ended])
            #expect(dto.keys == ["id", "name", "type", "value", "valueInfo", "processDefinitionKey", "processDefinitionId",
                                 "processInstanceId", "executionId", "activityInstanceId", "caseDefinitionKey",
                                 "caseDefinitionId", "caseInstanceId", "caseExecutionId", "taskId", "tenantId",
                                 "errorMessage", "state", "createTime", "removalTime", "rootProcessInstanceId"])
            #expect(dto["state"] == "CREATED")
            #expect(isCamundaDate(dto["createTime"]))
            let names = try await client.call(.get, "/history/variable-instance?processInstanceId=\(ended)").json()
            #expect(Set((names.arrayValue ?? []).compactMap { $0["name"]?.stringValue })
                    == ["amount", "raw", "topic.a", "topic.b"], "the variables the instance ended with")
            #expect(try await client.call(.get, "/history/variable-instance/count?processInstanceIdIn=\(ended),\(running)")
                .json() == .object(["count": 5]))
            let id = try #require(dto["id"]?.stringValue)
            #expect(try await client.call(.get, "/history/variable-instance/\(id)").json()["value"] == 5)
            let raw = try #require((names.arrayValue ?? []).first { $0["name"] == "raw" }?["id"]?.stringValue)
            let data = try await client.call(.get, "/history/variable-instance/\(raw)/data")
            #expect(Array(data.body.readableBytesView) == [1, 2])
            try await client.call(.get, "/history/variable-instance/nope").expectError(.notFound, type: "InvalidRequestException")
            #expect(try await client.call(.get, "/history/variable-instance?maxResults=1").json().arrayValue?.count == 1)
        }
    }

    @Test func incidentsAreKeptWhenResolvedOrDeleted() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let first = try await client.start()
            let second = try await client.start()
            for task in try await client.fetch("topic.a") {
                let id = try #require(task["id"]?.stringValue)
                let failure = #"{"workerId":"w1","errorMessage":"boom","retries":0}"#
                #expect(try await client.call(.post, "/external-task/\(id)/failure", failure).status == .noContent)
            }
            var open = try await client.call(.get, "/history/incident?open=true").json()
            #expect(open.arrayValue?.count == 2)
            let incident = try #require(open[0])
            #expect(incident["incidentType"] == "failedExternalTask")
            #expect(incident["incidentMessage"] == "boom")
            #expect(incident["processDefinitionKey"] == "two_steps")
            #expect(incident["endTime"] == .null)
            // Resolve the first by giving its task retries; delete the second instance.
            let task = try #require(try await client.call(.get, "/external-task?processInstanceId=\(first)").json()[0]?["id"]?.stringValue)
            #expect(try await client.call(.put, "/external-task/\(task)/retries", #"{"retries":1}"#).status == .noContent)
            #expect(try await client.call(.delete, "/process-instance/\(second)").status == .noContent)
            open = try await client.call(.get, "/history/incident?open=true").json()
            #expect(open.arrayValue?.isEmpty == true)
            let resolved = try await client.call(.get, "/history/incident?resolved=true").json()
            #expect(resolved[0]?["processInstanceId"] == .string(first))
            #expect(isCamundaDate(resolved[0]?["endTime"]))
            let deleted = try await client.call(.get, "/history/incident?deleted=true").json()
            #expect(deleted[0]?["processInstanceId"] == .string(second))
            #expect(try await client.call(.get, "/history/incident/count").json() == .object(["count": 2]))
            #expect(try await client.call(.get, "/incident/count").json() == .object(["count": 0]))
        }
    }
}
