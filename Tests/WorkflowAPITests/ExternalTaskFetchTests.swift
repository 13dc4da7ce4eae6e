// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Workflow
@testable import WorkflowAPI

/// POST /external-task/fetchAndLock: the LockedExternalTaskDto and request validation.
struct ExternalTaskFetchTests {
    static let lockedTaskKeys: Set<String> = [
        "activityId", "activityInstanceId", "errorMessage", "errorDetails", "executionId", "id",
        "lockExpirationTime", "createTime", "processDefinitionId", "processDefinitionKey",
        "processDefinitionVersionTag", "processInstanceId", "retries", "suspended", "workerId", "topicName",
        "tenantId", "variables", "priority", "businessKey", "extensionProperties",
    ]

    @Test func lockedTaskCarriesEveryKeyWithCamundaValues() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let instanceID = try await client.start("two_steps", """
                {"businessKey":"bk1","variables":{"orderId":{"value":"o1","type":"String"},"n":{"value":42}}}
                """)
            let tasks = try await client.fetch("topic.a", worker: "w1", lockDuration: 10_000)
            #expect(tasks.count == 1)
            let task = try #require(tasks.first)
            #expect(task.keys == Self.lockedTaskKeys)
            #expect(task["activityId"] == "StepA")
            #expect(task["activityInstanceId"]?.stringValue?.hasPrefix("StepA:") == true)
            #expect(task["topicName"] == "topic.a")
            #expect(task["workerId"] == "w1")
            #expect(task["processInstanceId"] == .string(instanceID))
            #expect(task["processDefinitionKey"] == "two_steps")
            #expect(task["processDefinitionId"]?.stringValue?.hasPrefix("two_steps:1:") == true)
            #expect(task["processDefinitionVersionTag"] == "v1")
            #expect(task["businessKey"] == "bk1")
            #expect(task["retries"] == .null, "retries is null until the first failure")
            #expect(task["errorMessage"] == .null)
            #expect(task["errorDetails"] == .null)
            #expect(task["tenantId"] == .null)
            #expect(task["suspended"] == .bool(false))
            #expect(task["priority"] == 7)
            #expect(task["extensionProperties"] == .object([:]), "{} unless includeExtensionProperties")
            #expect(task["createTime"] == .string(Fixtures.startDate))
            #expect(task["lockExpirationTime"] == "2026-01-01T00:00:10.000+0000")
            #expect(isCamundaDate(task["createTime"]) && isCamundaDate(task["lockExpirationTime"]))
            #expect(task["variables"]?["orderId"] == dto("String", "o1"))
            #expect(task["variables"]?["n"] == dto("Integer", 42))
        }
    }

    @Test func lockedTaskIsNotFetchedTwice() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            _ = try await client.start()
            #expect(try await client.fetch("topic.a", worker: "w1").count == 1)
            #expect(try await client.fetch("topic.a", worker: "w2").isEmpty)
            #expect(try await client.fetch("topic.b", worker: "w2").isEmpty, "StepB is not reached yet")
        }
    }

    @Test func extensionPropertiesAndVariableSelection() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            _ = try await client.start("two_steps", #"{"variables":{"a":{"value":1},"b":{"value":"x"}}}"#)
            let tasks = try await client.fetch(
                "topic.a", extra: #","includeExtensionProperties":true,"variables":["b"]"#)
            let task = try #require(tasks.first)
            #expect(task["extensionProperties"] == .object(["kind": .string("first")]))
            #expect(task["variables"]?.keys == ["b"])
            _ = try await client.start("two_steps", #"{"variables":{"a":{"value":1}}}"#)
            let none = try await client.fetch("topic.a", extra: #","variables":[]"#)
            #expect(none.first?["variables"] == .object([:]), "[] selects no variables")
        }
    }

    @Test func maxTasksLimitsAndZeroAnswersEmpty() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            for _ in 0..<3 { _ = try await client.start() }
            #expect(try await client.fetch("topic.a", maxTasks: 0).isEmpty)
            #expect(try await client.fetch("topic.a", maxTasks: 2).count == 2)
            #expect(try await client.fetch("topic.a", maxTasks: 5).count == 1)
            let noTopics = try await client.call(.post, "/external-task/fetchAndLock", #"{"workerId":"w","maxTasks":5}"#)
            #expect(noTopics.status == .ok)
            #expect(try noTopics.json() == .array([]))
        }
    }

    @Test func timeoutAboveMaximumIsRejected() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let response = try await client.call(.post, "/external-task/fetchAndLock", """
                {"workerId":"w","maxTasks":1,"asyncResponseTimeout":1800001,\
                "topics":[{"topicName":"topic.a","lockDuration":1000}]}
                """)
            let message = try response.expectError(.badRequest, type: "InvalidRequestException")
            #expect(message == "The asynchronous response timeout cannot be set to a value greater than 1800000 milliseconds")
        }
    }

    @Test func missingWorkerIdIsAClientError() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            _ = try await client.start()
            let response = try await client.call(.post, "/external-task/fetchAndLock",
                                                 #"{"maxTasks":1,"topics":[{"topicName":"topic.a","lockDuration":1000}]}"#)
            #expect((400..<500).contains(response.status.code))
            #expect(try response.json()["type"] == "NullValueException")
            #expect(try response.json()["message"] == "workerId is null")
            #expect(try await client.fetch("topic.a").count == 1, "the failed request locked nothing")
        }
    }

    @Test func invalidRequestsAnswer400() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let malformed = try await client.call(.post, "/external-task/fetchAndLock", #"{"workerId":"#)
            try malformed.expectError(.badRequest, type: "InvalidRequestException")
            #expect(try malformed.json()["code"] == .null, "REST-layer errors have code null")
            let notObject = try await client.call(.post, "/external-task/fetchAndLock", "[1]")
            try notObject.expectError(.badRequest, type: "InvalidRequestException")
            let wrongType = try await client.call(.post, "/external-task/fetchAndLock", #"{"workerId":"w","maxTasks":"many"}"#)
            try wrongType.expectError(.badRequest, type: "InvalidRequestException")
            let sorting = try await client.call(.post, "/external-task/fetchAndLock", """
                {"workerId":"w","maxTasks":1,"sorting":[{"sortBy":"priority","sortOrder":"asc"}],\
                "topics":[{"topicName":"topic.a","lockDuration":1000}]}
                """)
            #expect(try sorting.expectError(.badRequest, type: "InvalidRequestException")
                == "Cannot set query sortBy parameter to value priority")
        }
    }

    @Test func nullFieldsAreTreatedAsAbsent() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            _ = try await client.start("two_steps", #"{"variables":{"a":{"value":1}}}"#)
            // The Python client sends "sorting": null and the Java client nulls inside topics.
            let response = try await client.call(.post, "/external-task/fetchAndLock", """
                {"workerId":"w","maxTasks":1,"usePriority":null,"sorting":null,"asyncResponseTimeout":null,\
                "topics":[{"topicName":"topic.a","lockDuration":1000,"variables":null,"businessKey":null,\
                "processVariables":{}}]}
                """)
            #expect(response.status == .ok)
            let task = try #require(try response.json()[0])
            #expect(task["variables"]?.keys == ["a"], "variables: null means all")
        }
    }
}
