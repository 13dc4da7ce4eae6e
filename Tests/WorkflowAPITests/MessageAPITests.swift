// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Workflow
@testable import WorkflowAPI

/// POST /message: correlation to a waiting message catch event.
struct MessageAPITests {
    static func harness() async throws -> APIHarness {
        try await APIHarness(resources: ["await.bpmn": Fixtures.awaitPayment])
    }

    @Test func resultEnabledAnswersExecutionResults() async throws {
        try await Self.harness().run { client in
            let id = try await client.start("await_payment", #"{"businessKey":"m1"}"#)
            let response = try await client.call(.post, "/message", """
                {"messageName":"Paid","businessKey":"m1","resultEnabled":true,\
                "processVariables":{"paidBy":{"value":"card","type":"String"}}}
                """)
            #expect(response.status == .ok)
            let results = try #require(try response.json().arrayValue)
            #expect(results.count == 1)
            let result = try #require(results.first)
            #expect(result.keys == ["resultType", "execution", "processInstance"], "no variables key unless asked")
            #expect(result["resultType"] == "Execution" && result["processInstance"] == .null)
            #expect(result["execution"]?["processInstanceId"] == .string(id))
            #expect(result["execution"]?.keys == ["id", "processInstanceId", "ended", "tenantId"])
            // The catch event was the last wait state: the instance ended.
            try await client.call(.get, "/process-instance/\(id)").expectError(.notFound, type: "InvalidRequestException")
            let history = try await client.call(.get, "/history/process-instance/\(id)").json()
            #expect(history["state"] == "COMPLETED")
        }
    }

    @Test func variablesToTheTriggeredScope() async throws {
        try await Self.harness().run { client in
            let id = try await client.start("await_payment", #"{"businessKey":"m3"}"#)
            let response = try await client.call(.post, "/message", """
                {"messageName":"Paid","businessKey":"m3","processVariablesToTriggeredScope":{"scoped":{"value":"yes"}}}
                """)
            #expect(response.status == .noContent)
            let final = try await client.call(.get, "/history/variable-instance?processInstanceId=\(id)").json()
            #expect(final.arrayValue?.contains { $0["name"] == "scoped" && $0["value"] == "yes" } == true,
                    "the catch event is in the process scope: the variable is the process's")
        }
    }

    @Test func withoutResultEnabledAnswers204() async throws {
        try await Self.harness().run { client in
            let id = try await client.start("await_payment")
            let response = try await client.call(.post, "/message", #"{"messageName":"Paid","processInstanceId":"\#(id)"}"#)
            #expect(response.status == .noContent)
            #expect(response.body.readableBytes == 0)
            #expect(try await client.call(.get, "/process-instance/\(id)").status == .notFound)
        }
    }

    @Test func variablesInResultWhenRequested() async throws {
        try await Self.harness().run { client in
            _ = try await client.start("await_payment", #"{"businessKey":"m2","variables":{"a":{"value":1}}}"#)
            let response = try await client.call(.post, "/message", """
                {"messageName":"Paid","businessKey":"m2","resultEnabled":true,"variablesInResultEnabled":true,\
                "processVariables":{"b":{"value":"x"}}}
                """)
            let result = try #require(try response.json()[0])
            #expect(result["variables"]?["a"] == dto("Integer", 1))
            #expect(result["variables"]?["b"] == dto("String", "x"))
        }
    }

    @Test func mismatchesAre400() async throws {
        try await Self.harness().run { client in
            let unknown = try await client.call(.post, "/message", #"{"messageName":"Nope","resultEnabled":true}"#)
            #expect(try unknown.expectError(.badRequest, type: "RestException")
                == "Cannot correlate message 'Nope': No process definition or execution matches the parameters")
            _ = try await client.start("await_payment", #"{"businessKey":"x"}"#)
            _ = try await client.start("await_payment", #"{"businessKey":"y"}"#)
            let ambiguous = try await client.call(.post, "/message", #"{"messageName":"Paid"}"#)
            try ambiguous.expectError(.badRequest, type: "RestException")
            let wrongKey = try await client.call(.post, "/message", #"{"messageName":"Paid","businessKey":"z"}"#)
            try wrongKey.expectError(.badRequest, type: "RestException")
            let all = try await client.call(.post, "/message", #"{"messageName":"Paid","all":true,"resultEnabled":true}"#)
            #expect(try all.json().arrayValue?.count == 2, "all=true delivers to every match")
            let none = try await client.call(.post, "/message", #"{"messageName":"Paid","all":true,"resultEnabled":true}"#)
            #expect(try none.json() == .array([]), "all=true with no match is fine")
        }
    }

    @Test func requestValidation() async throws {
        try await Self.harness().run { client in
            let noName = try await client.call(.post, "/message", #"{"businessKey":"m"}"#)
            #expect(try noName.expectError(.badRequest, type: "InvalidRequestException") == "No message name supplied")
            let variablesOnly = try await client.call(.post, "/message", #"{"messageName":"Paid","variablesInResultEnabled":true}"#)
            try variablesOnly.expectError(.badRequest, type: "InvalidRequestException")
            let tenant = try await client.call(.post, "/message", #"{"messageName":"Paid","tenantId":"t","withoutTenantId":true}"#)
            try tenant.expectError(.badRequest, type: "InvalidRequestException")
        }
    }

    @Test func localCorrelationKeysAndTenantsNarrowTheMatch() async throws {
        try await Self.harness().run { client in
            let first = try await client.start("await_payment", #"{"variables":{"order":{"value":"o1"}}}"#)
            let second = try await client.start("await_payment", #"{"variables":{"order":{"value":"o2"}}}"#)
            // Give the second instance's waiting execution a local variable to correlate on.
            let tree = try await client.call(.get, "/process-instance/\(second)/activity-instances").json()
            let execution = try #require(tree["childActivityInstances"]?[0]?["executionIds"]?[0]?.stringValue)
            #expect(try await client.call(.put, "/execution/\(execution)/localVariables/slot", #"{"value":"s2"}"#).status == .noContent)
            let local = try await client.call(.post, "/message", """
                {"messageName":"Paid","resultEnabled":true,"localCorrelationKeys":{"slot":{"value":"s2"}}}
                """).json()
            #expect(local[0]?["execution"]?["processInstanceId"] == .string(second))
            #expect(local[0]?["execution"]?["id"] == .string(execution), "the execution that received the message")
            // Nothing was deployed for a tenant: a tenant-bound message finds nothing.
            try await client.call(.post, "/message", #"{"messageName":"Paid","tenantId":"acme"}"#)
                .expectError(.badRequest, type: "RestException")
            let untenanted = try await client.call(.post, "/message", """
                {"messageName":"Paid","withoutTenantId":true,"resultEnabled":true,"correlationKeys":{"order":{"value":"o1"}}}
                """).json()
            #expect(untenanted[0]?["execution"]?["processInstanceId"] == .string(first))
        }
    }
}
