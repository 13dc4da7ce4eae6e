// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Workflow
@testable import WorkflowAPI

/// `POST /external-task/complete`: many completes in one request, each settled and answered on its own.
struct CompleteManyAPITests {
    /// Starts `count` instances and locks their first tasks for worker w1; returns the task ids.
    func lockedTasks(_ count: Int, _ client: any TestClientProtocol) async throws -> [String] {
        for _ in 0..<count { _ = try await client.start() }
        let ids = try await client.fetch("topic.a", worker: "w1").compactMap { $0["id"]?.stringValue }
        try #require(ids.count == count)
        return ids
    }

    @Test func eachTaskIsSettledAndAnsweredInOrder() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let ids = try await lockedTasks(3, client)
            let other = try #require(try await { () async throws -> String? in
                _ = try await client.start()
                return try await client.fetch("topic.a", worker: "w2").first?["id"]?.stringValue
            }())
            let body = """
                {"workerId":"w1","tasks":[
                  {"id":"\(ids[0])","variables":{"result":{"value":"ok","type":"String"}}},
                  {"id":"nope"},
                  {"id":"\(ids[1])","localVariables":{"note":{"value":"local","type":"String"}}},
                  {"id":"\(other)"},
                  {"id":"\(ids[2])","workerId":"w9"}
                ]}
                """
            let response = try await client.call(.post, "/external-task/complete", body)
            #expect(response.status == .ok)
            let outcomes = try #require(try response.json().arrayValue)
            #expect(outcomes.map { $0["id"] } == [ids[0], "nope", ids[1], other, ids[2]].map { .string($0) })
            #expect(outcomes.map { $0["status"] } == [204, 404, 204, 400, 400])
            #expect(outcomes[0].keys == ["id", "status"])
            #expect(outcomes[1]["type"] == "RestException")
            #expect(outcomes[3]["message"] == .string(
                "External Task \(other) cannot be completed by worker 'w1'. It is locked by worker 'w2'."))
            #expect(outcomes[4]["message"] == .string(
                "External Task \(ids[2]) cannot be completed by worker 'w9'. It is locked by worker 'w1'."))
            // The settled tasks moved their instances on, with their variables; the refused ones stay locked.
            let next = try await client.fetch("topic.b", worker: "w1")
            #expect(next.count == 2)
            #expect(next.contains { $0["variables"]?["result"] == dto("String", "ok") })
            for id in [other, ids[2]] {
                #expect(try await client.call(.get, "/external-task/\(id)").json()["workerId"] != .null)
            }
            // Settled once: the same complete again is a 404 for that task alone.
            let again = try await client.call(.post, "/external-task/complete",
                                              #"{"workerId":"w1","tasks":[{"id":"\#(ids[0])"}]}"#)
            #expect(try again.json()[0]?["status"] == 404)
        }
    }

    @Test func aMalformedBodySettlesNothing() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            _ = try await client.start()
            let id = try #require(try await client.fetch("topic.a", worker: "w1").first?["id"]?.stringValue)
            let tooMany = (0...ExternalTaskController<APIRequestContext>.maxCompletesPerRequest)
                .map { _ in #"{"id":"\#(id)"}"# }.joined(separator: ",")
            for (body, type) in [
                ("{}", "NullValueException"),
                (#"{"workerId":"w1","tasks":{"id":"\#(id)"}}"#, "InvalidRequestException"),
                (#"{"workerId":"w1","tasks":[{"id":"\#(id)"},{"variables":{}}]}"#, "NullValueException"),
                (#"{"workerId":"w1","tasks":[\#(tooMany)]}"#, "InvalidRequestException"),
                (#"{"workerId":"w1","tasks":["#, "InvalidRequestException"),
            ] {
                let response = try await client.call(.post, "/external-task/complete", body)
                try response.expectError(.badRequest, type: type)
            }
            // Nothing was settled: the task is still locked by w1 and completes now.
            let response = try await client.call(.post, "/external-task/complete",
                                                  #"{"workerId":"w1","tasks":[{"id":"\#(id)"}]}"#)
            #expect(try response.json()[0]?["status"] == 204)
        }
    }

    @Test func aBadVariableFailsItsTaskOnly() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let ids = try await lockedTasks(2, client)
            let body = """
                {"workerId":"w1","tasks":[
                  {"id":"\(ids[0])","variables":{"n":{"value":"x","type":"Integer"}}},
                  {"id":"\(ids[1])"}
                ]}
                """
            let outcomes = try await client.call(.post, "/external-task/complete", body).json()
            #expect(outcomes[0]?["status"] == 400)
            #expect(outcomes[0]?["type"] == "InvalidRequestException")
            #expect(outcomes[1]?["status"] == 204)
            #expect(try await client.fetch("topic.b", worker: "w1").count == 1)
        }
    }
}
