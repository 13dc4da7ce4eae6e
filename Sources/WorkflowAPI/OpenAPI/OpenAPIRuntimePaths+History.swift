// SPDX-License-Identifier: Apache-2.0
import BPMN

extension OpenAPIRuntimePaths {
    static var history: [Op] {
        let date = Schema.date
        let instanceQuery: [String: ExpressionValue] = [
            "processInstanceId": text, "processInstanceIds": list, "processDefinitionKey": text,
            "processDefinitionKeyIn": list, "processDefinitionId": text, "processInstanceBusinessKey": text,
            "processInstanceBusinessKeyLike": text, "processInstanceBusinessKeyIn": list,
            "processDefinitionKeyNotIn": list, "finished": flag, "unfinished": flag, "active": flag,
            "suspended": flag, "completed": flag, "externallyTerminated": flag, "internallyTerminated": flag,
            "withIncidents": flag, "superProcessInstanceId": text, "startedBefore": date, "startedAfter": date,
            "finishedBefore": date, "finishedAfter": date, "tenantIdIn": list, "withoutTenantId": flag,
            "variables": P.variableConditions, "variableNamesIgnoreCase": flag, "variableValuesIgnoreCase": flag,
        ]
        let instanceSorting = Op.sorting(["instanceId", "definitionId", "definitionKey", "definitionName",
                                          "definitionVersion", "businessKey", "startTime", "endTime", "duration",
                                          "tenantId"])
        let activityQuery: [String: ExpressionValue] = [
            "processInstanceId": text, "activityId": text, "activityInstanceId": text, "activityType": text,
            "executionId": text, "finished": flag, "unfinished": flag, "canceled": flag,
        ]
        let activitySorting = Op.sorting([
            "activityInstanceId", "instanceId", "executionId", "activityId", "activityName", "activityType",
            "startTime", "endTime", "duration", "definitionId", "occurrence", "tenantId",
        ])
        let variableQuery: [String: ExpressionValue] = [
            "variableName": text, "variableNameLike": text, "processInstanceId": text, "processInstanceIdIn": list,
            "processDefinitionId": text, "processDefinitionKey": text, "executionIdIn": list,
            "activityInstanceIdIn": list, "variableTypeIn": list,
        ]
        let variableSorting = Op.sorting(["instanceId", "variableName", "tenantId"])
        let incidentQuery: [String: ExpressionValue] = [
            "incidentId": text, "incidentType": text, "incidentMessage": text, "incidentMessageLike": text,
            "processInstanceId": text,
            "processDefinitionId": text, "executionId": text, "activityId": text, "configuration": text,
            "open": flag, "resolved": flag, "deleted": flag,
        ]
        let incidentSorting = Op.sorting([
            "incidentId", "incidentMessage", "createTime", "endTime", "incidentType", "executionId", "activityId",
            "processInstanceId", "processDefinitionId", "processDefinitionKey", "causeIncidentId",
            "rootCauseIncidentId", "configuration", "historyConfiguration", "tenantId", "incidentState",
        ])
        let paged = { (query: [String: ExpressionValue]) in query.merging(Op.pagination) { $1 } }
        return [
            Op(method: "get", path: "/history/process-instance", id: "getHistoricProcessInstances",
               summary: "Query historic process instances",
               query: paged(instanceQuery).merging(instanceSorting) { $1 }, success: P.array("HistoricProcessInstanceDto")),
            Op(method: "post", path: "/history/process-instance", id: "queryHistoricProcessInstances",
               summary: "Query historic process instances (body)", query: Op.pagination,
               body: P.body("HistoricProcessInstanceQueryDto"),
               success: P.array("HistoricProcessInstanceDto")),
            Op(method: "get", path: "/history/process-instance/count", id: "getHistoricProcessInstancesCount",
               summary: "Count historic process instances", query: instanceQuery, success: P.count),
            Op(method: "post", path: "/history/process-instance/count", id: "queryHistoricProcessInstancesCount",
               summary: "Count historic process instances (body)", body: P.body("HistoricProcessInstanceQueryDto"),
               success: P.count),
            Op(method: "get", path: "/history/process-instance/{id}", id: "getHistoricProcessInstance",
               summary: "A historic process instance", success: P.one("HistoricProcessInstanceDto")),
            Op(method: "get", path: "/history/activity-instance", id: "getHistoricActivityInstances",
               summary: "Query historic activity instances", query: paged(activityQuery).merging(activitySorting) { $1 },
               success: P.array("HistoricActivityInstanceDto")),
            Op(method: "get", path: "/history/activity-instance/count", id: "getHistoricActivityInstancesCount",
               summary: "Count historic activity instances", query: activityQuery, success: P.count),
            Op(method: "get", path: "/history/variable-instance", id: "getHistoricVariableInstances",
               summary: "Query historic variable instances",
               query: paged(variableQuery).merging(variableSorting) { $1 }.merging(["deserializeValues": flag]) { $1 },
               success: P.array("HistoricVariableInstanceDto")),
            Op(method: "get", path: "/history/variable-instance/count", id: "getHistoricVariableInstancesCount",
               summary: "Count historic variable instances", query: variableQuery, success: P.count),
            Op(method: "get", path: "/history/variable-instance/{id}", id: "getHistoricVariableInstance",
               summary: "A historic variable instance", query: ["deserializeValue": flag],
               success: P.one("HistoricVariableInstanceDto")),
            Op(method: "get", path: "/history/variable-instance/{id}/data", id: "getHistoricVariableInstanceBinary",
               summary: "A historic Bytes or File variable's content", success: .binary),
            Op(method: "get", path: "/history/incident", id: "getHistoricIncidents", summary: "Query historic incidents",
               query: paged(incidentQuery).merging(incidentSorting) { $1 }, success: P.array("HistoricIncidentDto")),
            Op(method: "get", path: "/history/incident/count", id: "getHistoricIncidentsCount",
               summary: "Count historic incidents", query: incidentQuery, success: P.count),
        ]
    }
}
