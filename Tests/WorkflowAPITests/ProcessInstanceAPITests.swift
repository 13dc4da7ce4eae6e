// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Workflow
@testable import WorkflowAPI

/// /process-instance and /history/process-instance.
struct ProcessInstanceAPITests {
    @Test func getReturnsTheRunningInstance() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let id = try await client.start("two_steps", #"{"businessKey":"bk"}"#)
            let response = try await client.call(.get, "/process-instance/\(id)")
            #expect(response.status == .ok)
            let body = try response.json()
            #expect(body.keys == ["links", "id", "definitionId", "definitionKey", "businessKey", "caseInstanceId",
                                  "ended", "suspended", "tenantId"])
            #expect(body["id"] == .string(id) && body["businessKey"] == "bk" && body["ended"] == .bool(false))
            #expect(body["caseInstanceId"] == .null && body["tenantId"] == .null)
            let unknown = try await client.call(.get, "/process-instance/nope")
            #expect(try unknown.expectError(.notFound, type: "InvalidRequestException")
                == "Process instance with id nope does not exist")
        }
    }

    @Test func listFiltersByVariablesAndBusinessKey() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let first = try await client.start("two_steps", #"{"businessKey":"a","variables":{"orderId":{"value":"o1"},"amount":{"value":5}}}"#)
            let second = try await client.start("two_steps", #"{"businessKey":"b","variables":{"orderId":{"value":"o2"},"amount":{"value":50}}}"#)
            func ids(_ query: String) async throws -> [String] {
                let response = try await client.call(.get, "/process-instance" + query)
                #expect(response.status == .ok)
                return try response.json().arrayValue?.compactMap { $0["id"]?.stringValue }.sorted() ?? []
            }
            #expect(try await ids("?variables=orderId_eq_o1") == [first])
            #expect(try await ids("?variables=orderId_neq_o1") == [second])
            #expect(try await ids("?variables=amount_gt_10") == [second])
            #expect(try await ids("?variables=orderId_eq_o1,amount_gt_10") == [])
            #expect(try await ids("?businessKey=b") == [second])
            #expect(try await ids("?processDefinitionKey=two_steps") == [first, second].sorted())
            #expect(try await ids("?processInstanceIds=\(first)") == [first])
            #expect(try await client.call(.get, "/process-instance/count?variables=orderId_eq_o2").json()["count"] == 1)
            let list = try await client.call(.get, "/process-instance").json()
            #expect(list[0]?["links"] == .array([]), "list entries have empty links")
            let bad = try await client.call(.get, "/process-instance?variables=orderId")
            try bad.expectError(.badRequest, type: "InvalidRequestException")
        }
    }

    @Test func deleteRemovesTheInstanceAndItsExternalTasks() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let id = try await client.start()
            let task = try #require(try await client.fetch("topic.a").first?["id"]?.stringValue)
            let deleted = try await client.call(.delete, "/process-instance/\(id)")
            #expect(deleted.status == .noContent)
            #expect(deleted.body.readableBytes == 0)
            try await client.call(.get, "/process-instance/\(id)").expectError(.notFound, type: "InvalidRequestException")
            #expect(try await client.call(.get, "/external-task/count?processInstanceId=\(id)").json()["count"] == 0)
            let complete = try await client.call(.post, "/external-task/\(task)/complete", #"{"workerId":"w1"}"#)
            try complete.expectError(.notFound, type: "RestException")
            try await client.call(.delete, "/process-instance/\(id)").expectError(.notFound, type: "InvalidRequestException")
            #expect(try await client.call(.delete, "/process-instance/\(id)?failIfNotExists=false").status == .noContent)
            let history = try await client.call(.get, "/history/process-instance/\(id)").json()
            #expect(history["state"] == "EXTERNALLY_TERMINATED")
        }
    }

    @Test func historyRecordsTheCompletedInstance() async throws {
        let clock = ManualClock()
        let harness = try await APIHarness(clock: clock)
        try await harness.run { client in
            let id = try await client.start("two_steps", #"{"businessKey":"h1"}"#)
            let running = try await client.call(.get, "/history/process-instance/\(id)").json()
            #expect(running["state"] == "ACTIVE" && running["endTime"] == .null && running["durationInMillis"] == .null)
            for topic in ["topic.a", "topic.b"] {
                clock.advance(by: 1.5)
                let task = try #require(try await client.fetch(topic).first?["id"]?.stringValue)
                #expect(try await client.call(.post, "/external-task/\(task)/complete", #"{"workerId":"w1"}"#).status == .noContent)
            }
            let response = try await client.call(.get, "/history/process-instance/\(id)")
            #expect(response.status == .ok)
            let history = try response.json()
            #expect(history.keys == [
                "id", "businessKey", "processDefinitionId", "processDefinitionKey", "processDefinitionName",
                "processDefinitionVersion", "startTime", "endTime", "removalTime", "durationInMillis", "startUserId",
                "startActivityId", "deleteReason", "rootProcessInstanceId", "superProcessInstanceId",
                "superCaseInstanceId", "caseInstanceId", "tenantId", "state", "restartedProcessInstanceId",
            ])
            #expect(history["state"] == "COMPLETED")
            #expect(history["businessKey"] == "h1" && history["processDefinitionKey"] == "two_steps")
            #expect(history["startTime"] == .string(Fixtures.startDate))
            #expect(history["endTime"] == "2026-01-01T00:00:03.000+0000")
            #expect(history["durationInMillis"] == 3000)
            #expect(history["rootProcessInstanceId"] == .string(id) && history["startActivityId"] == "Start")
            let finished = try await client.call(.get, "/history/process-instance?finished=true").json()
            #expect(finished.arrayValue?.count == 1)
            #expect(try await client.call(.get, "/history/process-instance/count?unfinished=true").json()["count"] == 0)
            try await client.call(.get, "/history/process-instance/nope").expectError(.notFound, type: "InvalidRequestException")
        }
    }
}
