// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Workflow
@testable import WorkflowAPI

/// `GET|POST /external-task` (+ count): process variable conditions and definition names.
struct ExternalTaskQueryTests {
    /// Three instances of two_steps with `customer` and `amount`; returns instance id -> its StepA task id.
    static func threeCustomers(_ client: any TestClientProtocol) async throws -> [(instance: String, task: String)] {
        var result: [(String, String)] = []
        for (customer, amount) in [("Alice", 5), ("bob", 50), ("carol", 500)] {
            let body = #"{"variables":{"customer":{"value":"\#(customer)"},"amount":{"value":\#(amount)}}}"#
            let instance = try await client.start("two_steps", body)
            let tasks = try await client.call(.get, "/external-task?processInstanceId=\(instance)").json()
            result.append((instance, try #require(tasks[0]?["id"]?.stringValue)))
        }
        return result
    }

    static func taskIDs(_ client: any TestClientProtocol, _ path: String, _ body: String? = nil) async throws -> [String] {
        let method: HTTPRequest.Method = body == nil ? .get : .post
        let response = try await client.call(method, path, body)
        #expect(response.status == .ok, "\(path) \(body ?? "")")
        return try response.json().arrayValue?.compactMap { $0["id"]?.stringValue }.sorted() ?? []
    }

    @Test func processVariablesByURL() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let found = try await Self.threeCustomers(client)
            let (alice, bob, carol) = (found[0].task, found[1].task, found[2].task)
            func ids(_ query: String) async throws -> [String] { try await Self.taskIDs(client, "/external-task?" + query) }
            #expect(try await ids("processVariables=customer_eq_bob") == [bob])
            #expect(try await ids("processVariables=customer_neq_bob") == [alice, carol].sorted())
            #expect(try await ids("processVariables=amount_gt_50") == [carol])
            #expect(try await ids("processVariables=amount_gteq_50") == [bob, carol].sorted())
            #expect(try await ids("processVariables=amount_lt_50") == [alice])
            #expect(try await ids("processVariables=amount_lteq_50") == [alice, bob].sorted())
            #expect(try await ids("processVariables=customer_like_%25o%25") == [bob, carol].sorted())
            #expect(try await ids("processVariables=amount_gteq_50,customer_like_c%25") == [carol], "conditions AND")
            #expect(try await ids("processVariables=missing_neq_x") == [], "the variable must exist")
            #expect(try await ids("processVariables=customer_eq_alice") == [])
            #expect(try await ids("processVariables=customer_eq_alice&variableValuesIgnoreCase=true") == [alice])
            #expect(try await ids("processVariables=CUSTOMER_eq_bob&variableNamesIgnoreCase=true") == [bob])
            let count = try await client.call(.get, "/external-task/count?processVariables=amount_gt_10").json()
            #expect(count == .object(["count": 2]))
            for bad in ["bad", "amount_gt", "amount_between_1", "_eq_1"] {
                let message = try await client.call(.get, "/external-task?processVariables=\(bad)")
                    .expectError(.badRequest, type: "InvalidRequestException")
                #expect(!message.isEmpty)
                try await client.call(.get, "/external-task/count?processVariables=\(bad)")
                    .expectError(.badRequest, type: "InvalidRequestException")
            }
        }
    }

    @Test func processVariablesByJSONBody() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let found = try await Self.threeCustomers(client)
            let (bob, carol) = (found[1].task, found[2].task)
            let byValue = #"{"processVariables":[{"name":"amount","operator":"eq","value":50}]}"#
            #expect(try await Self.taskIDs(client, "/external-task", byValue) == [bob], "50 matches Integer 50")
            let byText = #"{"processVariables":[{"name":"amount","operator":"eq","value":"50"}]}"#
            #expect(try await Self.taskIDs(client, "/external-task", byText) == [], "a JSON string is no number")
            let greater = #"{"processVariables":[{"name":"amount","operator":"gt","value":49.5}]}"#
            #expect(try await Self.taskIDs(client, "/external-task", greater) == [bob, carol].sorted())
            let asText = #"{"processVariables":["customer_eq_carol"]}"#
            #expect(try await Self.taskIDs(client, "/external-task", asText) == [carol])
            let count = try await client.call(.post, "/external-task/count", greater).json()
            #expect(count == .object(["count": 2]))
            for bad in [#"{"processVariables":"bad"}"#, #"{"processVariables":[{"name":"amount","operator":"between","value":1}]}"#,
                        #"{"processVariables":[{"operator":"eq","value":1}]}"#,
                        #"{"processVariables":[{"name":"amount","operator":"gt","value":true}]}"#] {
                try await client.call(.post, "/external-task", bad).expectError(.badRequest, type: "InvalidRequestException")
                try await client.call(.post, "/external-task/count", bad).expectError(.badRequest, type: "InvalidRequestException")
            }
        }
    }

    @Test func processDefinitionNameAndNameLike() async throws {
        let harness = try await APIHarness(resources: [
            "two-steps.bpmn": Fixtures.twoSteps(name: "Order handling"),
        ])
        try await harness.run { client in
            _ = try await client.start()
            #expect(try await Self.taskIDs(client, "/external-task?processDefinitionName=Order%20handling").count == 1)
            #expect(try await Self.taskIDs(client, "/external-task?processDefinitionName=Order").isEmpty)
            #expect(try await Self.taskIDs(client, "/external-task?processDefinitionNameLike=Order%25").count == 1)
            #expect(try await Self.taskIDs(client, "/external-task?processDefinitionNameLike=%25invoice%25").isEmpty)
            #expect(try await client.call(.post, "/external-task/count", #"{"processDefinitionNameLike":"%handling"}"#).json()
                    == .object(["count": 1]))
        }
    }
}
