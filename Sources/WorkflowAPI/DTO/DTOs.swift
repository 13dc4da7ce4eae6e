// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Workflow

/// Camunda's response shapes. Every key is present; absent values are `null`.
enum DTO {
    static func string(_ text: String?) -> ExpressionValue { text.map { .string($0) } ?? .null }
    static func date(_ date: Date?) -> ExpressionValue { date.map { .string(CamundaDate.format($0)) } ?? .null }
    static func int(_ number: Int?) -> ExpressionValue { number.map { .int(Int64($0)) } ?? .null }

    static func link(_ base: String, _ path: String) -> ExpressionValue {
        .array([.object(["method": .string("GET"), "href": .string(base + path), "rel": .string("self")])])
    }

    static func processDefinition(_ process: DeployedProcess) -> ExpressionValue {
        .object([
            "id": .string(process.id), "key": .string(process.key), "category": string(process.category),
            "description": .null, "name": string(process.name), "version": .int(Int64(process.version)),
            "resource": .string(process.resourceName), "deploymentId": .string(process.deploymentID),
            "diagram": .null, "suspended": .bool(false), "tenantId": string(process.tenantID),
            "versionTag": string(process.versionTag),
            "historyTimeToLive": int(process.definition.historyTimeToLive),
            "startableInTasklist": .bool(process.definition.isStartableInTasklist),
        ])
    }

    /// A DeploymentDto; only the answer to a create carries a `self` link.
    static func deployment(_ deployment: Deployment, links: ExpressionValue) -> [String: ExpressionValue] {
        [
            "links": links, "id": .string(deployment.id),
            "name": string(deployment.name), "source": string(deployment.source),
            "deploymentTime": date(deployment.deploymentTime), "tenantId": string(deployment.tenantID),
        ]
    }

    static func processInstance(
        _ instance: ProcessInstance, tenantID: String?, links: ExpressionValue = .array([])
    ) -> [String: ExpressionValue] {
        [
            "links": links, "id": .string(instance.id), "definitionId": .string(instance.definitionID),
            "definitionKey": .string(instance.definitionKey), "businessKey": string(instance.businessKey),
            "caseInstanceId": .null, "ended": .bool(instance.isEnded), "suspended": .bool(false),
            "tenantId": string(tenantID),
        ]
    }

    static func externalTask(_ task: ExternalTask) -> [String: ExpressionValue] {
        [
            "activityId": .string(task.activityID), "activityInstanceId": .string(task.activityInstanceID),
            "errorMessage": string(task.errorMessage), "executionId": .string(task.executionID),
            "id": .string(task.id), "lockExpirationTime": date(task.lockExpirationTime),
            "createTime": date(task.createTime), "processDefinitionId": .string(task.processDefinitionID),
            "processDefinitionKey": .string(task.processDefinitionKey),
            "processDefinitionVersionTag": string(task.processDefinitionVersionTag),
            "processInstanceId": .string(task.processInstanceID), "tenantId": string(task.tenantID),
            "retries": int(task.retries), "suspended": .bool(task.suspended), "workerId": string(task.workerID),
            "topicName": .string(task.topicName), "priority": .int(task.priority),
            "businessKey": string(task.businessKey),
        ]
    }

    static func incident(_ incident: Incident, tenantID: String?) -> ExpressionValue {
        .object([
            "id": .string(incident.id), "processDefinitionId": .string(incident.processDefinitionID),
            "processInstanceId": .string(incident.processInstanceID), "executionId": .string(incident.executionID),
            "incidentTimestamp": date(incident.timestamp), "incidentType": .string(incident.type),
            "activityId": .string(incident.activityID), "failedActivityId": .string(incident.activityID),
            "causeIncidentId": .string(incident.id), "rootCauseIncidentId": .string(incident.id),
            "configuration": string(incident.configuration), "incidentMessage": string(incident.message),
            "tenantId": string(tenantID), "jobDefinitionId": .null, "annotation": .null,
        ])
    }

    static func historicProcessInstance(_ instance: HistoricProcessInstance, tenantID: String?) -> ExpressionValue {
        .object([
            "id": .string(instance.id), "businessKey": string(instance.businessKey),
            "processDefinitionId": .string(instance.processDefinitionID),
            "processDefinitionKey": .string(instance.processDefinitionKey),
            "processDefinitionName": string(instance.processDefinitionName),
            "processDefinitionVersion": .int(Int64(instance.processDefinitionVersion)),
            "startTime": date(instance.startTime), "endTime": date(instance.endTime), "removalTime": .null,
            "durationInMillis": instance.endTime.map { .int(Int64(($0.timeIntervalSince(instance.startTime) * 1000).rounded())) } ?? .null,
            "startUserId": .null, "startActivityId": string(instance.startActivityID),
            "deleteReason": string(instance.deleteReason), "rootProcessInstanceId": .string(instance.rootProcessInstanceID),
            "superProcessInstanceId": string(instance.superProcessInstanceID), "superCaseInstanceId": .null,
            "caseInstanceId": .null, "tenantId": string(tenantID), "state": .string(instance.state.rawValue),
            "restartedProcessInstanceId": .null,
        ])
    }

    static func historicActivityInstance(_ activity: HistoricActivityInstance) -> ExpressionValue {
        .object([
            "id": .string(activity.id), "parentActivityInstanceId": string(activity.parentActivityInstanceID),
            "activityId": .string(activity.activityID), "activityName": string(activity.activityName),
            "activityType": .string(activity.activityType), "processDefinitionKey": .string(activity.processDefinitionKey),
            "processDefinitionId": .string(activity.processDefinitionID),
            "processInstanceId": .string(activity.processInstanceID), "executionId": .string(activity.executionID),
            "taskId": string(activity.taskID), "calledProcessInstanceId": string(activity.calledProcessInstanceID),
            "calledCaseInstanceId": .null, "assignee": .null, "startTime": date(activity.startTime),
            "endTime": date(activity.endTime),
            "durationInMillis": activity.endTime.map { .int(Int64(($0.timeIntervalSince(activity.startTime) * 1000).rounded())) } ?? .null,
            "canceled": .bool(activity.canceled), "completeScope": .bool(activity.endTime != nil && !activity.canceled),
            "tenantId": .null, "removalTime": .null, "rootProcessInstanceId": .string(activity.processInstanceID),
        ])
    }

    static func historicVariable(_ variable: HistoricVariableInstance, deserialize: Bool) -> ExpressionValue {
        guard case .object(var fields) = VariableCodec.encode(variable.value, deserialize: deserialize) else { return .null }
        fields.merge([
            "id": .string(variable.id), "name": .string(variable.name),
            "processDefinitionKey": .string(variable.processDefinitionKey),
            "processDefinitionId": .string(variable.processDefinitionID),
            "processInstanceId": .string(variable.processInstanceID), "executionId": .string(variable.executionID),
            "activityInstanceId": .string(variable.activityInstanceID), "caseDefinitionKey": .null,
            "caseDefinitionId": .null, "caseInstanceId": .null, "caseExecutionId": .null, "taskId": .null,
            "tenantId": .null, "errorMessage": .null, "state": .string("CREATED"),
            "createTime": date(variable.createTime), "removalTime": .null,
            "rootProcessInstanceId": .string(variable.processInstanceID),
        ]) { $1 }
        return .object(fields)
    }

    static func historicIncident(_ historic: HistoricIncident, definitionKey: String?, tenantID: String?) -> ExpressionValue {
        let incident = historic.incident
        return .object([
            "id": .string(incident.id), "processDefinitionKey": string(definitionKey),
            "processDefinitionId": .string(incident.processDefinitionID),
            "processInstanceId": .string(incident.processInstanceID), "executionId": .string(incident.executionID),
            "rootProcessInstanceId": .string(incident.processInstanceID), "createTime": date(incident.timestamp),
            "endTime": date(historic.endTime), "removalTime": .null, "incidentType": .string(incident.type),
            "activityId": .string(incident.activityID), "failedActivityId": .string(incident.activityID),
            "causeIncidentId": .string(incident.id), "rootCauseIncidentId": .string(incident.id),
            "configuration": string(incident.configuration), "historyConfiguration": .null,
            "incidentMessage": string(incident.message), "tenantId": string(tenantID), "jobDefinitionId": .null,
            "open": .bool(historic.state == .open), "deleted": .bool(historic.state == .deleted),
            "resolved": .bool(historic.state == .resolved), "annotation": .null,
        ])
    }
}
