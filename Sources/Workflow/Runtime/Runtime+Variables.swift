// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation

/// Variable scoping, expression evaluation and history records.
extension Runtime {
    /// Looks a variable up from a token: its local variables first, then each scope up to the process.
    func lookup(_ name: String, tokenID: String?, scopeID: String?) -> ExpressionValue? {
        if let tokenID, let value = instance.tokens.read(tokenID, { $0.local[name] }) ?? nil { return value.expressionValue }
        var current = scopeID ?? tokenID.flatMap { instance.tokens.read($0, \.scopeID) }
        while let id = current, let (value, parent) = instance.scopes.read(id, { ($0.variables[name], $0.parentID) }) {
            if let value { return value.expressionValue }
            current = parent
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
            if !skipLocal, instance.tokens.read(tokenID, { $0.local[name] != nil }) == true {
                instance.tokens.update(tokenID) { $0.local[name] = value }
                continue
            }
            var target = instance.id
            var current = instance.tokens.read(tokenID, \.scopeID)
            while let id = current, let (holds, parent) = instance.scopes.read(id, { ($0.variables[name] != nil, $0.parentID) }) {
                if holds {
                    target = id
                    break
                }
                current = parent
            }
            instance.scopes.update(target) { $0.variables[name] = value }
        }
    }

    /// Evaluates an expression for a token; on failure raises an incident on it and returns nil.
    mutating func evaluate(_ expression: BPMN.Expression, at tokenID: String, scopeID: String? = nil) -> ExpressionValue? {
        // Evaluated first, reading the instance in place; the incident (a change) is raised after, if any.
        let failure: ExpressionError
        do {
            return try expression.evaluate { lookup($0, tokenID: scopeID == nil ? tokenID : nil, scopeID: scopeID) }
        } catch {
            failure = error
        }
        raiseIncident(tokenID, "\(failure)")
        return nil
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
        guard let (scopeID, activityInstanceID) = instance.tokens.read(tokenID, { ($0.scopeID, $0.activityInstanceID) })
        else { return }
        instance.sequence += 1
        let parent = instance.scopes.read(scopeID, \.ownerTokenID).flatMap { owner in
            owner.flatMap { instance.tokens.read($0, \.activityInstanceID) }
        }
        effects.append(.activityStarted(HistoricActivityInstance(
            id: activityInstanceID, activityID: node.id, activityName: node.name,
            activityType: type ?? node.elementType, processInstanceID: instance.id, processDefinitionID: process.id,
            processDefinitionKey: process.key, executionID: tokenID, parentActivityInstanceID: parent ?? instance.id,
            startTime: now, sequence: instance.sequence)))
    }

    mutating func recordEnd(_ tokenID: String, canceled: Bool) {
        guard let (id, local) = instance.tokens.read(tokenID, { ($0.activityInstanceID, $0.local) }) else { return }
        // An activity that started in this step (events, gateways) ends in its own start record: one history
        // effect instead of two.
        if let index = effects.lastIndex(where: { if case .activityStarted(let started) = $0 { started.id == id } else { false } }) {
            guard case .activityStarted(var started) = effects[index], started.endTime == nil else { return }
            started.endTime = now
            started.canceled = canceled
            effects[index] = .activityStarted(started)
        } else {
            let ended = effects.contains { if case .activityEnded(let endedID, _, _) = $0 { endedID == id } else { false } }
            guard !ended else { return }
            effects.append(.activityEnded(id: id, at: now, canceled: canceled))
        }
        retire(local, executionID: tokenID, activityInstanceID: id)
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
        if case .waitingScope(let scopeID) = token.state, instance.scopes.contains(scopeID) {
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
