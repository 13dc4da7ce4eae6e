// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation

/// Variable scoping, expression evaluation and history records.
extension Runtime {
    /// Looks a variable up from a token: its local variables first, then each scope up to the process.
    func lookup(_ name: String, tokenID: String?, scopeID: String?) -> ExpressionValue? {
        if let tokenID, let value = instance.tokens[tokenID]?.local[name] { return value.expressionValue }
        var current = scopeID ?? tokenID.flatMap { instance.tokens[$0]?.scopeID }
        while let id = current, let scope = instance.scopes[id] {
            if let value = scope.variables[name] { return value.expressionValue }
            current = scope.parentID
        }
        return nil
    }

    /// Every variable visible from a token, the innermost value winning.
    func visibleVariables(from tokenID: String) -> [String: VariableValue] {
        var chain: [[String: VariableValue]] = []
        var current = instance.tokens[tokenID]?.scopeID
        while let id = current, let scope = instance.scopes[id] {
            chain.append(scope.variables)
            current = scope.parentID
        }
        var result: [String: VariableValue] = [:]
        for variables in chain.reversed() { result.merge(variables) { $1 } }
        result.merge(instance.tokens[tokenID]?.local ?? [:]) { $1 }
        return result
    }

    /// Sets variables as Camunda does: where the name already exists (innermost first), else on the process.
    mutating func setVariables(_ variables: [String: VariableValue], from tokenID: String, skipLocal: Bool = false) {
        for (name, value) in variables {
            if !skipLocal, instance.tokens[tokenID]?.local[name] != nil {
                instance.tokens[tokenID]?.local[name] = value
                continue
            }
            var target = instance.id
            var current = instance.tokens[tokenID]?.scopeID
            while let id = current, let scope = instance.scopes[id] {
                if scope.variables[name] != nil {
                    target = id
                    break
                }
                current = scope.parentID
            }
            instance.scopes[target]?.variables[name] = value
        }
    }

    /// Evaluates an expression for a token; on failure raises an incident on it and returns nil.
    mutating func evaluate(_ expression: BPMN.Expression, at tokenID: String, scopeID: String? = nil) -> ExpressionValue? {
        let runtime = self
        return evaluate(expression, lookup: { runtime.lookup($0, tokenID: scopeID == nil ? tokenID : nil, scopeID: scopeID) },
                        at: tokenID)
    }

    mutating func evaluate(
        _ expression: BPMN.Expression, lookup: (String) -> ExpressionValue?, at tokenID: String
    ) -> ExpressionValue? {
        do {
            return try expression.evaluate(lookup)
        } catch {
            raiseIncident(tokenID, "\(error)")
            return nil
        }
    }

    mutating func recordStart(_ tokenID: String, node: FlowNode, type: String? = nil) {
        guard let token = instance.tokens[tokenID] else { return }
        instance.sequence += 1
        let parent = instance.scopes[token.scopeID]?.ownerTokenID.flatMap { instance.tokens[$0]?.activityInstanceID }
        effects.append(.activityStarted(HistoricActivityInstance(
            id: token.activityInstanceID, activityID: node.id, activityName: node.name,
            activityType: type ?? node.elementType, processInstanceID: instance.id, processDefinitionID: process.id,
            processDefinitionKey: process.key, executionID: tokenID, parentActivityInstanceID: parent ?? instance.id,
            startTime: now, sequence: instance.sequence)))
    }

    mutating func recordEnd(_ tokenID: String, canceled: Bool) {
        guard let token = instance.tokens[tokenID], !endedActivities.contains(token.activityInstanceID) else { return }
        endedActivities.append(token.activityInstanceID)
        effects.append(.activityEnded(id: token.activityInstanceID, at: now, canceled: canceled))
        retire(token.local, executionID: token.id, activityInstanceID: token.activityInstanceID)
    }

    /// Drops transient variables (Camunda's `valueInfo.transient`) once the step that brought them has run: they
    /// were visible to its conditions and mappings, and are never stored.
    public mutating func forget(_ names: Set<String>) {
        guard !names.isEmpty else { return }
        for scope in instance.scopes.values where names.contains(where: { scope.variables[$0] != nil }) {
            instance.scopes.update(scope.id) { scope in for name in names { scope.variables[name] = nil } }
        }
        for token in instance.tokens.values where names.contains(where: { token.local[$0] != nil }) {
            instance.tokens.update(token.id) { token in for name in names { token.local[name] = nil } }
        }
        effects = effects.map { effect in
            guard case .variablesRetired(let variables) = effect else { return effect }
            return .variablesRetired(variables.filter { !names.contains($0.name) })
        }
    }

    /// Keeps the variables of an ending execution or scope in the history (Camunda's history keeps every variable).
    mutating func retire(_ variables: [String: VariableValue], executionID: String, activityInstanceID: String) {
        guard !variables.isEmpty else { return }
        effects.append(.variablesRetired(variables.sorted { $0.key < $1.key }.map { name, value in
            HistoricVariableInstance(
                id: "\(activityInstanceID):\(name)", name: name, value: value, processInstanceID: instance.id,
                processDefinitionID: instance.definitionID, processDefinitionKey: instance.definitionKey,
                executionID: executionID, activityInstanceID: activityInstanceID, createTime: now)
        }))
    }

    /// Retires a non-process scope's variables as it goes (a sub-process or multi-instance body ending).
    mutating func retire(scope scopeID: String) {
        guard let scope = instance.scopes[scopeID], scope.kind != .process else { return }
        let owner = scope.ownerTokenID.flatMap { instance.tokens[$0] }
        retire(scope.variables, executionID: owner?.id ?? scopeID, activityInstanceID: owner?.activityInstanceID ?? scopeID)
    }
}

extension Runtime {
    /// Writes and removes variables from outside (REST): on the process scope when `executionID` is nil or the
    /// instance id, else local to that execution.
    public mutating func modifyVariables(
        at executionID: String?, modifications: [String: VariableValue], deletions: [String]
    ) throws(WorkflowError) {
        if executionID == nil || executionID == instance.id {
            instance.scopes.update(instance.id) { scope in
                scope.variables.merge(modifications) { $1 }
                for name in deletions { scope.variables[name] = nil }
            }
            return
        }
        guard let executionID, let token = instance.tokens[executionID] else {
            throw WorkflowError(.notFound, "execution \(executionID ?? "null") doesn't exist")
        }
        if case .waitingScope(let scopeID) = token.state, instance.scopes[scopeID] != nil {
            // A sub-process's execution: its local variables are the sub-process scope's.
            instance.scopes.update(scopeID) { scope in
                scope.variables.merge(modifications) { $1 }
                for name in deletions { scope.variables[name] = nil }
            }
            return
        }
        instance.tokens.update(executionID) { token in
            token.local.merge(modifications) { $1 }
            for name in deletions { token.local[name] = nil }
        }
    }
}
