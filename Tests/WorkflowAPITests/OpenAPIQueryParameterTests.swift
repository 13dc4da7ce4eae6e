// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Workflow
@testable import WorkflowAPI

/// The served OpenAPI document lists every query parameter the list endpoints honour, with its schema, and a
/// `400` answer for bad ones (the schemathesis run checks the live server against it).
struct OpenAPIQueryParameterTests {
    /// The document as `/engine-rest/openapi.json` serves it.
    static func document() async throws -> ExpressionValue {
        let harness = try await APIHarness(resources: [:])
        try await harness.run { client in
            let response = try await client.call(.get, "/openapi.json")
            #expect(response.status == .ok)
            #expect(Array(response.body.readableBytesView) == Array(OpenAPIDocument.json.readableBytesView))
        }
        return try ExpressionValue.parseJSON(Array(OpenAPIDocument.json.readableBytesView))
    }

    /// name -> schema of an operation's query parameters.
    static func parameters(_ document: ExpressionValue, _ path: String, _ method: String = "get") -> [String: ExpressionValue] {
        var result: [String: ExpressionValue] = [:]
        for parameter in document["paths"]?[path]?[method]?["parameters"]?.arrayValue ?? []
        where parameter["in"] == "query" {
            if let name = parameter["name"]?.stringValue { result[name] = parameter["schema"] }
        }
        return result
    }

    static let text: ExpressionValue = ["type": "string"]
    static let flag: ExpressionValue = ["type": "boolean"]

    static func sortValues(_ parameters: [String: ExpressionValue]) -> Set<String> {
        Set(parameters["sortBy"]?["enum"]?.arrayValue?.compactMap(\.stringValue) ?? [])
    }

    @Test func newParametersAreDocumented() async throws {
        let document = try await Self.document()
        let expected: [String: [String: ExpressionValue]] = [
            "/external-task": ["processDefinitionName": Self.text, "processDefinitionNameLike": Self.text,
                               "variableNamesIgnoreCase": Self.flag, "variableValuesIgnoreCase": Self.flag],
            "/process-definition": ["processDefinitionIdIn": Self.text, "category": Self.text, "categoryLike": Self.text,
                                    "withoutVersionTag": Self.flag, "notStartableInTasklist": Self.flag,
                                    "startableInTasklist": Self.flag, "incidentType": Self.text],
            "/incident": ["processDefinitionKeyIn": Self.text, "failedActivityId": Self.text, "executionId": Self.text,
                          "incidentMessageLike": Self.text, "causeIncidentId": Self.text, "tenantIdIn": Self.text],
            "/deployment": ["nameLike": Self.text, "withoutSource": Self.flag, "tenantIdIn": Self.text,
                            "withoutTenantId": Self.flag, "includeDeploymentsWithoutTenantId": Self.flag],
            "/process-instance": ["activityIdIn": Self.text, "deploymentId": Self.text, "incidentType": Self.text,
                                  "incidentId": Self.text, "leafProcessInstances": Self.flag,
                                  "subProcessInstance": Self.text, "variableNamesIgnoreCase": Self.flag],
            "/history/process-instance": ["processInstanceBusinessKeyIn": Self.text, "withIncidents": Self.flag,
                                          "tenantIdIn": Self.text, "withoutTenantId": Self.flag,
                                          "processDefinitionKeyNotIn": Self.text, "suspended": Self.flag],
        ]
        for (path, names) in expected {
            let documented = Self.parameters(document, path)
            let count = Self.parameters(document, path + "/count")
            for (name, schema) in names {
                #expect(documented[name] == schema, "\(path) \(name)")
                #expect(count[name] == schema, "\(path)/count \(name)")
            }
        }
        let date = Schema.date
        #expect(Self.parameters(document, "/process-definition")["deployedAfter"] == date)
        #expect(Self.parameters(document, "/process-definition")["deployedAt"] == date)
        #expect(Self.parameters(document, "/deployment")["after"] == date)
        #expect(Self.parameters(document, "/deployment")["before"] == date)
        #expect(Self.parameters(document, "/incident")["incidentTimestampAfter"] == date)
        for path in ["/external-task", "/external-task/count"] {
            #expect(Self.parameters(document, path)["processVariables"]?["type"] == "string")
        }
        for path in ["/process-instance", "/history/process-instance"] {
            #expect(Self.parameters(document, path)["variables"]?["pattern"] != nil, "\(path) name_op_value")
        }
        for path in ["/incident"] {
            #expect(Self.parameters(document, path)["firstResult"] != nil && Self.parameters(document, path)["maxResults"] != nil)
        }
    }

    @Test func sortByValuesAreDocumented() async throws {
        let document = try await Self.document()
        let expected: [String: Set<String>] = [
            "/process-definition": ["category", "key", "id", "name", "version", "deploymentId", "deployTime", "tenantId",
                                    "versionTag"],
            "/deployment": ["id", "name", "deploymentTime", "tenantId"],
            "/incident": ["incidentId", "incidentMessage", "incidentTimestamp", "incidentType", "executionId",
                          "activityId", "processInstanceId", "processDefinitionId", "causeIncidentId",
                          "rootCauseIncidentId", "configuration", "tenantId"],
            "/history/activity-instance": ["activityInstanceId", "instanceId", "executionId", "activityId",
                                           "activityName", "activityType", "startTime", "endTime", "duration",
                                           "definitionId", "occurrence", "tenantId"],
            "/history/variable-instance": ["instanceId", "variableName", "tenantId"],
            "/history/incident": ["incidentId", "incidentMessage", "createTime", "endTime", "incidentType", "executionId",
                                  "activityId", "processInstanceId", "processDefinitionId", "processDefinitionKey",
                                  "causeIncidentId", "rootCauseIncidentId", "configuration", "historyConfiguration",
                                  "tenantId", "incidentState"],
        ]
        for (path, values) in expected {
            let parameters = Self.parameters(document, path)
            #expect(Self.sortValues(parameters) == values, "\(path)")
            #expect(parameters["sortOrder"]?["enum"] == ["asc", "desc"], "\(path)")
        }
    }

    @Test func badParametersAreADocumentedAnswer() async throws {
        let document = try await Self.document()
        for path in ["/external-task", "/process-definition", "/incident", "/deployment", "/process-instance",
                     "/history/process-instance", "/history/activity-instance", "/history/variable-instance",
                     "/history/incident"] {
            let responses = document["paths"]?[path]?["get"]?["responses"]
            #expect(responses?["400"]?["content"]?["application/json"]?["schema"] == Schema.ref("ExceptionDto"), "\(path)")
        }
        for (path, schema) in [("/process-instance", "ProcessInstanceQueryDto"), ("/external-task", "ExternalTaskQueryDto"),
                               ("/history/process-instance", "HistoricProcessInstanceQueryDto")] {
            let body = document["paths"]?[path]?["post"]?["requestBody"]?["content"]?["application/json"]?["schema"]
            #expect(body == Schema.ref(schema), "\(path)")
            #expect(document["components"]?["schemas"]?[schema] != nil)
        }
        #expect(document["components"]?["schemas"]?["VariableQueryParameterDto"]?["properties"]?["operator"]?["enum"]
                == ["eq", "neq", "gt", "gteq", "lt", "lteq", "like"])
    }
}
