// SPDX-License-Identifier: Apache-2.0
import BPMN
import Hummingbird
import NIOCore
import Synchronization
import Workflow

/// `/external-task`: fetch-and-lock with long polling, and the verbs workers report with.
struct ExternalTaskController<Context: ConnectionAwareContext> {
    let engine: Engine

    func addRoutes(to group: RouterGroup<Context>) {
        group.post("external-task/fetchAndLock", use: fetchAndLock)
        group.post("external-task/complete", use: completeMany)
        group.get("external-task", use: list)
        group.post("external-task", use: list)
        group.get("external-task/count", use: count)
        group.post("external-task/count", use: count)
        group.put("external-task/retries", use: setRetriesBatch)
        group.post("external-task/retries-async", use: setRetriesAsync)
        group.get("external-task/topic-names", use: topicNames)
        group.get("external-task/:id", use: get)
        group.get("external-task/:id/errorDetails", use: errorDetails)
        group.post("external-task/:id/complete", use: complete)
        group.post("external-task/:id/failure", use: handleFailure)
        group.post("external-task/:id/bpmnError", use: handleBpmnError)
        group.post("external-task/:id/extendLock", use: extendLock)
        group.post("external-task/:id/unlock", use: unlock)
        group.post("external-task/:id/lock", use: lock)
        group.put("external-task/:id/retries", use: setRetries)
        group.put("external-task/:id/priority", use: setPriority)
    }

    @Sendable func fetchAndLock(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let body = try await request.jsonObject()
        guard let workerID = try body.string("workerId") else {
            throw WorkflowError(.nullValue, "workerId is null")
        }
        let maxTasks = try body.int("maxTasks") ?? 0
        guard maxTasks >= 0 else { throw WorkflowError(.badUserRequest, "maxResults is not greater than or equal to 0") }
        let timeout = try body.int64("asyncResponseTimeout")
        if let timeout, timeout > 1_800_000 {
            throw WorkflowError(.invalidRequest, "The asynchronous response timeout cannot be set to a value greater "
                + "than 1800000 milliseconds")
        }
        if let timeout, timeout < 0 {
            throw WorkflowError(.invalidRequest, "The asynchronous response timeout cannot be negative")
        }
        var fetch = FetchRequest(
            workerID: workerID, maxTasks: maxTasks, usePriority: try body.bool("usePriority") ?? false, topics: [])
        for sorting in try body.objects("sorting") ?? [] {
            let sortBy = try sorting.string("sortBy")
            let order = try sorting.string("sortOrder")
            guard sortBy == "createTime", let order, ["asc", "desc"].contains(order) else {
                throw WorkflowError(.invalidRequest, "Cannot set query sortBy parameter to value \(sortBy ?? "null")")
            }
            fetch.createTimeAscending = order == "asc"
        }
        if let pool = try body.string("workerPool") {
            // Not Camunda's: a worker of a typed pool fetches only its pool's tasks.
            guard let type = WorkerPoolType(lenient: pool) else {
                throw WorkflowError(.invalidRequest, "workerPool '\(pool)' is not one of "
                    + WorkerPoolType.allCases.map(\.rawValue).joined(separator: ", "))
            }
            fetch.workerPool = type
        }
        var selections: [String: Engine.VariableSelection] = [:]
        var extensionTopics: Set<String> = [], deserializeTopics: Set<String> = []
        for topic in try body.objects("topics") ?? [] {
            guard let name = try topic.string("topicName") else { throw WorkflowError(.nullValue, "topicName is null") }
            let lockDuration = try topic.int64("lockDuration") ?? 0
            guard lockDuration > 0 else { throw WorkflowError(.badUserRequest, "lockTime is not greater than 0") }
            var entry = FetchRequest.Topic(topicName: name, lockDuration: lockDuration)
            entry.businessKey = try topic.string("businessKey")
            entry.processDefinitionIDs = try topic.stringList("processDefinitionIdIn")
                ?? (try topic.string("processDefinitionId")).map { [$0] }
            entry.processDefinitionKeys = try topic.stringList("processDefinitionKeyIn")
                ?? (try topic.string("processDefinitionKey")).map { [$0] }
            entry.tenantIDs = try topic.stringList("tenantIdIn")
            entry.withoutTenantID = try topic.bool("withoutTenantId") ?? false
            entry.processDefinitionVersionTag = try topic.string("processDefinitionVersionTag")
            entry.processVariables = (try topic.object("processVariables"))?.members.mapValues { VariableValue($0) } ?? [:]
            fetch.topics.append(entry)
            selections[name] = Engine.VariableSelection(
                names: try topic.stringList("variables"), localOnly: try topic.bool("localVariables") ?? false)
            if try topic.bool("deserializeValues") ?? false { deserializeTopics.insert(name) }
            if try topic.bool("includeExtensionProperties") ?? false { extensionTopics.insert(name) }
        }
        let locked = try await fetchWhileConnected(fetch, selections, timeout, channel: context.channel)
        return JSONResponse.make(
            json: LockedTaskWriter.write(locked, extensionTopics: extensionTopics, deserializeTopics: deserializeTopics))
    }

    /// Runs the (possibly long-polling) fetch, cancelling it when the client disconnects. Tasks locked for a
    /// client that is gone by the time they arrive are unlocked at once, so no task waits out a dead lock.
    private func fetchWhileConnected(
        _ fetch: FetchRequest, _ selections: [String: Engine.VariableSelection], _ timeout: Int64?,
        channel: any Channel
    ) async throws -> [Engine.LockedTask] {
        let engine = engine
        let disconnected = Atomic<Bool>(false)
        let work = Task {
            try await engine.fetchAndLock(fetch, variables: selections, asyncResponseTimeout: timeout)
        }
        channel.closeFuture.whenComplete { _ in
            disconnected.store(true, ordering: .relaxed)
            work.cancel()
        }
        let locked = try await withTaskCancellationHandler { try await work.value } onCancel: { work.cancel() }
        if disconnected.load(ordering: .relaxed) || Task.isCancelled {
            for task in locked { try? await engine.unlock(task.task.id) }
            return []
        }
        return locked
    }

    /// Distinct topic names, optionally only of locked, unlocked or retry-left tasks.
    @Sendable func topicNames(_ request: Request, context: Context) async throws -> Response {
        let now = engine.clock.now()
        let names = try await engine.store.externalTasks().filter { task in
            if request.queryBool("withLockedTasks") == true, !task.isLocked(at: now) { return false }
            if request.queryBool("withUnlockedTasks") == true, task.isLocked(at: now) { return false }
            if request.queryBool("withRetriesLeft") == true, (task.retries ?? 1) <= 0 { return false }
            return true
        }.map(\.topicName)
        return JSONResponse.make(.array(Set(names).sorted().map { .string($0) }))
    }

    /// The failure details of a task as `text/plain`, or 204 when it has none.
    @Sendable func errorDetails(_ request: Request, context: Context) async throws -> Response {
        let task = try await engine.externalTask(try context.parameters.decoded("id"))
        guard let details = task.errorDetails else { return JSONResponse.noContent }
        return Response(status: .ok, headers: [.contentType: "text/plain"],
                        body: .init(byteBuffer: ByteBuffer(string: details)))
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        JSONResponse.make(.object(DTO.externalTask(try await engine.externalTask(try context.parameters.decoded("id")))))
    }

    @Sendable func complete(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let body = try await request.jsonObject()
        try await engine.complete(
            try context.parameters.decoded("id"), workerID: try body.string("workerId"),
            variables: try VariableCodec.decode(try body.object("variables")),
            localVariables: try VariableCodec.decode(try body.object("localVariables")),
            transient: VariableCodec.transientNames(try body.object("variables"))
                .union(VariableCodec.transientNames(try body.object("localVariables"))))
        return JSONResponse.noContent
    }

    @Sendable func handleFailure(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let body = try await request.jsonObject()
        try await engine.handleFailure(
            try context.parameters.decoded("id"), workerID: try body.string("workerId"),
            errorMessage: try body.string("errorMessage"), errorDetails: try body.string("errorDetails"),
            retries: try body.int("retries") ?? 0, retryTimeout: try body.int64("retryTimeout"),
            variables: try VariableCodec.decode(try body.object("variables")),
            localVariables: try VariableCodec.decode(try body.object("localVariables")))
        return JSONResponse.noContent
    }

    @Sendable func handleBpmnError(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let body = try await request.jsonObject()
        try await engine.handleBpmnError(
            try context.parameters.decoded("id"), workerID: try body.string("workerId"),
            errorCode: try body.string("errorCode"), errorMessage: try body.string("errorMessage"),
            variables: try VariableCodec.decode(try body.object("variables")),
            transient: VariableCodec.transientNames(try body.object("variables")))
        return JSONResponse.noContent
    }

    @Sendable func extendLock(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let body = try await request.jsonObject()
        try await engine.extendLock(
            try context.parameters.decoded("id"), workerID: try body.string("workerId"),
            newDuration: try body.int64("newDuration") ?? 0)
        return JSONResponse.noContent
    }

    @Sendable func unlock(_ request: Request, context: Context) async throws -> Response {
        try await engine.unlock(try context.parameters.decoded("id"))
        return JSONResponse.noContent
    }

    @Sendable func lock(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let body = try await request.jsonObject()
        try await engine.lock(
            try context.parameters.decoded("id"), workerID: try body.string("workerId"),
            lockDuration: try body.int64("lockDuration") ?? 0)
        return JSONResponse.noContent
    }

    @Sendable func setRetries(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let body = try await request.jsonObject()
        guard let retries = try body.int("retries") else {
            throw WorkflowError(.invalidRequest, "The number of retries cannot be null.")
        }
        try await engine.setRetries(try context.parameters.decoded("id"), retries: retries)
        return JSONResponse.noContent
    }

    @Sendable func setPriority(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let body = try await request.jsonObject()
        guard let priority = try body.int64("priority") else {
            throw WorkflowError(.invalidRequest, "The priority cannot be null.")
        }
        try await engine.setPriority(try context.parameters.decoded("id"), priority: priority)
        return JSONResponse.noContent
    }
}
