// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Hummingbird
import Workflow

/// `PUT /external-task/retries` and `POST /external-task/retries-async`: retries for many tasks at once, chosen
/// by ids, by process instances or by queries.
extension ExternalTaskController {
    @Sendable func setRetriesBatch(_ request: Request, context: Context) async throws -> Response {
        try await applyRetries(request)
        return JSONResponse.noContent
    }

    /// The asynchronous variant runs at once and answers with the finished batch.
    @Sendable func setRetriesAsync(_ request: Request, context: Context) async throws -> Response {
        let count = try await applyRetries(request)
        return JSONResponse.make(.object([
            "id": .string(IDGenerator.next()), "type": .string("set-external-task-retries"),
            "totalJobs": .int(Int64(count)), "jobsCreated": .int(Int64(count)), "batchJobsPerSeed": .int(100),
            "invocationsPerBatchJob": .int(1), "seedJobDefinitionId": .null, "monitorJobDefinitionId": .null,
            "batchJobDefinitionId": .null, "suspended": .bool(false), "tenantId": .null, "createUserId": .null,
            "startTime": DTO.date(engine.clock.now()), "executionStartTime": DTO.date(engine.clock.now()),
        ]))
    }

    @discardableResult
    private func applyRetries(_ request: Request) async throws -> Int {
        var request = request
        let body = try await request.jsonObject()
        guard let retries = try body.int("retries") else {
            throw WorkflowError(.invalidRequest, "The number of retries cannot be null.")
        }
        guard retries >= 0 else { throw WorkflowError(.badUserRequest, "The number of retries cannot be negative") }
        let ids = try await selectedTasks(body)
        guard !ids.isEmpty || hasSelector(body) else {
            throw WorkflowError(.invalidRequest, "externalTaskIds, processInstanceIds or a query must be given")
        }
        for id in ids { _ = try await engine.externalTask(id) }  // an unknown id fails before anything changes
        for id in ids { try await engine.setRetries(id, retries: retries) }
        return ids.count
    }

    private func hasSelector(_ body: JSONObject) -> Bool {
        ["externalTaskIds", "processInstanceIds", "externalTaskQuery", "processInstanceQuery",
         "historicProcessInstanceQuery"].contains { body[$0] != nil }
    }

    /// Task ids from every selector, each once, in the order given.
    private func selectedTasks(_ body: JSONObject) async throws -> [String] {
        var ids = try body.stringList("externalTaskIds") ?? []
        var instanceIDs = Set(try body.stringList("processInstanceIds") ?? [])
        if let query = try body.object("externalTaskQuery") {
            ids += try await filtered(try QueryInput(json: query)).map(\.id)
        }
        if let query = try body.object("processInstanceQuery") {
            let instances = try await ProcessInstanceController<Context>(engine: engine).filtered(try QueryInput(json: query))
            instanceIDs.formUnion(instances.map(\.id))
        }
        if let query = try body.object("historicProcessInstanceQuery") {
            let instances = try await HistoryController<Context>(engine: engine).filteredInstances(try QueryInput(json: query))
            instanceIDs.formUnion(instances.map(\.id))
        }
        if !instanceIDs.isEmpty {
            ids += try await engine.store.externalTasks().filter { instanceIDs.contains($0.processInstanceID) }.map(\.id)
        }
        var seen: Set<String> = []
        return ids.filter { seen.insert($0).inserted }
    }
}
