// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Workflow
@testable import WorkflowAPI

struct DeploymentAPITests {
    @Test func deployAnswersDeploymentWithDefinitions() async throws {
        let harness = try await APIHarness(resources: [:])
        try await harness.run { client in
            var form = MultipartBody()
            form.field("deployment-name", "orders")
            form.field("deployment-source", "tests")
            form.file("data", fileName: "two-steps.bpmn", Fixtures.twoSteps())
            let response = try await client.deploy(form)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            let body = try response.json()
            #expect(body.keys == ["links", "id", "name", "source", "deploymentTime", "tenantId", "deployedProcessDefinitions",
                                  "deployedCaseDefinitions", "deployedDecisionDefinitions",
                                  "deployedDecisionRequirementsDefinitions"])
            let id = try #require(body["id"]?.stringValue)
            #expect(body["name"] == "orders" && body["source"] == "tests" && body["tenantId"] == .null)
            #expect(body["deploymentTime"] == .string(Fixtures.startDate))
            #expect(body["links"]?[0]?["href"]?.stringValue?.hasSuffix("/deployment/\(id)") == true)
            #expect(body["links"]?[0]?["rel"] == "self" && body["links"]?[0]?["method"] == "GET")
            for key in ["deployedCaseDefinitions", "deployedDecisionDefinitions", "deployedDecisionRequirementsDefinitions"] {
                #expect(body[key] == .null)
            }
            let definitions = try #require(body["deployedProcessDefinitions"]?.objectValue)
            #expect(definitions.count == 1)
            let (definitionID, definition) = try #require(definitions.first)
            #expect(definition["id"] == .string(definitionID), "keyed by definition id")
            #expect(definition["key"] == "two_steps" && definition["version"] == 1)
            #expect(definition["deploymentId"] == .string(id) && definition["resource"] == "two-steps.bpmn")

            let fetched = try await client.call(.get, "/deployment/\(id)")
            #expect(fetched.status == .ok)
            #expect(try fetched.json()["name"] == "orders")
            #expect(try await client.call(.get, "/deployment").json().arrayValue?.count == 1)
            #expect(try await client.call(.get, "/deployment/count").json() == .object(["count": .int(1)]))
            #expect(try await client.call(.get, "/process-definition/key/two_steps").status == .ok)
        }
    }

    @Test func partWithoutFileNameUsesTheFieldName() async throws {
        let harness = try await APIHarness(resources: [:])
        try await harness.run { client in
            var form = MultipartBody()
            form.field("deployment-name", "pycamunda")
            form.file("resource-0", fileName: nil, Fixtures.twoSteps())
            let response = try await client.deploy(form)
            #expect(response.status == .ok)
            let definitions = try #require(try response.json()["deployedProcessDefinitions"]?.objectValue)
            #expect(definitions.count == 1)
            #expect(definitions.first?.value["resource"] == "resource-0", "recognised as BPMN by its content")
        }
    }

    @Test func malformedXMLIsAParseExceptionWithDetails() async throws {
        let harness = try await APIHarness(resources: [:])
        try await harness.run { client in
            let xml = "<?xml version=\"1.0\"?>\n<bpmn:definitions xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\">\n"
                + "<bpmn:process id=\"p\">\n</bpmn:definitions>\n"
            let response = try await client.deploy(name: "bad", file: "bad.bpmn", xml)
            try response.expectError(.badRequest, type: "ParseException")
            let resource = try #require(try response.json()["details"]?["bad.bpmn"])
            #expect(resource["warnings"] == .array([]))
            let error = try #require(resource["errors"]?[0])
            #expect(error.keys == ["message", "line", "column", "mainElementId", "elementIds"])
            #expect((error["line"]?.intValue ?? 0) > 0, "errors carry line numbers")
            #expect(try await client.call(.get, "/deployment").json() == .array([]), "nothing was deployed")
        }
    }

    @Test func unsupportedElementIsNamed() async throws {
        let harness = try await APIHarness(resources: [:])
        try await harness.run { client in
            let xml = Fixtures.twoSteps()
                .replacingOccurrences(of: "<bpmn:serviceTask id=\"StepB\"", with: "<bpmn:scriptTask id=\"StepB\"")
                .replacingOccurrences(of: "</bpmn:serviceTask>\n    <bpmn:endEvent", with: "</bpmn:scriptTask>\n    <bpmn:endEvent")
            #expect(xml.contains("</bpmn:scriptTask>"))
            let response = try await client.deploy(name: "script", xml)
            let message = try response.expectError(.badRequest, type: "ParseException")
            #expect(message.contains("scriptTask"))
            let errors = try #require(try response.json()["details"]?["two-steps.bpmn"]?["errors"]?.arrayValue)
            let scriptError = try #require(errors.first { $0["mainElementId"] == "StepB" })
            #expect(scriptError["message"]?.stringValue?.contains("scriptTask") == true)
            #expect(scriptError["elementIds"] == .array(["StepB"]))
            #expect(scriptError["line"]?.intValue != nil)
        }
    }

    @Test func requestsWithoutResourcesOrMultipartAreRejected() async throws {
        let harness = try await APIHarness(resources: [:])
        try await harness.run { client in
            var form = MultipartBody()
            form.field("deployment-name", "empty")
            let empty = try await client.deploy(form)
            #expect(try empty.expectError(.badRequest, type: "InvalidRequestException")
                == "No deployment resources contained in the form upload.")
            let json = try await client.call(.post, "/deployment/create", "{}")
            try json.expectError(.badRequest, type: "InvalidRequestException")
        }
    }

    @Test func duplicateFilteringReturnsThePreviousDeployment() async throws {
        let harness = try await APIHarness(resources: [:])
        try await harness.run { client in
            let first = try await client.deploy(name: "dup", Fixtures.twoSteps(), duplicateFiltering: true).json()
            let second = try await client.deploy(name: "dup", Fixtures.twoSteps(), duplicateFiltering: true)
            #expect(second.status == .ok)
            let body = try second.json()
            #expect(body["id"] == first["id"])
            #expect(body["deployedProcessDefinitions"] == .null)
            #expect(body.keys.contains("deployedCaseDefinitions"))
            #expect(try await client.call(.get, "/process-definition/count?key=two_steps").json()["count"] == 1)

            let changed = try await client.deploy(name: "dup", Fixtures.twoSteps(name: "Renamed"), duplicateFiltering: true)
            let definition = try #require(try changed.json()["deployedProcessDefinitions"]?.objectValue?.first?.value)
            #expect(definition["version"] == 2 && definition["name"] == "Renamed")
            let latest = try await client.call(.get, "/process-definition/key/two_steps").json()
            #expect(latest["version"] == 2)
            #expect(try await client.call(.get, "/deployment").json().arrayValue?.count == 2)
        }
    }

    @Test func unknownDeploymentIs404() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let response = try await client.call(.get, "/deployment/nope")
            #expect(try response.expectError(.notFound, type: "InvalidRequestException")
                == "Deployment with id 'nope' does not exist")
            try await client.call(.delete, "/deployment/nope").expectError(.notFound, type: "InvalidRequestException")
        }
    }

    @Test func deleteWithRunningInstancesNeedsCascade() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let instanceID = try await client.start()
            let id = try #require(try await client.call(.get, "/deployment").json()[0]?["id"]?.stringValue)
            let refused = try await client.call(.delete, "/deployment/\(id)")
            #expect(refused.status.code >= 400)
            #expect(try await client.call(.get, "/process-instance/\(instanceID)").status == .ok)
            #expect(try await client.call(.delete, "/deployment/\(id)?cascade=true").status == .noContent)
            #expect(try await client.call(.get, "/process-instance/\(instanceID)").status == .notFound)
            #expect(try await client.call(.get, "/deployment").json() == .array([]))
            #expect(try await client.call(.get, "/process-definition/key/two_steps").status == .notFound)
        }
    }
}
