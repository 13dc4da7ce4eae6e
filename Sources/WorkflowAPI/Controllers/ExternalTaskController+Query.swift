// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Hummingbird
import Workflow

/// `GET|POST /external-task` and `/external-task/count`: the task query (URL parameters or a JSON body).
extension ExternalTaskController {
    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let tasks = try await filtered(try await QueryInput.of(request))
        return JSONResponse.make(.array(try request.page(tasks).map { .object(DTO.externalTask($0)) }))
    }

    @Sendable func count(_ request: Request, context: Context) async throws -> Response {
        JSONResponse.make(.object(["count": .int(Int64(try await filtered(try await QueryInput.of(request)).count))]))
    }

    /// The tasks a query selects, sorted as it asks (by creation otherwise). `processVariables` conditions apply
    /// to the variables of the task's process instance (see `VariableFilter`).
    func filtered(_ query: QueryInput) async throws -> [ExternalTask] {
        let now = engine.clock.now()
        let ids = query.list("externalTaskIdIn"), activities = query.list("activityIdIn")
        let instances = query.list("processInstanceIdIn"), keys = query.list("processDefinitionKeyIn")
        let tenants = query.list("tenantIdIn")
        let after = try query.date("lockExpirationAfter"), before = try query.date("lockExpirationBefore")
        let minPriority = try query.int64("priorityHigherThanOrEquals")
        let maxPriority = try query.int64("priorityLowerThanOrEquals")
        let variableFilters = try query.variableFilters("processVariables")
        let definitionName = query.string("processDefinitionName")
        let definitionNameLike = query.string("processDefinitionNameLike")
        var tasks = try await engine.store.externalTasks().filter { task in
            if let value = query.string("externalTaskId"), task.id != value { return false }
            if let ids, !ids.contains(task.id) { return false }
            if let value = query.string("topicName"), task.topicName != value { return false }
            if let value = query.string("workerId"), task.workerID != value { return false }
            if let value = query.string("activityId"), task.activityID != value { return false }
            if let activities, !activities.contains(task.activityID) { return false }
            if let value = query.string("executionId"), task.executionID != value { return false }
            if let value = query.string("processInstanceId"), task.processInstanceID != value { return false }
            if let instances, !instances.contains(task.processInstanceID) { return false }
            if let value = query.string("processDefinitionId"), task.processDefinitionID != value { return false }
            if let value = query.string("processDefinitionKey"), task.processDefinitionKey != value { return false }
            if let keys, !keys.contains(task.processDefinitionKey) { return false }
            if definitionName != nil || definitionNameLike != nil {
                let name = (try? engine.processDefinition(id: task.processDefinitionID))?.name
                if let definitionName, name != definitionName { return false }
                if let definitionNameLike, !(name?.matchesLike(definitionNameLike) ?? false) { return false }
            }
            if let tenants, !tenants.contains(task.tenantID ?? "") { return false }
            if query.bool("locked"), !task.isLocked(at: now) { return false }
            if query.bool("notLocked"), task.isLocked(at: now) { return false }
            if query.bool("withRetriesLeft"), (task.retries ?? 1) <= 0 { return false }
            if query.bool("noRetriesLeft"), (task.retries ?? 1) > 0 { return false }
            if query.bool("suspended"), !task.suspended { return false }
            if query.bool("active"), task.suspended { return false }
            if let after, !(task.lockExpirationTime.map { $0 > after } ?? false) { return false }
            if let before, !(task.lockExpirationTime.map { $0 < before } ?? false) { return false }
            if let minPriority, task.priority < minPriority { return false }
            if let maxPriority, task.priority > maxPriority { return false }
            return true
        }
        if !variableFilters.isEmpty {
            let owners = try await engine.store.instances(ids: Set(tasks.map(\.processInstanceID)))
            tasks = tasks.filter { task in
                owners[task.processInstanceID].map { query.matches(variableFilters, $0.variables) } ?? false
            }
        }
        return try query.sort(tasks, keys: [
            "id": { SortKey($0.id) }, "lockExpirationTime": { SortKey($0.lockExpirationTime) },
            "processInstanceId": { SortKey($0.processInstanceID) },
            "processDefinitionId": { SortKey($0.processDefinitionID) },
            "processDefinitionKey": { SortKey($0.processDefinitionKey) }, "taskPriority": { SortKey($0.priority) },
            "tenantId": { SortKey($0.tenantID) }, "createTime": { SortKey($0.createTime) },
        ])
    }
}
