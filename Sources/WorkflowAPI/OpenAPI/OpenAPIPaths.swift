// SPDX-License-Identifier: Apache-2.0
import BPMN

/// Every operation the API serves under `/engine-rest`, as the document lists it.
enum OpenAPIPaths {
    typealias Op = OpenAPIOperation
    static let text = Schema.string
    static let flag = Schema.boolean
    static let list = Schema.string  // comma-separated
    static let date = Schema.date

    static func array(_ name: String) -> Op.Success { .json(Schema.array(Schema.ref(name))) }
    static func one(_ name: String) -> Op.Success { .json(Schema.ref(name)) }
    static let count: Op.Success = .json(Schema.ref("CountResultDto"))
    static func body(_ name: String, required: Bool = false) -> Op.Body { .json(Schema.ref(name), required: required) }

    static var operations: [Op] {
        externalTasks + OpenAPIRuntimePaths.operations + OpenAPIRuntimePaths.history + OpenAPIPlatformPaths.operations
    }

    static let externalTaskQuery: [String: ExpressionValue] = [
        "externalTaskId": text, "externalTaskIdIn": list, "topicName": text, "workerId": text, "locked": flag,
        "notLocked": flag, "withRetriesLeft": flag, "noRetriesLeft": flag, "lockExpirationAfter": date,
        "lockExpirationBefore": date, "activityId": text, "activityIdIn": list, "executionId": text,
        "processInstanceId": text, "processInstanceIdIn": list, "processDefinitionId": text,
        "processDefinitionKey": text, "processDefinitionKeyIn": list, "processDefinitionName": text,
        "processDefinitionNameLike": text, "tenantIdIn": list, "active": flag, "suspended": flag,
        "priorityHigherThanOrEquals": Schema.int64, "priorityLowerThanOrEquals": Schema.int64,
        "processVariables": variableConditions, "variableNamesIgnoreCase": flag, "variableValuesIgnoreCase": flag,
    ]

    /// `name_op_value` conditions, comma-separated (`amount_gt_10,customer_eq_c1`).
    static var variableConditions: ExpressionValue {
        let operators = VariableFilter.Operator.allCases.map(\.rawValue).joined(separator: "|")
        let condition = "[^_,]+_(\(operators))_[^,]*"
        return ["type": "string", "pattern": .string("^\(condition)(,\(condition))*$")]
    }

    static var externalTasks: [Op] {
        let sorting = Op.sorting(["id", "lockExpirationTime", "processInstanceId", "processDefinitionId",
                                  "processDefinitionKey", "taskPriority", "tenantId", "createTime"])
        let listQuery = externalTaskQuery.merging(Op.pagination) { $1 }.merging(sorting) { $1 }
        let task = "/external-task/{id}"
        return [
            Op(method: "post", path: "/external-task/fetchAndLock", id: "fetchAndLock",
               summary: "Fetch and lock tasks, waiting up to asyncResponseTimeout for one",
               body: body("FetchExternalTasksDto", required: true), success: array("LockedExternalTaskDto")),
            Op(method: "get", path: "/external-task", id: "getExternalTasks", summary: "Query external tasks",
               query: listQuery, success: array("ExternalTaskDto")),
            Op(method: "post", path: "/external-task", id: "queryExternalTasks", summary: "Query external tasks (body)",
               query: Op.pagination, body: body("ExternalTaskQueryDto"), success: array("ExternalTaskDto")),
            Op(method: "get", path: "/external-task/count", id: "getExternalTasksCount", summary: "Count external tasks",
               query: externalTaskQuery, success: count),
            Op(method: "post", path: "/external-task/count", id: "queryExternalTasksCount",
               summary: "Count external tasks (body)", body: body("ExternalTaskQueryDto"), success: count),
            Op(method: "get", path: "/external-task/topic-names", id: "getTopicNames", summary: "Distinct topic names",
               query: ["withLockedTasks": flag, "withUnlockedTasks": flag, "withRetriesLeft": flag],
               success: .json(Schema.array(text))),
            Op(method: "put", path: "/external-task/retries", id: "setExternalTaskRetries",
               summary: "Set retries of many tasks", body: body("SetRetriesForExternalTasksDto", required: true),
               success: .noContent),
            Op(method: "post", path: "/external-task/retries-async", id: "setExternalTaskRetriesAsyncOperation",
               summary: "Set retries of many tasks, answered with the batch",
               body: body("SetRetriesForExternalTasksDto", required: true), success: one("BatchDto")),
            Op(method: "get", path: task, id: "getExternalTask", summary: "An external task", success: one("ExternalTaskDto")),
            Op(method: "get", path: task + "/errorDetails", id: "getExternalTaskErrorDetails",
               summary: "The error details of the last failure", success: .textOrNoContent),
            Op(method: "post", path: task + "/complete", id: "completeExternalTaskResource", summary: "Complete a task",
               body: body("CompleteExternalTaskDto"), success: .noContent),
            Op(method: "post", path: task + "/failure", id: "handleFailure", summary: "Report a failure",
               body: body("ExternalTaskFailureDto"), success: .noContent),
            Op(method: "post", path: task + "/bpmnError", id: "handleExternalTaskBpmnError",
               summary: "Report a BPMN error", body: body("ExternalTaskBpmnError"), success: .noContent),
            Op(method: "post", path: task + "/extendLock", id: "extendLock", summary: "Extend the lock",
               body: body("ExtendLockOnExternalTaskDto"), success: .noContent),
            Op(method: "post", path: task + "/lock", id: "lock", summary: "Lock a task",
               body: body("LockExternalTaskDto"), success: .noContent),
            Op(method: "post", path: task + "/unlock", id: "unlock", summary: "Unlock a task", success: .noContent),
            Op(method: "put", path: task + "/retries", id: "setExternalTaskResourceRetries", summary: "Set retries",
               body: body("RetriesDto"), success: .noContent),
            Op(method: "put", path: task + "/priority", id: "setExternalTaskResourcePriority", summary: "Set priority",
               body: body("PriorityDto"), success: .noContent),
        ]
    }
}
