// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Workflow
@testable import WorkflowAPI

/// Writing variables from outside: `/process-instance/{id}/variables` and `/execution/{id}/localVariables`,
/// binary values through `/data`, and the activity-instance tree.
struct VariableWriteAPITests {
    @Test func putGetDeleteAndModifyProcessVariables() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let id = try await client.start("two_steps", #"{"variables":{"keep":{"value":1},"drop":{"value":2}}}"#)
            let base = "/process-instance/\(id)/variables"
            #expect(try await client.call(.put, base + "/amount", #"{"value":"12","type":"Long"}"#).status == .noContent)
            #expect(try await client.call(.get, base + "/amount").json() == dto("Long", 12))
            let modify = #"{"modifications":{"note":{"value":"n","type":"String"}},"deletions":["drop"],"workerId":"w"}"#
            #expect(try await client.call(.post, base, modify).status == .noContent)
            let all = try await client.call(.get, base).json()
            #expect(all.keys == ["keep", "amount", "note"])
            #expect(try await client.call(.delete, base + "/keep").status == .noContent)
            try await client.call(.get, base + "/keep").expectError(.notFound, type: "InvalidRequestException")
            // The worker sees what was written.
            let task = try #require(try await client.fetch("topic.a").first)
            #expect(task["variables"]?["note"] == dto("String", "n"))
            #expect(task["variables"]?["keep"] == nil)
        }
    }

    @Test func badValuesAndUnknownInstancesAreClientErrors() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let id = try await client.start()
            let message = try await client.call(.put, "/process-instance/\(id)/variables/n", #"{"value":"x","type":"Integer"}"#)
                .expectError(.badRequest, type: "InvalidRequestException")
            #expect(message.hasPrefix("Cannot put process instance variable n: "))
            try await client.call(.put, "/process-instance/\(id)/variables/n", #"{"value":1,"type":"Nope"}"#)
                .expectError(.badRequest, type: "RestException")
            try await client.call(.put, "/process-instance/nope/variables/n", #"{"value":1}"#)
                .expectError(.notFound, type: "InvalidRequestException")
            try await client.call(.post, "/process-instance/\(id)/variables", #"{"modifications":[1]}"#)
                .expectError(.badRequest, type: "InvalidRequestException")
            try await client.call(.get, "/process-instance/\(id)/variables/n/data")
                .expectError(.notFound, type: "InvalidRequestException")
        }
    }

    @Test func bytesAndFilesGoThroughData() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let id = try await client.start("two_steps", #"{"variables":{"raw":{"value":"AQID","type":"Bytes"},"t":{"value":"x"}}}"#)
            let raw = try await client.call(.get, "/process-instance/\(id)/variables/raw/data")
            #expect(raw.status == .ok)
            #expect(raw.headers[.contentType] == "application/octet-stream")
            #expect(Array(raw.body.readableBytesView) == [1, 2, 3])
            try await client.call(.get, "/process-instance/\(id)/variables/t/data")
                .expectError(.badRequest, type: "InvalidRequestException")

            var form = MultipartBody()
            form.file("data", fileName: "report.csv", "a,b\n1,2", contentType: "text/csv; charset=UTF-8")
            form.field("valueType", "File")
            let upload = try await client.execute(
                uri: "/engine-rest/process-instance/\(id)/variables/report/data", method: .post,
                headers: [.contentType: form.contentType], body: form.body)
            #expect(upload.status == .noContent)
            let dto = try await client.call(.get, "/process-instance/\(id)/variables/report").json()
            #expect(dto["type"] == "File")
            #expect(dto["value"] == .null, "file content is only served through /data")
            #expect(dto["valueInfo"] == .object(["filename": "report.csv", "mimeType": "text/csv", "encoding": "UTF-8"]))
            // The JS client downloads files through the execution of the process instance.
            let file = try await client.call(.get, "/execution/\(id)/localVariables/report/data")
            #expect(file.status == .ok)
            #expect(file.headers[.contentType] == "text/csv; charset=UTF-8")
            #expect(file.headers[.contentDisposition] == "attachment; filename=\"report.csv\"")
            #expect(String(buffer: file.body) == "a,b\n1,2")
        }
    }

    /// The Java client downloads a task's File variable at /process-instance/{the task's executionId}/.../data.
    @Test func processInstanceVariablesAreReadableThroughATasksExecutionID() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let id = try await client.start("two_steps", #"{"variables":{"raw":{"value":"AQID","type":"Bytes"}}}"#)
            let task = try #require(try await client.fetch("topic.a").first)
            let execution = try #require(task["executionId"]?.stringValue)
            #expect(execution != id, "executions have ids of their own here")
            let raw = try await client.call(.get, "/process-instance/\(execution)/variables/raw/data")
            #expect(raw.status == .ok)
            #expect(Array(raw.body.readableBytesView) == [1, 2, 3])
            #expect(try await client.call(.get, "/process-instance/\(execution)/variables").json()["raw"]?["type"] == "Bytes")
            try await client.call(.get, "/process-instance/nope/variables/raw/data")
                .expectError(.notFound, type: "InvalidRequestException")
        }
    }

    @Test func executionLocalVariablesStayOnTheExecution() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let id = try await client.start()
            let task = try #require(try await client.fetch("topic.a").first)
            let execution = try #require(task["executionId"]?.stringValue)
            let local = "/execution/\(execution)/localVariables"
            #expect(try await client.call(.put, local + "/scratch", #"{"value":true}"#).status == .noContent)
            #expect(try await client.call(.get, local).json() == .object(["scratch": dto("Boolean", true)]))
            #expect(try await client.call(.get, "/process-instance/\(id)/variables").json() == .object([:]),
                    "a local variable is not a process variable")
            try await client.call(.get, "/execution/nope/localVariables").expectError(.notFound, type: "InvalidRequestException")
        }
    }

    @Test func activityInstanceTreeShowsWaitingActivitiesAndIncidents() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let id = try await client.start()
            let task = try #require(try await client.fetch("topic.a").first)
            let taskID = try #require(task["id"]?.stringValue)
            _ = try await client.call(.post, "/external-task/\(taskID)/failure", #"{"workerId":"w1","retries":0}"#)
            let tree = try await client.call(.get, "/process-instance/\(id)/activity-instances").json()
            #expect(tree["id"] == .string(id))
            #expect(tree["activityType"] == "processDefinition")
            #expect(tree["parentActivityInstanceId"] == .null)
            let child = try #require(tree["childActivityInstances"]?[0])
            #expect(child["activityId"] == "StepA")
            #expect(child["activityType"] == "serviceTask")
            #expect(child["name"] == "Step A")
            #expect(child["id"] == task["activityInstanceId"])
            #expect(child["parentActivityInstanceId"] == .string(id))
            #expect(child["executionIds"] == .array([task["executionId"]!]))
            #expect(child["incidentIds"]?.arrayValue?.count == 1)
            try await client.call(.get, "/process-instance/nope/activity-instances")
                .expectError(.notFound, type: "InvalidRequestException")
        }
    }
}
