// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Workflow
@testable import WorkflowAPI

/// Global conventions: /version, /engine, the engine-name prefix, content type, error bodies, health.
struct EngineAPITests {
    @Test func versionAndEngineList() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let version = try await client.call(.get, "/version")
            #expect(version.status == .ok)
            let text = try #require(try version.json()["version"]?.stringValue)
            #expect(text.hasPrefix("7."), "clients gate features on a 7.x version")
            #expect(try await client.call(.get, "/engine").json() == .array([.object(["name": .string("default")])]))
        }
    }

    @Test func pathsUnderTheDefaultEngineWork() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let prefix = "/engine-rest/engine/default"
            let started = try await client.execute(
                uri: prefix + "/process-definition/key/two_steps/start", method: .post,
                headers: [.contentType: "application/json"], body: ByteBuffer(string: "{}"))
            #expect(started.status == .ok)
            let id = try #require(try started.json()["id"]?.stringValue)
            let fetched = try await client.execute(
                uri: prefix + "/external-task/fetchAndLock", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"workerId":"w","maxTasks":1,"topics":[{"topicName":"topic.a","lockDuration":1000}]}"#))
            #expect(try fetched.json()[0]?["processInstanceId"] == .string(id))
            #expect(try await client.execute(uri: prefix + "/version", method: .get).status == .ok)
            // Both prefixes drive the same engine.
            #expect(try await client.call(.get, "/process-instance/\(id)").status == .ok)
        }
    }

    @Test func jsonResponsesUseExactlyApplicationJSON() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            for path in ["/version", "/process-definition", "/deployment", "/incident", "/external-task"] {
                let response = try await client.call(.get, path)
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json", "no charset suffix: \(path)")
            }
            let error = try await client.call(.get, "/process-instance/nope")
            #expect(error.headers[.contentType] == "application/json")
        }
    }

    @Test func unknownRouteIs404WithJSONErrorBody() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let response = try await client.call(.get, "/no-such-resource")
            #expect(response.status == .notFound)
            #expect(response.headers[.contentType] == "application/json")
            let body = try response.json()
            #expect(body.keys == ["type", "message", "code"])
            #expect(body["type"]?.stringValue?.isEmpty == false)
            let outside = try await client.execute(uri: "/elsewhere", method: .get)
            #expect(outside.status == .notFound)
            #expect(try outside.json()["type"] != nil)
        }
    }

    @Test func errorBodiesCarryTypeMessageAndCode() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let engineError = try await client.call(.get, "/external-task/nope").json()
            #expect(engineError.keys == ["type", "message", "code"])
            #expect(engineError["code"] == 0, "engine errors have code 0")
            let restError = try await client.call(.post, "/external-task/fetchAndLock", "{").json()
            #expect(restError.keys == ["type", "message", "code"])
            #expect(restError["code"] == .null, "REST-layer errors have code null")
        }
    }

    @Test func healthEndpoints() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            for path in ["/health", "/health/live", "/health/ready"] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status == .ok)
                #expect(try response.json()["status"] == "UP")
            }
        }
    }

    @Test func readinessReportsAnUnreachableStore() async throws {
        let engine = Engine(store: MemoryWorkflowStore(), clock: ManualClock())
        let app = Application(router: buildRouter(engine: engine, readiness: { false }))
        try await app.test(.router) { client in
            let response = try await client.execute(uri: "/health/ready", method: .get)
            #expect(response.status == .serviceUnavailable)
            #expect(try response.json()["status"] == "DOWN")
            #expect(try await client.execute(uri: "/health/live", method: .get).status == .ok)
        }
    }

    @Test func linksUseTheConfiguredBaseURL() async throws {
        let engine = Engine(store: MemoryWorkflowStore(), clock: ManualClock())
        _ = try await engine.deploy(name: "x", resources: [Engine.Resource(name: "a.bpmn", bytes: Array(Fixtures.twoSteps().utf8))])
        let app = Application(router: buildRouter(engine: engine, baseURL: "https://bpm.example.com/engine-rest"))
        try await app.test(.router) { client in
            let response = try await client.call(.post, "/process-definition/key/two_steps/start", "{}")
            let href = try #require(try response.json()["links"]?[0]?["href"]?.stringValue)
            #expect(href.hasPrefix("https://bpm.example.com/engine-rest/process-instance/"))
        }
    }

    @Test func getAndDeleteTolerateAJSONBody() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            // pycamunda sends {} on every GET and DELETE.
            let list = try await client.call(.get, "/process-definition", "{}")
            #expect(list.status == .ok)
            let id = try await client.start()
            #expect(try await client.call(.delete, "/process-instance/\(id)", "{}").status == .noContent)
        }
    }
}
