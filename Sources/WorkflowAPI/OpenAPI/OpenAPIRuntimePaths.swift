// SPDX-License-Identifier: Apache-2.0
import BPMN

/// Deployments, definitions, instances, variables, messages, incidents, tasks, engine and history operations.
enum OpenAPIRuntimePaths {
    typealias Op = OpenAPIOperation
    typealias P = OpenAPIPaths
    static let text = Schema.string, flag = Schema.boolean, list = Schema.string

    static var operations: [Op] { repository + instances + variables("process-instance", "variables")
        + variables("execution", "localVariables") + engine }

    static var repository: [Op] {
        let deploymentForm = Schema.object([
            "deployment-name": text, "enable-duplicate-filtering": text, "deploy-changed-only": text,
            "deployment-source": text, "tenant-id": text, "data": ["type": "string", "format": "binary"],
        ], strict: false)
        let definitionQuery: [String: ExpressionValue] = [
            "key": text, "keysIn": list, "keyLike": text, "processDefinitionId": text, "processDefinitionIdIn": list,
            "deploymentId": text, "deployedAfter": P.date, "deployedAt": P.date, "name": text, "nameLike": text,
            "category": text, "categoryLike": text, "version": Schema.int32, "versionTag": text, "versionTagLike": text,
            "withoutVersionTag": flag, "latestVersion": flag, "tenantIdIn": list, "withoutTenantId": flag,
            "includeProcessDefinitionsWithoutTenantId": flag, "resourceName": text, "resourceNameLike": text,
            "active": flag, "suspended": flag, "startableInTasklist": flag, "notStartableInTasklist": flag,
            "startableBy": text, "startablePermissionCheck": flag, "incidentId": text, "incidentType": text,
            "incidentMessage": text, "incidentMessageLike": text,
        ]
        let deploymentQuery: [String: ExpressionValue] = [
            "id": text, "name": text, "nameLike": text, "source": text, "withoutSource": flag, "tenantIdIn": list,
            "withoutTenantId": flag, "includeDeploymentsWithoutTenantId": flag, "after": P.date, "before": P.date,
        ]
        let deploymentSorting = Op.sorting(["id", "name", "deploymentTime", "tenantId"])
        var ops: [Op] = [
            Op(method: "post", path: "/deployment/create", id: "createDeployment", summary: "Deploy BPMN resources",
               body: .multipart(deploymentForm), success: P.one("DeploymentWithDefinitionsDto")),
            Op(method: "get", path: "/deployment", id: "getDeployments", summary: "Query deployments",
               query: deploymentQuery.merging(Op.pagination) { $1 }.merging(deploymentSorting) { $1 },
               success: P.array("DeploymentDto")),
            Op(method: "get", path: "/deployment/count", id: "getDeploymentsCount", summary: "Count deployments",
               query: deploymentQuery, success: P.count),
            Op(method: "get", path: "/deployment/{id}", id: "getDeployment", summary: "A deployment",
               success: P.one("DeploymentDto")),
            Op(method: "delete", path: "/deployment/{id}", id: "deleteDeployment", summary: "Delete a deployment",
               query: ["cascade": flag, "skipCustomListeners": flag, "skipIoMappings": flag], success: .noContent),
            Op(method: "get", path: "/deployment/{id}/resources", id: "getDeploymentResources",
               summary: "Resources of a deployment", success: P.array("DeploymentResourceDto")),
            Op(method: "get", path: "/deployment/{id}/resources/{resourceId}", id: "getDeploymentResource",
               summary: "One resource of a deployment", success: P.one("DeploymentResourceDto")),
            Op(method: "get", path: "/deployment/{id}/resources/{resourceId}/data", id: "getDeploymentResourceData",
               summary: "A resource's content", success: .binary),
            Op(method: "get", path: "/process-definition", id: "getProcessDefinitions", summary: "Query definitions",
               query: definitionQuery.merging(Op.pagination) { $1 }.merging(Op.sorting(
                   ["category", "key", "id", "name", "version", "deploymentId", "deployTime", "tenantId",
                    "versionTag"])) { $1 },
               success: P.array("ProcessDefinitionDto")),
            Op(method: "get", path: "/process-definition/count", id: "getProcessDefinitionsCount",
               summary: "Count definitions", query: definitionQuery, success: P.count),
        ]
        for (prefix, name) in [("/process-definition/{id}", "ById"), ("/process-definition/key/{key}", "ByKey"),
                               ("/process-definition/key/{key}/tenant-id/{tenantId}", "ByKeyAndTenantId")] {
            ops += [
                Op(method: "get", path: prefix, id: "getProcessDefinition\(name)", summary: "A definition",
                   success: P.one("ProcessDefinitionDto")),
                Op(method: "get", path: prefix + "/xml", id: "getProcessDefinitionBpmn20Xml\(name)",
                   summary: "A definition's BPMN XML", success: P.one("ProcessDefinitionDiagramDto")),
                Op(method: "post", path: prefix + "/start", id: "startProcessInstance\(name)",
                   summary: "Start an instance", body: P.body("StartProcessInstanceDto"),
                   success: P.one("ProcessInstanceWithVariablesDto")),
            ]
        }
        return ops
    }

    static var instances: [Op] {
        let query: [String: ExpressionValue] = [
            "processInstanceIds": list, "businessKey": text, "businessKeyLike": text, "processDefinitionId": text,
            "processDefinitionKey": text, "processDefinitionKeyIn": list, "processDefinitionKeyNotIn": list,
            "deploymentId": text, "caseInstanceId": text, "superProcessInstance": text, "subProcessInstance": text,
            "rootProcessInstances": flag, "leafProcessInstances": flag, "active": flag, "suspended": flag,
            "withIncident": flag, "incidentId": text, "incidentType": text, "incidentMessage": text,
            "incidentMessageLike": text, "tenantIdIn": list, "withoutTenantId": flag,
            "processDefinitionWithoutTenantId": flag, "activityIdIn": list, "variables": P.variableConditions,
            "variableNamesIgnoreCase": flag, "variableValuesIgnoreCase": flag,
        ]
        let sorting = Op.sorting(["instanceId", "definitionKey", "definitionId", "tenantId", "businessKey"])
        return [
            Op(method: "get", path: "/process-instance", id: "getProcessInstances", summary: "Query running instances",
               query: query.merging(Op.pagination) { $1 }.merging(sorting) { $1 }, success: P.array("ProcessInstanceDto")),
            Op(method: "post", path: "/process-instance", id: "queryProcessInstances", summary: "Query (body)",
               query: Op.pagination, body: P.body("ProcessInstanceQueryDto"),
               success: P.array("ProcessInstanceDto")),
            Op(method: "get", path: "/process-instance/count", id: "getProcessInstancesCount", summary: "Count",
               query: query, success: P.count),
            Op(method: "post", path: "/process-instance/count", id: "queryProcessInstancesCount",
               summary: "Count (body)", body: P.body("ProcessInstanceQueryDto"), success: P.count),
            Op(method: "get", path: "/process-instance/{id}", id: "getProcessInstance", summary: "A running instance",
               success: P.one("ProcessInstanceDto")),
            Op(method: "delete", path: "/process-instance/{id}", id: "deleteProcessInstance", summary: "Delete",
               query: ["failIfNotExists": flag, "skipCustomListeners": flag, "skipIoMappings": flag,
                       "skipSubprocesses": flag], success: .noContent),
            Op(method: "get", path: "/process-instance/{id}/activity-instances", id: "getActivityInstanceTree",
               summary: "The activity instance tree", success: P.one("ActivityInstanceDto")),
        ]
    }

    static func variables(_ resource: String, _ collection: String) -> [Op] {
        let base = "/\(resource)/{id}/\(collection)"
        let tag = resource == "execution" ? "Local\(collection.prefix(1).uppercased())\(collection.dropFirst())" : "Variables"
        let name = "\(resource == "execution" ? "Execution" : "ProcessInstance")\(tag)"
        let form = Schema.object(["data": ["type": "string", "format": "binary"], "valueType": text], strict: false)
        return [
            Op(method: "get", path: base, id: "get\(name)", summary: "Variables",
               query: ["deserializeValues": flag], success: .json(Schema.map(Schema.ref("VariableValueDto")))),
            Op(method: "post", path: base, id: "modify\(name)", summary: "Set and delete variables",
               body: P.body("PatchVariablesDto"), success: .noContent),
            Op(method: "get", path: base + "/{varName}", id: "get\(name)Entry", summary: "One variable",
               query: ["deserializeValue": flag], success: P.one("VariableValueDto")),
            Op(method: "put", path: base + "/{varName}", id: "set\(name)Entry", summary: "Set one variable",
               body: P.body("VariableValueDto"), success: .noContent),
            Op(method: "delete", path: base + "/{varName}", id: "delete\(name)Entry", summary: "Delete one variable",
               success: .noContent),
            Op(method: "get", path: base + "/{varName}/data", id: "get\(name)Binary",
               summary: "A Bytes or File variable's content", success: .binary),
            Op(method: "post", path: base + "/{varName}/data", id: "set\(name)Binary",
               summary: "Upload a Bytes or File variable", body: .multipart(form), success: .noContent),
        ]
    }

    static var engine: [Op] {
        let incidentQuery: [String: ExpressionValue] = [
            "incidentId": text, "incidentType": text, "incidentMessage": text, "incidentMessageLike": text,
            "processDefinitionId": text, "processDefinitionKeyIn": list, "processInstanceId": text, "executionId": text,
            "incidentTimestampBefore": P.date, "incidentTimestampAfter": P.date, "activityId": text,
            "failedActivityId": text, "causeIncidentId": text, "rootCauseIncidentId": text, "configuration": text,
            "tenantIdIn": list, "jobDefinitionIdIn": list,
        ]
        let incidentSorting = Op.sorting([
            "incidentId", "incidentMessage", "incidentTimestamp", "incidentType", "executionId", "activityId",
            "processInstanceId", "processDefinitionId", "causeIncidentId", "rootCauseIncidentId", "configuration",
            "tenantId",
        ])
        return [
            Op(method: "post", path: "/message", id: "deliverMessage", summary: "Correlate a message",
               body: P.body("CorrelationMessageDto", required: true),
               success: .jsonOrNoContent(Schema.array(Schema.ref("MessageCorrelationResultDto")))),
            Op(method: "get", path: "/incident", id: "getIncidents", summary: "Open incidents",
               query: incidentQuery.merging(Op.pagination) { $1 }.merging(incidentSorting) { $1 },
               success: P.array("IncidentDto")),
            Op(method: "get", path: "/incident/count", id: "getIncidentsCount", summary: "Count open incidents",
               query: incidentQuery, success: P.count),
            Op(method: "get", path: "/incident/{id}", id: "getIncident", summary: "An open incident",
               success: P.one("IncidentDto")),
            Op(method: "delete", path: "/incident/{id}", id: "resolveIncident",
               summary: "Resolve a custom incident (the engine's own kinds answer 400)", success: .noContent),
            Op(method: "get", path: "/task", id: "getTasks", summary: "Open user tasks",
               query: ["processInstanceId": text], success: P.array("TaskDto")),
            Op(method: "post", path: "/task/{id}/complete", id: "complete", summary: "Complete a user task",
               body: P.body("CompleteTaskDto"), success: .noContent),
            Op(method: "get", path: "/version", id: "getRestAPIVersion", summary: "The Camunda REST version served",
               success: P.one("VersionDto")),
            Op(method: "get", path: "/engine", id: "getProcessEngineNames", summary: "The engines",
               success: P.array("ProcessEngineDto")),
            Op(method: "get", path: "/openapi.json", id: "getOpenAPI", summary: "This document",
               success: .json(["type": "object"])),
        ]
    }
}
