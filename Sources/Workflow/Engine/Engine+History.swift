// SPDX-License-Identifier: Apache-2.0
import Foundation

/// History read models that combine the runtime and the history store.
extension Engine {
    /// Every variable's latest value: those of running instances (every scope and execution-local variable)
    /// and those ended instances finished with (process scope).
    public func historicVariableInstances() async throws -> [HistoricVariableInstance] {
        var result: [HistoricVariableInstance] = []
        for instance in try await store.instances(definitionKey: nil) {
            for scope in instance.scopes.values {
                let owner = scope.ownerTokenID.flatMap { instance.tokens[$0] }
                append(scope.variables, of: instance, scopeID: scope.id, executionID: owner?.id ?? instance.id,
                       activityInstanceID: owner?.activityInstanceID ?? instance.id, to: &result)
            }
            for token in instance.tokens.values where !token.local.isEmpty {
                append(token.local, of: instance, scopeID: token.id, executionID: token.id,
                       activityInstanceID: token.activityInstanceID, to: &result)
            }
        }
        result += try await store.retiredVariables(processInstanceID: nil)
        for ended in try await store.historicProcessInstances() where ended.endTime != nil {
            for (name, value) in ended.finalVariables.sorted(by: { $0.key < $1.key }) {
                result.append(HistoricVariableInstance(
                    id: "\(ended.id):\(name)", name: name, value: value, processInstanceID: ended.id,
                    processDefinitionID: ended.processDefinitionID, processDefinitionKey: ended.processDefinitionKey,
                    executionID: ended.id, activityInstanceID: ended.id, createTime: ended.startTime))
            }
        }
        return result
    }

    private func append(
        _ variables: [String: VariableValue], of instance: ProcessInstance, scopeID: String, executionID: String,
        activityInstanceID: String, to result: inout [HistoricVariableInstance]
    ) {
        for (name, value) in variables.sorted(by: { $0.key < $1.key }) {
            result.append(HistoricVariableInstance(
                id: "\(scopeID):\(name)", name: name, value: value, processInstanceID: instance.id,
                processDefinitionID: instance.definitionID, processDefinitionKey: instance.definitionKey,
                executionID: executionID, activityInstanceID: activityInstanceID, createTime: instance.startTime))
        }
    }
}
