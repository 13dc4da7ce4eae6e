// SPDX-License-Identifier: Apache-2.0
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import WorkflowAPI

/// Inputs that once crashed the server or were misread: huge durations, escaped paths, `+` in queries.
struct HardenedInputTests {
    @Test func hugeDurationsAreClientErrorsNotCrashes() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            _ = try await client.start()
            let id = try #require(try await client.fetch("topic.a").first?["id"]?.stringValue)
            let huge = "9223372036854775807"
            for (path, body) in [
                ("/external-task/\(id)/extendLock", #"{"workerId":"w1","newDuration":\#(huge)}"#),
                ("/external-task/\(id)/lock", #"{"workerId":"w1","lockDuration":\#(huge)}"#),
                ("/external-task/\(id)/failure", #"{"workerId":"w1","retries":1,"retryTimeout":\#(huge)}"#),
                ("/external-task/fetchAndLock", #"{"workerId":"w1","maxTasks":1,"topics":[{"topicName":"topic.b","lockDuration":\#(huge)}]}"#),
            ] {
                try await client.call(.post, path, body).expectError(.badRequest, type: "BadUserRequestException")
            }
            #expect(try await client.call(.post, "/external-task/\(id)/extendLock", #"{"workerId":"w1","newDuration":1000}"#).status
                    == .noContent, "the task is untouched and the server still serves")
            let negative = try await client.call(.post, "/external-task/fetchAndLock",
                                                 #"{"workerId":"w1","maxTasks":1,"asyncResponseTimeout":-5,"topics":[]}"#)
            #expect(try negative.expectError(.badRequest, type: "InvalidRequestException") == "The asynchronous response timeout cannot be negative")
        }
    }

    @Test func escapedPathsAndPlusInQueries() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let id = try await client.start("two_steps", #"{"businessKey":"a b+c","variables":{"my var":{"value":1}}}"#)
            #expect(try await client.call(.get, "/process-instance/\(id)/variables/my%20var").json()["value"] == 1)
            #expect(try await client.call(.put, "/process-instance/\(id)/variables/a%2Fb", #"{"value":2}"#).status == .noContent)
            #expect(try await client.call(.get, "/process-instance/\(id)/variables").json().keys == ["my var", "a/b"])
            #expect(try await client.call(.get, "/process-instance/count?businessKey=a+b%2Bc").json() == ["count": 1],
                    "+ is a space and %2B a plus, as Python's requests writes them")
            #expect(try await client.call(.get, "/process-instance/count?businessKey=a%20b%2Bc").json() == ["count": 1])
            #expect(try await client.call(.get, "/process-definition/key/two%5Fsteps").json()["key"] == "two_steps")
        }
    }

    /// The Java client sends variables with a failure: they are set before the task fails (Camunda 7 §1.3).
    @Test func failureSetsItsVariables() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let instance = try await client.start()
            let task = try #require(try await client.fetch("topic.a").first)
            let id = try #require(task["id"]?.stringValue), execution = try #require(task["executionId"]?.stringValue)
            let failed = try await client.call(.post, "/external-task/\(id)/failure", """
                {"workerId":"w1","retries":2,"retryTimeout":0,"variables":{"fv":{"value":1}},"localVariables":{"flv":{"value":2}}}
                """)
            #expect(failed.status == .noContent)
            #expect(try await client.call(.get, "/process-instance/\(instance)/variables").json() == ["fv": dto("Integer", 1)])
            #expect(try await client.call(.get, "/execution/\(execution)/localVariables").json() == ["flv": dto("Integer", 2)])
            #expect(try await client.call(.get, "/external-task/\(id)").json()["retries"] == 2)
            try await client.call(.post, "/external-task/\(id)/failure", #"{"workerId":"other","retries":1,"variables":{"x":{"value":1}}}"#)
                .expectError(.badRequest, type: "RestException")
            #expect(try await client.call(.get, "/process-instance/\(instance)/variables").json().keys == ["fv"], "nothing set by a foreign worker")
        }
    }

    @Test func oversizedBodiesAre413() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let big = #"{"workerId":"w","pad":""# + String(repeating: "x", count: 17 * 1_048_576) + #""}"#
            try await client.call(.post, "/external-task/fetchAndLock", big).expectError(.contentTooLarge, type: "InvalidRequestException")
        }
    }

    @Test func oneDeploymentResource() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let deployment = try #require(try await client.call(.get, "/deployment").json()[0]?["id"]?.stringValue)
            let name = try #require(try await client.call(.get, "/deployment/\(deployment)/resources").json()[0]?["name"]?.stringValue)
            let encoded = name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? name
            #expect(try await client.call(.get, "/deployment/\(deployment)/resources/\(encoded)").json()
                    == ["id": .string(name), "name": .string(name), "deploymentId": .string(deployment)])
            try await client.call(.get, "/deployment/\(deployment)/resources/nope").expectError(.notFound, type: "InvalidRequestException")
        }
    }

    @Test func startInstructionsPlaceTheFirstTokens() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let topics = { (id: String) async throws -> [String] in
                try await client.call(.get, "/external-task?processInstanceId=\(id)").json().arrayValue?
                    .compactMap { $0["topicName"]?.stringValue }.sorted() ?? []
            }
            let before = try await client.start("two_steps", #"{"startInstructions":[{"type":"startBeforeActivity","activityId":"StepB"}]}"#)
            #expect(try await topics(before) == ["topic.b"])
            let after = try await client.start("two_steps", #"{"startInstructions":[{"type":"startAfterActivity","activityId":"StepA"}]}"#)
            #expect(try await topics(after) == ["topic.b"])
            let two = try await client.start("two_steps", """
                {"startInstructions":[{"type":"startTransition","transitionId":"F1"},                {"type":"startBeforeActivity","activityId":"StepB","variables":{"v":{"value":1}}}]}
                """)
            #expect(try await topics(two) == ["topic.a", "topic.b"])
            #expect(try await client.call(.get, "/process-instance/\(two)/variables").json() == ["v": dto("Integer", 1)])
            let history = try await client.call(.get, "/history/activity-instance?processInstanceId=\(before)").json()
            #expect(history.arrayValue?.compactMap { $0["activityId"]?.stringValue } == ["StepB"], "the start event never ran")
            for bad in [#"{"startInstructions":[{"type":"startBeforeActivity","activityId":"Nope"}]}"#,
                        #"{"startInstructions":[{"type":"startAfterActivity","activityId":"End"}]}"#,
                        #"{"startInstructions":[{"type":"jump","activityId":"StepB"}]}"#,
                        #"{"startInstructions":"StepB"}"#] {
                try await client.call(.post, "/process-definition/key/two_steps/start", bad)
                    .expectError(.badRequest, type: "InvalidRequestException")
            }
        }
    }
}
