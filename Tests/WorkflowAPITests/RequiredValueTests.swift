// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Workflow
@testable import WorkflowAPI

/// Required body members a worker leaves out: Camunda's `NullValueException` ("<name> is null"), answered 400.
struct RequiredValueTests {
    @Test(arguments: [
        ("bpmnError", #"{"workerId":"w1"}"#, "errorCode is null"),
        ("bpmnError", #"{"workerId":"w1","errorCode":null}"#, "errorCode is null"),
        ("bpmnError", #"{"errorCode":"E"}"#, "workerId is null"),
        ("complete", #"{}"#, "workerId is null"),
        ("failure", #"{"retries":1}"#, "workerId is null"),
        ("extendLock", #"{"newDuration":1000}"#, "workerId is null"),
        ("lock", #"{"lockDuration":1000}"#, "workerId is null"),
    ])
    func missingValueIsNullValueException(verb: String, body: String, message: String) async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            _ = try await client.start()
            let id = try #require(try await client.fetch("topic.a").first?["id"]?.stringValue)
            let response = try await client.call(.post, "/external-task/\(id)/\(verb)", body)
            #expect(try response.expectError(.badRequest, type: "NullValueException") == message)
            #expect(try response.json()["code"] == 0, "an engine exception")
            #expect(try await client.call(.get, "/external-task/\(id)").json()["workerId"] == "w1", "nothing changed")
        }
    }

    @Test func checkedBeforeTheTaskIsLookedUp() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let response = try await client.call(.post, "/external-task/nope/bpmnError", #"{"workerId":"w1"}"#)
            #expect(try response.expectError(.badRequest, type: "NullValueException") == "errorCode is null")
            try await client.call(.post, "/external-task/nope/complete", #"{"workerId":"w1"}"#)
                .expectError(.notFound, type: "RestException")
        }
    }
}
