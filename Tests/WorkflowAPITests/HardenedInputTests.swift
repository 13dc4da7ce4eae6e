// SPDX-License-Identifier: Apache-2.0
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
}
