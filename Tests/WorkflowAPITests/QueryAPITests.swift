// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Workflow
@testable import WorkflowAPI

/// POST query bodies, sorting, batch retries and tenant paths.
struct QueryAPITests {
    /// Three instances; each instance's StepA task failed down to 0 retries. `tasks[i]` belongs to `instances[i]`
    /// (fetches come in no particular order).
    static func threeFailedTasks(_ client: any TestClientProtocol) async throws -> (instances: [String], tasks: [String]) {
        var instances: [String] = []
        for key in ["a", "b", "c"] { instances.append(try await client.start("two_steps", #"{"businessKey":"\#(key)"}"#)) }
        // In start order: a fetch without usePriority promises no order across the store's partitions.
        let fetched = try await client.fetch("topic.a")
        let tasks = instances.compactMap { instance in
            fetched.first { $0["processInstanceId"]?.stringValue == instance }?["id"]?.stringValue
        }
        #expect(tasks.count == 3)
        for task in tasks {
            let body = #"{"workerId":"w1","retries":0}"#
            #expect(try await client.call(.post, "/external-task/\(task)/failure", body).status == .noContent)
        }
        return (instances, tasks)
    }

    @Test func externalTaskQueryByPostWithSorting() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let (instances, _) = try await Self.threeFailedTasks(client)
            let body = #"{"processInstanceIdIn":["\#(instances[0])","\#(instances[2])"],"noRetriesLeft":true,"sorting":[{"sortBy":"processInstanceId","sortOrder":"desc"}]}"#
            let found = try await client.call(.post, "/external-task", body).json()
            let ids = (found.arrayValue ?? []).compactMap { $0["processInstanceId"]?.stringValue }
            #expect(ids == [instances[0], instances[2]].sorted(by: >))
            #expect(try await client.call(.post, "/external-task/count", body).json() == .object(["count": 2]))
            let byURL = try await client.call(.get, "/external-task?sortBy=taskPriority&sortOrder=asc&maxResults=2").json()
            #expect(byURL.arrayValue?.count == 2)
            try await client.call(.get, "/external-task?sortBy=taskPriority").expectError(.badRequest, type: "InvalidRequestException")
            try await client.call(.get, "/external-task?sortBy=nope&sortOrder=asc").expectError(.badRequest, type: "InvalidRequestException")
            try await client.call(.post, "/external-task", #"{"sorting":[{"sortBy":"id","sortOrder":"up"}]}"#)
                .expectError(.badRequest, type: "InvalidRequestException")
        }
    }

    @Test func batchRetriesByIdsInstancesAndQueries() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let (instances, tasks) = try await Self.threeFailedTasks(client)
            #expect(try await client.call(.get, "/incident/count").json() == .object(["count": 3]))
            let byID = #"{"retries":2,"externalTaskIds":["\#(tasks[0])"]}"#
            #expect(try await client.call(.put, "/external-task/retries", byID).status == .noContent)
            let byInstance = #"{"retries":2,"processInstanceIds":["\#(instances[1])"]}"#
            #expect(try await client.call(.put, "/external-task/retries", byInstance).status == .noContent)
            let byQuery = #"{"retries":2,"externalTaskQuery":{"noRetriesLeft":true}}"#
            let batch = try await client.call(.post, "/external-task/retries-async", byQuery)
            #expect(batch.status == .ok)
            #expect(try batch.json()["type"] == "set-external-task-retries")
            #expect(try batch.json()["totalJobs"] == 1)
            #expect(try await client.call(.get, "/incident/count").json() == .object(["count": 0]), "every incident resolved")
            #expect(try await client.call(.get, "/external-task/count?withRetriesLeft=true").json() == .object(["count": 3]))

            try await client.call(.put, "/external-task/retries", #"{"externalTaskIds":["\#(tasks[0])"]}"#)
                .expectError(.badRequest, type: "InvalidRequestException")
            try await client.call(.put, "/external-task/retries", #"{"retries":1}"#)
                .expectError(.badRequest, type: "InvalidRequestException")
            try await client.call(.put, "/external-task/retries", #"{"retries":1,"externalTaskIds":["nope"]}"#)
                .expectError(.notFound, type: "RestException")
            try await client.call(.put, "/external-task/retries", #"{"retries":-1,"externalTaskIds":["\#(tasks[0])"]}"#)
                .expectError(.badRequest, type: "BadUserRequestException")
        }
    }

    @Test func processInstanceAndHistoryQueriesByPost() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let (instances, _) = try await Self.threeFailedTasks(client)
            let body = #"{"businessKeyLike":"%b%","withIncident":true}"#
            let found = try await client.call(.post, "/process-instance", body).json()
            #expect(found.arrayValue?.compactMap { $0["id"]?.stringValue } == [instances[1]])
            let history = try await client.call(.post, "/history/process-instance?maxResults=2",
                                                #"{"unfinished":true,"sorting":[{"sortBy":"businessKey","sortOrder":"desc"}]}"#).json()
            #expect(history.arrayValue?.compactMap { $0["businessKey"]?.stringValue } == ["c", "b"])
            #expect(try await client.call(.post, "/history/process-instance/count", #"{"finished":true}"#).json()
                    == .object(["count": 0]))
        }
    }

    @Test func tenantPathsFindTheTenantsDefinition() async throws {
        let harness = try await APIHarness(resources: [:])
        try await harness.run { client in
            var form = MultipartBody()
            form.field("tenant-id", "acme")
            form.file("data", fileName: "two-steps.bpmn", Fixtures.twoSteps(name: "Acme steps"))
            #expect(try await client.deploy(form).status == .ok)
            let definition = try await client.call(.get, "/process-definition/key/two_steps/tenant-id/acme").json()
            #expect(definition["tenantId"] == "acme")
            #expect(try await client.call(.get, "/process-definition/key/two_steps/tenant-id/acme/xml").json()["bpmn20Xml"] != nil)
            let started = try await client.call(.post, "/process-definition/key/two_steps/tenant-id/acme/start", "{}")
            #expect(started.status == .ok)
            try await client.call(.get, "/process-definition/key/two_steps").expectError(.notFound, type: "RestException")
            try await client.call(.get, "/process-definition/key/two_steps/tenant-id/other").expectError(.notFound, type: "RestException")
            #expect(try await client.call(.get, "/process-definition?tenantIdIn=acme&latestVersion=true").json().arrayValue?.count == 1)
            #expect(try await client.call(.get, "/process-definition?withoutTenantId=true").json().arrayValue?.isEmpty == true)
        }
    }
}
