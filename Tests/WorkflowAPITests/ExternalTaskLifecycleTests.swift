// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Workflow
@testable import WorkflowAPI

/// complete, failure, retries, extendLock, lock and unlock on /external-task/{id}.
struct ExternalTaskLifecycleTests {
    @Test func completeMovesOnAndTheLastCompletionEndsTheInstance() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let instanceID = try await client.start()
            let first = try #require(try await client.fetch("topic.a").first?["id"]?.stringValue)
            let completed = try await client.call(.post, "/external-task/\(first)/complete", """
                {"workerId":"w1","variables":{"result":{"value":"ok","type":"String"},"count":{"value":"3","type":"Integer"}}}
                """)
            #expect(completed.status == .noContent)
            #expect(completed.body.readableBytes == 0)
            // Read-your-writes: the next task is fetchable at once and sees the new variables.
            let second = try #require(try await client.fetch("topic.b").first)
            #expect(second["activityId"] == "StepB")
            #expect(second["variables"]?["result"] == dto("String", "ok"))
            #expect(second["variables"]?["count"] == dto("Integer", 3), "numeric strings convert to Integer")
            let secondID = try #require(second["id"]?.stringValue)
            #expect(try await client.call(.post, "/external-task/\(secondID)/complete", #"{"workerId":"w1"}"#)
                .status == .noContent)
            let gone = try await client.call(.get, "/process-instance/\(instanceID)")
            #expect(try gone.expectError(.notFound, type: "InvalidRequestException")
                == "Process instance with id \(instanceID) does not exist")
            let again = try await client.call(.post, "/external-task/\(secondID)/complete", #"{"workerId":"w1"}"#)
            try again.expectError(.notFound, type: "RestException")
        }
    }

    @Test func wrongWorkerGetsCamundaMessage() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            _ = try await client.start()
            let id = try #require(try await client.fetch("topic.a", worker: "w1").first?["id"]?.stringValue)
            let response = try await client.call(.post, "/external-task/\(id)/complete", #"{"workerId":"w2"}"#)
            #expect(try response.expectError(.badRequest, type: "RestException")
                == "External Task \(id) cannot be completed by worker 'w2'. It is locked by worker 'w1'.")
            #expect(try response.json()["code"] == 0)
            let failure = try await client.call(.post, "/external-task/\(id)/failure", #"{"workerId":"w2"}"#)
            #expect(try failure.expectError(.badRequest, type: "RestException")
                == "Failure of External Task \(id) cannot be reported by worker 'w2'. It is locked by worker 'w1'.")
        }
    }

    @Test func unknownTaskIs404() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            for (method, path, body) in [
                (HTTPRequest.Method.post, "/external-task/nope/complete", #"{"workerId":"w1"}"#),
                (.post, "/external-task/nope/unlock", "{}"),
                (.post, "/external-task/nope/extendLock", #"{"workerId":"w1","newDuration":1000}"#),
                (.put, "/external-task/nope/retries", #"{"retries":1}"#),
                (.get, "/external-task/nope", nil),
            ] as [(HTTPRequest.Method, String, String?)] {
                let response = try await client.call(method, path, body)
                #expect(try response.expectError(.notFound, type: "RestException")
                    == "External task with id nope does not exist")
            }
        }
    }

    @Test func failureWithoutRetriesRaisesAnIncidentThatRetriesResolve() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let instanceID = try await client.start()
            let id = try #require(try await client.fetch("topic.a").first?["id"]?.stringValue)
            let failed = try await client.call(.post, "/external-task/\(id)/failure",
                                               #"{"workerId":"w1","errorMessage":"boom","errorDetails":"trace","retries":0}"#)
            #expect(failed.status == .noContent)
            let incidents = try await client.call(.get, "/incident?processInstanceId=\(instanceID)").json()
            let incident = try #require(incidents[0])
            #expect(incidents.arrayValue?.count == 1)
            #expect(incident["incidentType"] == "failedExternalTask")
            #expect(incident["configuration"] == .string(id))
            #expect(incident["incidentMessage"] == "boom")
            #expect(incident["activityId"] == "StepA" && incident["failedActivityId"] == "StepA")
            #expect(incident["causeIncidentId"] == incident["id"] && incident["rootCauseIncidentId"] == incident["id"])
            #expect(incident.keys.isSuperset(of: ["tenantId", "jobDefinitionId", "annotation", "executionId"]))
            #expect(try await client.fetch("topic.a").isEmpty, "no retries left: not fetchable")
            let task = try await client.call(.get, "/external-task/\(id)").json()
            #expect(task["retries"] == 0 && task["errorMessage"] == "boom")

            #expect(try await client.call(.put, "/external-task/\(id)/retries", #"{"retries":2}"#).status == .noContent)
            #expect(try await client.call(.get, "/incident?processInstanceId=\(instanceID)").json() == .array([]))
            let refetched = try #require(try await client.fetch("topic.a").first)
            #expect(refetched["retries"] == 2)
            #expect(refetched["errorDetails"] == "trace")
        }
    }

    @Test func failureWithRetryTimeoutBacksOff() async throws {
        let clock = ManualClock()
        let harness = try await APIHarness(clock: clock)
        try await harness.run { client in
            _ = try await client.start()
            let id = try #require(try await client.fetch("topic.a").first?["id"]?.stringValue)
            #expect(try await client.call(.post, "/external-task/\(id)/failure",
                                          #"{"workerId":"w1","errorMessage":"later","retries":3,"retryTimeout":5000}"#)
                .status == .noContent)
            #expect(try await client.fetch("topic.a").isEmpty)
            clock.advance(by: 6)
            let task = try #require(try await client.fetch("topic.a", worker: "w2").first)
            #expect(task["retries"] == 3 && task["errorMessage"] == "later" && task["workerId"] == "w2")
        }
    }

    @Test func retriesValidation() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            _ = try await client.start()
            let id = try #require(try await client.fetch("topic.a").first?["id"]?.stringValue)
            let missing = try await client.call(.put, "/external-task/\(id)/retries", "{}")
            #expect(try missing.expectError(.badRequest, type: "InvalidRequestException") == "The number of retries cannot be null.")
            let negative = try await client.call(.put, "/external-task/\(id)/retries", #"{"retries":-1}"#)
            try negative.expectError(.badRequest, type: "BadUserRequestException")
        }
    }

    @Test func extendLockRenewsFromNowAndRejectsExpiredLocks() async throws {
        let clock = ManualClock()
        let harness = try await APIHarness(clock: clock)
        try await harness.run { client in
            _ = try await client.start()
            let id = try #require(try await client.fetch("topic.a", lockDuration: 1000).first?["id"]?.stringValue)
            clock.advance(by: 0.5)
            #expect(try await client.call(.post, "/external-task/\(id)/extendLock", #"{"workerId":"w1","newDuration":5000}"#)
                .status == .noContent)
            #expect(try await client.call(.get, "/external-task/\(id)").json()["lockExpirationTime"]
                == "2026-01-01T00:00:05.500+0000", "now + newDuration")
            let other = try await client.call(.post, "/external-task/\(id)/extendLock", #"{"workerId":"w9","newDuration":5000}"#)
            try other.expectError(.badRequest, type: "RestException")
            clock.advance(by: 10)
            let expired = try await client.call(.post, "/external-task/\(id)/extendLock", #"{"workerId":"w1","newDuration":5000}"#)
            #expect(expired.status == .badRequest)
            #expect(try expired.json()["message"] == "Cannot extend a lock that expired")
        }
    }

    @Test func expiredLockStillLetsTheOwnerCompleteUntilRefetched() async throws {
        let clock = ManualClock()
        let harness = try await APIHarness(clock: clock)
        try await harness.run { client in
            _ = try await client.start()
            _ = try await client.start()
            let ids = try await client.fetch("topic.a", lockDuration: 1000).compactMap { $0["id"]?.stringValue }
            #expect(ids.count == 2)
            clock.advance(by: 2)
            #expect(try await client.call(.post, "/external-task/\(ids[0])/complete", #"{"workerId":"w1"}"#).status == .noContent)
            let stolen = try await client.fetch("topic.a", worker: "w2")
            #expect(stolen.map { $0["id"] } == [.string(ids[1])], "an expired lock is fetchable by others")
            try await client.call(.post, "/external-task/\(ids[1])/complete", #"{"workerId":"w1"}"#)
                .expectError(.badRequest, type: "RestException")
        }
    }

    @Test func unlockMakesTheTaskFetchableByAnotherWorker() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            _ = try await client.start()
            let id = try #require(try await client.fetch("topic.a", worker: "w1").first?["id"]?.stringValue)
            #expect(try await client.fetch("topic.a", worker: "w2").isEmpty)
            #expect(try await client.call(.post, "/external-task/\(id)/unlock", "null").status == .noContent)
            let task = try #require(try await client.fetch("topic.a", worker: "w2").first)
            #expect(task["id"] == .string(id) && task["workerId"] == "w2")
            // The JS client unlocks with no body and no content type.
            #expect(try await client.execute(uri: "/engine-rest/external-task/\(id)/unlock", method: .post).status == .noContent)
            let locked = try await client.call(.post, "/external-task/\(id)/lock", #"{"workerId":"w3","lockDuration":1000}"#)
            #expect(locked.status == .noContent)
            let taken = try await client.call(.post, "/external-task/\(id)/lock", #"{"workerId":"w4","lockDuration":1000}"#)
            #expect(taken.status == .badRequest, "another worker holds an unexpired lock")
        }
    }
}
