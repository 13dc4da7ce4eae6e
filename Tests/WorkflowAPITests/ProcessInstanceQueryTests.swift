// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Workflow
@testable import WorkflowAPI

/// `GET|POST /process-instance` (+ count): activity, deployment, incident, call-activity and variable filters.
struct ProcessInstanceQueryTests {
    /// `caller` calls two_steps from its call activity `Call`.
    static let caller = """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" \
        xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Defs_caller" targetNamespace="http://example.com">
          <bpmn:process id="caller" isExecutable="true">
            <bpmn:startEvent id="Start" />
            <bpmn:callActivity id="Call" calledElement="two_steps" />
            <bpmn:endEvent id="End" />
            <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Call" />
            <bpmn:sequenceFlow id="F2" sourceRef="Call" targetRef="End" />
          </bpmn:process>
        </bpmn:definitions>
        """

    static func ids(_ client: any TestClientProtocol, _ query: String, _ body: String? = nil) async throws -> [String] {
        let response = try await client.call(body == nil ? .get : .post, "/process-instance" + query, body)
        #expect(response.status == .ok, "\(query) \(body ?? "")")
        return try response.json().arrayValue?.compactMap { $0["id"]?.stringValue }.sorted() ?? []
    }

    @Test func activityDeploymentAndIncidentFilters() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let atA = try await client.start()
            let atB = try await client.start()
            let task = try #require(try await client.call(.get, "/external-task?processInstanceId=\(atB)").json()[0]?["id"]?.stringValue)
            _ = try await client.fetch("topic.a")
            #expect(try await client.call(.post, "/external-task/\(task)/complete", #"{"workerId":"w1"}"#).status == .noContent)
            let failing = try #require(try await client.fetch("topic.b").first?["id"]?.stringValue)
            let failure = #"{"workerId":"w1","errorMessage":"disk full","retries":0}"#
            #expect(try await client.call(.post, "/external-task/\(failing)/failure", failure).status == .noContent)

            #expect(try await Self.ids(client, "?activityIdIn=StepA") == [atA])
            #expect(try await Self.ids(client, "?activityIdIn=StepB,Other") == [atB])
            #expect(try await Self.ids(client, "?activityIdIn=Start") == [])
            let deployment = try #require(try await client.call(.get, "/deployment").json()[0]?["id"]?.stringValue)
            #expect(try await Self.ids(client, "?deploymentId=\(deployment)") == [atA, atB].sorted())
            #expect(try await Self.ids(client, "?deploymentId=nope") == [])
            #expect(try await Self.ids(client, "?incidentType=failedExternalTask") == [atB])
            #expect(try await Self.ids(client, "?incidentType=failedJob") == [])
            #expect(try await Self.ids(client, "?incidentMessage=disk%20full") == [atB])
            #expect(try await Self.ids(client, "?incidentMessageLike=disk%25") == [atB])
            let incident = try #require(try await client.call(.get, "/incident").json()[0]?["id"]?.stringValue)
            #expect(try await Self.ids(client, "?incidentId=\(incident)") == [atB])
            #expect(try await Self.ids(client, "?incidentId=nope") == [])
            #expect(try await client.call(.get, "/process-instance/count?activityIdIn=StepA").json() == .object(["count": 1]))
            #expect(try await Self.ids(client, "", #"{"activityIdIn":["StepB"],"incidentType":"failedExternalTask"}"#) == [atB])
        }
    }

    @Test func rootLeafSuperAndSubInstances() async throws {
        let harness = try await APIHarness(resources: ["two-steps.bpmn": Fixtures.twoSteps(), "caller.bpmn": Self.caller])
        try await harness.run { client in
            let parent = try await client.start("caller")
            let alone = try await client.start()
            let child = try #require(try await client.call(.get, "/process-instance?superProcessInstance=\(parent)").json()[0]?["id"]?.stringValue)
            #expect(try await Self.ids(client, "?subProcessInstance=\(child)") == [parent])
            #expect(try await Self.ids(client, "?subProcessInstance=nope") == [])
            #expect(try await Self.ids(client, "?leafProcessInstances=true") == [alone, child].sorted())
            #expect(try await Self.ids(client, "?rootProcessInstances=true") == [alone, parent].sorted())
            #expect(try await Self.ids(client, "?rootProcessInstances=true&leafProcessInstances=true") == [alone])
            #expect(try await Self.ids(client, "", #"{"subProcessInstance":"\#(child)"}"#) == [parent])
        }
    }

    @Test func variablesIgnoringCase() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let upper = try await client.start("two_steps", #"{"variables":{"Customer":{"value":"ACME"}}}"#)
            let lower = try await client.start("two_steps", #"{"variables":{"customer":{"value":"acme"}}}"#)
            #expect(try await Self.ids(client, "?variables=customer_eq_acme") == [lower])
            #expect(try await Self.ids(client, "?variables=customer_eq_acme&variableNamesIgnoreCase=true&variableValuesIgnoreCase=true")
                    == [upper, lower].sorted())
            #expect(try await Self.ids(client, "?variables=customer_eq_ACME&variableValuesIgnoreCase=true") == [lower])
            #expect(try await Self.ids(client, "?variables=customer_like_AC%25&variableNamesIgnoreCase=true") == [upper])
        }
    }

    @Test func jsonVariablesCompareByValue() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let six = try await client.start("two_steps", #"{"variables":{"i":{"value":6,"type":"Integer"},"ok":{"value":true}}}"#)
            let long = try await client.start("two_steps", #"{"variables":{"i":{"value":6,"type":"Long"},"ok":{"value":false}}}"#)
            let text = try await client.start("two_steps", #"{"variables":{"i":{"value":"6"},"when":{"value":"2026-03-01T10:00:00.000+0000","type":"Date"}}}"#)
            func body(_ conditions: String) -> String { #"{"variables":[\#(conditions)]}"# }
            #expect(try await Self.ids(client, "", body(#"{"name":"i","operator":"eq","value":6}"#)) == [six, long].sorted())
            #expect(try await Self.ids(client, "", body(#"{"name":"i","operator":"eq","value":6.0}"#)) == [six, long].sorted())
            #expect(try await Self.ids(client, "", body(#"{"name":"i","operator":"eq","value":"6"}"#)) == [text])
            #expect(try await Self.ids(client, "", body(#"{"name":"i","operator":"lt","value":7}"#)) == [six, long].sorted())
            #expect(try await Self.ids(client, "", body(#"{"name":"i","operator":"neq","value":6}"#)) == [])
            #expect(try await Self.ids(client, "", body(#"{"name":"ok","operator":"eq","value":true}"#)) == [six])
            #expect(try await Self.ids(client, "", body(#"{"name":"ok","operator":"neq","value":true}"#)) == [long])
            #expect(try await Self.ids(client, "", body(#"{"name":"when","operator":"gt","value":"2026-02-01T00:00:00.000+0000"}"#)) == [text])
            #expect(try await Self.ids(client, "", body(#"{"name":"i","operator":"gteq","value":6},{"name":"ok","operator":"eq","value":false}"#)) == [long])
            #expect(try await client.call(.post, "/process-instance/count", body(#"{"name":"i","operator":"eq","value":6}"#)).json()
                    == .object(["count": 2]))
            #expect(try await Self.ids(client, "?variables=i_eq_6") == [six, long, text].sorted(), "URL values compare as text")
            for bad in [#"{"name":"i","operator":"gt","value":null}"#, #"{"name":"i","operator":"eq","value":[6]}"#,
                        #"{"name":"i","operator":"near","value":6}"#, #"{"operator":"eq","value":6}"#] {
                try await client.call(.post, "/process-instance", body(bad)).expectError(.badRequest, type: "InvalidRequestException")
            }
        }
    }
}
