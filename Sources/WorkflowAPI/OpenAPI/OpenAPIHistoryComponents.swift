// SPDX-License-Identifier: Apache-2.0
import BPMN

/// The history DTOs of the document.
enum OpenAPIHistoryComponents {
    private typealias S = Schema
    private static let text = S.nullable(S.string)
    private static let date = S.nullable(S.date)

    static var schemas: [String: ExpressionValue] {
        [
            "HistoricProcessInstanceDto": S.object([
                "id": S.string, "businessKey": text, "processDefinitionId": S.string, "processDefinitionKey": S.string,
                "processDefinitionName": text, "processDefinitionVersion": S.int32, "startTime": S.date,
                "endTime": date, "removalTime": date, "durationInMillis": S.nullable(S.int64), "startUserId": text,
                "startActivityId": text, "deleteReason": text, "rootProcessInstanceId": S.string,
                "superProcessInstanceId": text, "superCaseInstanceId": text, "caseInstanceId": text, "tenantId": text,
                "state": S.enumeration(["ACTIVE", "SUSPENDED", "COMPLETED", "EXTERNALLY_TERMINATED", "INTERNALLY_TERMINATED"]),
                "restartedProcessInstanceId": text,
            ]),
            "HistoricActivityInstanceDto": S.object([
                "id": S.string, "parentActivityInstanceId": text, "activityId": S.string, "activityName": text,
                "activityType": S.string, "processDefinitionKey": S.string, "processDefinitionId": S.string,
                "processInstanceId": S.string, "executionId": S.string, "taskId": text, "calledProcessInstanceId": text,
                "calledCaseInstanceId": text, "assignee": text, "startTime": S.date, "endTime": date,
                "durationInMillis": S.nullable(S.int64), "canceled": S.boolean, "completeScope": S.boolean,
                "tenantId": text, "removalTime": date, "rootProcessInstanceId": S.string,
            ]),
            "HistoricVariableInstanceDto": S.object([
                "id": S.string, "name": S.string, "type": S.string, "value": S.any, "valueInfo": S.map(S.any),
                "processDefinitionKey": S.string, "processDefinitionId": S.string, "processInstanceId": S.string,
                "executionId": S.string, "activityInstanceId": S.string, "caseDefinitionKey": text,
                "caseDefinitionId": text, "caseInstanceId": text, "caseExecutionId": text, "taskId": text,
                "tenantId": text, "errorMessage": text, "state": S.string, "createTime": S.date, "removalTime": date,
                "rootProcessInstanceId": S.string,
            ]),
            "HistoricIncidentDto": S.object([
                "id": S.string, "processDefinitionKey": text, "processDefinitionId": S.string,
                "processInstanceId": S.string, "executionId": S.string, "rootProcessInstanceId": S.string,
                "createTime": S.date, "endTime": date, "removalTime": date, "incidentType": S.string,
                "activityId": S.string, "failedActivityId": S.string, "causeIncidentId": S.string,
                "rootCauseIncidentId": S.string, "configuration": text, "historyConfiguration": text,
                "incidentMessage": text, "tenantId": text, "jobDefinitionId": text, "open": S.boolean,
                "deleted": S.boolean, "resolved": S.boolean, "annotation": text,
            ]),
        ]
    }
}
