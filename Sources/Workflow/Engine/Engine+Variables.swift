// SPDX-License-Identifier: Apache-2.0
import Foundation

/// Variables read and written from outside a step (REST `…/variables`).
extension Engine {
    /// Sets and removes variables of a running instance: on its process scope, or local to one of its executions.
    public func modifyVariables(
        instanceID: String, executionID: String? = nil, modifications: [String: VariableValue],
        deletions: [String] = []
    ) async throws {
        try await step(instanceID) { runtime throws(WorkflowError) in
            try runtime.modifyVariables(at: executionID, modifications: modifications, deletions: deletions)
        }
    }

    /// The running instance an execution belongs to. The process instance id is its root execution's id (the
    /// common case, one lookup); any other execution id costs a scan of the running instances.
    public func instance(ofExecution executionID: String) async throws -> ProcessInstance {
        if let instance = try await store.instance(executionID) { return instance }
        guard let instance = try await store.instances(definitionKey: nil).first(where: {
            $0.tokens[executionID] != nil
        }) else {
            throw WorkflowError(.notFound, "execution \(executionID) doesn't exist")
        }
        return instance
    }
}
