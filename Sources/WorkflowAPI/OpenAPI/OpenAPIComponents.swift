// SPDX-License-Identifier: Apache-2.0
import BPMN

/// The DTOs of the document, as the API writes and reads them.
enum OpenAPIComponents {
    private typealias S = Schema
    private static let text = S.nullable(S.string)
    private static let date = S.nullable(S.date)
    private static let variables = S.map(S.ref("VariableValueDto"))
    private static let links = S.array(S.ref("LinkDto"))

    static var schemas: ExpressionValue {
        var all: [String: ExpressionValue] = [
            "ExceptionDto": S.object(["type": S.string, "message": text, "code": S.nullable(S.int32)], strict: false),
            "CountResultDto": S.object(["count": S.int64]),
            "LinkDto": S.object(["method": S.string, "href": S.string, "rel": S.string]),
            "VariableValueDto": S.object(
                ["value": S.any, "type": text, "valueInfo": S.nullable(S.map(S.any))], strict: false),
            "VersionDto": S.object(["version": S.string]),
            "ProcessEngineDto": S.object(["name": S.string]),
            "HealthDto": S.object(["status": S.enumeration(["UP", "DOWN"])]),
            "BatchDto": S.object([
                "id": S.string, "type": S.string, "totalJobs": S.int32, "jobsCreated": S.int32,
                "batchJobsPerSeed": S.int32, "invocationsPerBatchJob": S.int32, "seedJobDefinitionId": text,
                "monitorJobDefinitionId": text, "batchJobDefinitionId": text, "suspended": S.boolean, "tenantId": text,
                "createUserId": text, "startTime": date, "executionStartTime": date,
            ]),
        ]
        all.merge(externalTasks) { $1 }
        all.merge(repository) { $1 }
        all.merge(runtime) { $1 }
        all.merge(OpenAPIHistoryComponents.schemas) { $1 }
        all.merge(OpenAPIPlatformPaths.schemas) { $1 }
        all.merge(OpenAPIQueryComponents.schemas) { $1 }
        return .object(all)
    }

    private static var externalTaskFields: [String: ExpressionValue] {
        [
            "activityId": S.string, "activityInstanceId": S.string, "errorMessage": text, "executionId": S.string,
            "id": S.string, "lockExpirationTime": date, "createTime": date, "processDefinitionId": S.string,
            "processDefinitionKey": S.string, "processDefinitionVersionTag": text, "processInstanceId": S.string,
            "tenantId": text, "retries": S.nullable(S.int32), "suspended": S.boolean, "workerId": text,
            "topicName": S.string, "priority": S.int64, "businessKey": text,
        ]
    }

    private static var externalTasks: [String: ExpressionValue] {
        var locked = externalTaskFields
        locked["errorDetails"] = text
        locked["variables"] = variables
        locked["extensionProperties"] = S.map(S.string)
        let topic = S.object([
            "topicName": S.string, "lockDuration": S.int64, "variables": S.nullable(S.array(S.string)),
            "localVariables": S.boolean, "deserializeValues": S.boolean, "includeExtensionProperties": S.boolean,
            "businessKey": text, "processDefinitionId": text, "processDefinitionIdIn": S.nullable(S.array(S.string)),
            "processDefinitionKey": text, "processDefinitionKeyIn": S.nullable(S.array(S.string)),
            "processDefinitionVersionTag": text, "tenantIdIn": S.nullable(S.array(S.string)),
            "withoutTenantId": S.boolean, "processVariables": S.nullable(S.map(S.any)),
        ], strict: false)
        return [
            "ExternalTaskDto": S.object(externalTaskFields),
            "LockedExternalTaskDto": S.object(locked),
            "FetchExternalTaskTopicDto": topic,
            "FetchExternalTasksDto": S.object([
                "workerId": S.string, "maxTasks": S.int32, "usePriority": S.boolean,
                "asyncResponseTimeout": S.nullable(["type": "integer", "format": "int64", "minimum": 0, "maximum": 1_800_000]),
                "topics": S.nullable(S.array(S.ref("FetchExternalTaskTopicDto"))),
                "sorting": S.nullable(S.array(S.object(["sortBy": S.string, "sortOrder": S.string], strict: false))),
                "workerPool": S.nullable(S.string),
            ], strict: false),
            "CompleteExternalTaskDto": S.object(
                ["workerId": S.string, "variables": S.nullable(variables), "localVariables": S.nullable(variables)],
                strict: false),
            "ExternalTaskFailureDto": S.object([
                "workerId": S.string, "errorMessage": text, "errorDetails": text, "retries": S.nullable(S.int32),
                "retryTimeout": S.nullable(S.int64), "variables": S.nullable(variables),
                "localVariables": S.nullable(variables),
            ], strict: false),
            "ExternalTaskBpmnError": S.object([
                "workerId": S.string, "errorCode": S.string, "errorMessage": text, "variables": S.nullable(variables),
            ], strict: false),
            "ExtendLockOnExternalTaskDto": S.object(["workerId": S.string, "newDuration": S.int64], strict: false),
            "LockExternalTaskDto": S.object(["workerId": S.string, "lockDuration": S.int64], strict: false),
            "RetriesDto": S.object(["retries": S.nullable(S.int32)], strict: false),
            "PriorityDto": S.object(["priority": S.nullable(S.int64)], strict: false),
            "SetRetriesForExternalTasksDto": S.object([
                "retries": S.nullable(S.int32), "externalTaskIds": S.nullable(S.array(S.string)),
                "processInstanceIds": S.nullable(S.array(S.string)),
                "externalTaskQuery": S.nullable(S.map(S.any)), "processInstanceQuery": S.nullable(S.map(S.any)),
                "historicProcessInstanceQuery": S.nullable(S.map(S.any)),
            ], strict: false),
        ]
    }

    private static var repository: [String: ExpressionValue] {
        let definition: [String: ExpressionValue] = [
            "id": S.string, "key": S.string, "category": text, "description": text, "name": text,
            "version": S.int32, "resource": S.string, "deploymentId": S.string, "diagram": text,
            "suspended": S.boolean, "tenantId": text, "versionTag": text,
            "historyTimeToLive": S.nullable(S.int32), "startableInTasklist": S.boolean,
        ]
        let deployment: [String: ExpressionValue] = [
            "links": links, "id": S.string, "name": text, "source": text, "deploymentTime": S.date, "tenantId": text,
        ]
        var withDefinitions = deployment
        withDefinitions["deployedProcessDefinitions"] = S.nullable(S.map(S.ref("ProcessDefinitionDto")))
        for kind in ["deployedCaseDefinitions", "deployedDecisionDefinitions", "deployedDecisionRequirementsDefinitions"] {
            withDefinitions[kind] = S.nullable(S.map(S.any))
        }
        return [
            "ProcessDefinitionDto": S.object(definition),
            "ProcessDefinitionDiagramDto": S.object(["id": S.string, "bpmn20Xml": S.string]),
            "DeploymentDto": S.object(deployment),
            "DeploymentWithDefinitionsDto": S.object(withDefinitions),
            "DeploymentResourceDto": S.object(["id": S.string, "name": S.string, "deploymentId": S.string]),
            "StartProcessInstanceDto": S.object([
                "variables": S.nullable(variables), "businessKey": text, "withVariablesInReturn": S.nullable(S.boolean),
                "startInstructions": S.nullable(S.array(S.object([
                    "type": S.enumeration(["startBeforeActivity", "startAfterActivity", "startTransition"]),
                    "activityId": text, "transitionId": text, "variables": S.nullable(variables),
                ], strict: false))),
            ], strict: false),
        ]
    }

    private static var runtime: [String: ExpressionValue] {
        let instance: [String: ExpressionValue] = [
            "links": links, "id": S.string, "definitionId": S.string, "definitionKey": S.string, "businessKey": text,
            "caseInstanceId": text, "ended": S.boolean, "suspended": S.boolean, "tenantId": text,
        ]
        var withVariables = S.object(instance)
        if case .object(var fields) = withVariables, case .object(var properties)? = fields["properties"] {
            properties["variables"] = variables
            fields["properties"] = .object(properties)
            withVariables = .object(fields)
        }
        let activity: [String: ExpressionValue] = [
            "id": S.string, "parentActivityInstanceId": text, "activityId": S.string, "activityType": S.string,
            "processInstanceId": S.string, "processDefinitionId": S.string,
            "childActivityInstances": S.array(S.ref("ActivityInstanceDto")), "childTransitionInstances": S.array(S.any),
            "executionIds": S.array(S.string), "activityName": text, "name": text, "incidentIds": S.array(S.string),
            "incidents": S.array(S.object(["id": S.string, "activityId": S.string])),
        ]
        return [
            "ProcessInstanceDto": S.object(instance),
            "ProcessInstanceWithVariablesDto": withVariables,
            "ActivityInstanceDto": S.object(activity),
            "PatchVariablesDto": S.object(
                ["modifications": S.nullable(variables), "deletions": S.nullable(S.array(S.string))], strict: false),
            "CorrelationMessageDto": S.object([
                "messageName": S.string, "businessKey": text, "processInstanceId": text, "tenantId": text,
                "withoutTenantId": S.boolean, "correlationKeys": S.nullable(variables),
                "localCorrelationKeys": S.nullable(variables), "processVariables": S.nullable(variables),
                "processVariablesLocal": S.nullable(variables), "processVariablesToTriggeredScope": S.nullable(variables),
                "all": S.boolean, "resultEnabled": S.boolean,
                "variablesInResultEnabled": S.boolean,
            ], strict: false),
            "MessageCorrelationResultDto": [
                "type": "object", "required": ["resultType", "execution", "processInstance"],
                "properties": [
                    "resultType": S.enumeration(["Execution", "ProcessDefinition"]),
                    "execution": S.nullable(S.object(
                        ["id": S.string, "processInstanceId": S.string, "ended": S.boolean, "tenantId": text])),
                    "processInstance": S.nullable(S.ref("ProcessInstanceDto")),
                    "variables": variables,
                ],
            ],
            "IncidentDto": S.object([
                "id": S.string, "processDefinitionId": S.string, "processInstanceId": S.string,
                "executionId": S.string, "incidentTimestamp": S.date, "incidentType": S.string, "activityId": S.string,
                "failedActivityId": S.string, "causeIncidentId": S.string, "rootCauseIncidentId": S.string,
                "configuration": text, "incidentMessage": text, "tenantId": text, "jobDefinitionId": text,
                "annotation": text,
            ]),
            "TaskDto": S.object([
                "id": S.string, "name": text, "taskDefinitionKey": S.string, "processInstanceId": S.string,
                "executionId": S.string, "processDefinitionId": S.string, "created": S.date, "assignee": text,
                "owner": text, "tenantId": text, "suspended": S.boolean,
            ]),
            "CompleteTaskDto": S.object(["variables": S.nullable(variables)], strict: false),
        ]
    }
}
