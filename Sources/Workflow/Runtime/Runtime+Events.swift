// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation

/// Timers, messages, boundary events, BPMN errors and cancellation.
extension Runtime {
    mutating func subscribe(message name: String, tokenID: String, nodeID: String) {
        let id = IDGenerator.next()
        instance.messages[id] = MessageSubscription(id: id, messageName: name, tokenID: tokenID, nodeID: nodeID)
    }

    /// Schedules a timer; false when its expression failed (an incident was raised).
    mutating func schedule(_ timer: TimerDefinition, tokenID: String, nodeID: String) -> Bool {
        var spec = timer.spec
        if spec == nil, let expression = timer.expression {
            guard let value = evaluate(expression, at: tokenID) else { return false }
            let text: String
            if case .string(let string) = value { text = string } else { text = "\(value)" }
            do {
                spec = try TimerSpec.parse(kind: timer.kind, text: text)
            } catch {
                raiseIncident(tokenID, "timer of '\(nodeID)' evaluated to '\(text)': \(error)")
                return false
            }
        }
        guard let spec, let due = spec.firstDue(after: now) else { return true }
        let id = IDGenerator.next()
        instance.timers[id] = TimerSubscription(
            id: id, tokenID: tokenID, nodeID: nodeID, dueDate: due, spec: spec, firedCount: 0)
        return true
    }

    mutating func subscribeBoundaryEvents(of tokenID: String, node: FlowNode) {
        guard !node.boundaryEventIDs.isEmpty else { return }  // most activities have none: no lookup
        for boundary in definition.boundaryEvents(of: node.id) {
            guard case .boundaryEvent(let event) = boundary.kind else { continue }
            switch event.trigger {
            case .timer(let timer): _ = schedule(timer, tokenID: tokenID, nodeID: boundary.id)
            case .message(let name): subscribe(message: name, tokenID: tokenID, nodeID: boundary.id)
            case .error: break
            }
        }
    }

    /// Drops every timer and message subscription held by a token.
    mutating func unsubscribe(_ tokenID: String) {
        if instance.timers.values.contains(where: { $0.tokenID == tokenID }) {
            instance.timers = instance.timers.filter { $0.tokenID != tokenID }
        }
        if instance.messages.values.contains(where: { $0.tokenID == tokenID }) {
            instance.messages = instance.messages.filter { $0.tokenID != tokenID }
        }
    }

    /// A timer or message arrived for `nodeID` on behalf of `tokenID`.
    mutating func trigger(nodeID: String, tokenID: String, timer: TimerSubscription?) {
        guard let token = instance.tokens[tokenID], let node = definition.nodes[nodeID] else { return }
        if case .boundaryEvent(let boundary) = node.kind {
            if boundary.cancelActivity {
                cancelToken(tokenID)
            } else if let timer, let next = timer.spec.nextDue(after: timer.dueDate, firedCount: timer.firedCount + 1) {
                var repeated = timer
                repeated.firedCount += 1
                repeated.dueDate = next
                instance.timers[repeated.id] = repeated
            }
            spawn(at: nodeID, scope: token.scopeID)
            return
        }
        if token.state == .waitingEventGateway, token.nodeID != nodeID {
            // Event-based gateway: the first event wins; the gateway ends and the token moves to the event.
            unsubscribe(tokenID)
            recordEnd(tokenID, canceled: false)
            let flow = definition.nodes[token.nodeID].map { definition.outgoing($0) }?.first { $0.targetID == nodeID }
            instance.tokens[tokenID]?.nodeID = nodeID
            instance.tokens[tokenID]?.arrivedVia = flow?.id
            instance.tokens[tokenID]?.activityInstanceID = IDGenerator.activityInstanceID(nodeID)
            recordStart(tokenID, node: node)
        }
        setState(tokenID, .active)
        leave(tokenID)
    }

    /// Cancels a token and everything it waits on (tasks, timers, inner scopes, child instances).
    mutating func cancelToken(_ tokenID: String) {
        guard let token = instance.tokens[tokenID] else { return }
        switch token.state {
        case .waitingTask(let taskID): effects.append(.deleteExternalTask(taskID))
        case .waitingUserTask(let taskID): effects.append(.deleteUserTask(taskID))
        case .waitingCall(let childID): effects.append(.cancelChildInstance(childID))
        case .waitingScope(let scopeID): cancelScope(scopeID)
        case .incident: effects.append(.resolveIncidents(executionID: tokenID))
        default: break
        }
        unsubscribe(tokenID)
        recordEnd(tokenID, canceled: true)
        instance.tokens[tokenID] = nil
    }

    mutating func cancelScope(_ scopeID: String) {
        for inner in instance.scopes.values where inner.parentID == scopeID { cancelScope(inner.id) }
        for token in instance.tokens.values where token.scopeID == scopeID { cancelToken(token.id) }
        retire(scope: scopeID)
        instance.scopes[scopeID] = nil
    }

    /// Throws a BPMN error: the nearest matching error boundary event up the scope chain catches it; without one,
    /// a called instance hands it to its call activity, else the throwing path just ends (Camunda's default).
    mutating func throwError(code: String, message: String?, from tokenID: String, tokenIsThrower: Bool) {
        guard let thrower = instance.tokens[tokenID] else { return }
        var candidate: Token? = tokenIsThrower ? thrower : nil
        var scopeID = thrower.scopeID
        if !tokenIsThrower {
            recordEnd(tokenID, canceled: false)
            instance.tokens[tokenID] = nil
        }
        while true {
            if let activityToken = candidate, !activityToken.isLoopIteration, let catcher = errorBoundary(for: activityToken.nodeID, code: code) {
                return catchError(catcher, code: code, message: message, activityToken: activityToken)
            }
            guard let scope = instance.scopes[scopeID] else { return }
            guard let ownerID = scope.ownerTokenID, let owner = instance.tokens[ownerID] else {
                // The process scope: nothing caught it here.
                if let parent = instance.superInstance {
                    cancel(reason: "BPMN error \(code) propagated to the calling process")
                    effects.removeAll { $0 == .instanceEnded(.externallyTerminated) }
                    effects.append(.instanceEnded(.internallyTerminated))
                    effects.append(.notifyParent(parent, .bpmnError(code: code, message: message)))
                } else if !tokenIsThrower {
                    completeScopeIfEmpty(scopeID)
                } else {
                    endToken(tokenID)
                }
                return
            }
            candidate = owner
            scopeID = owner.scopeID
        }
    }

    private func errorBoundary(for activityID: String, code: String) -> (FlowNode, BoundaryEvent)? {
        let boundaries = definition.boundaryEvents(of: activityID).compactMap { node -> (FlowNode, BoundaryEvent)? in
            guard case .boundaryEvent(let event) = node.kind, case .error = event.trigger else { return nil }
            return (node, event)
        }
        return boundaries.first { if case .error(let c, _, _) = $0.1.trigger { c == code } else { false } }
            ?? boundaries.first { if case .error(nil, _, _) = $0.1.trigger { true } else { false } }
    }

    private mutating func catchError(
        _ catcher: (FlowNode, BoundaryEvent), code: String, message: String?, activityToken: Token
    ) {
        cancelToken(activityToken.id)
        let tokenID = spawn(at: catcher.0.id, scope: activityToken.scopeID)
        if case .error(_, let codeVariable, let messageVariable) = catcher.1.trigger {
            var variables: [String: VariableValue] = [:]
            if let codeVariable { variables[codeVariable] = .string(code) }
            if let messageVariable { variables[messageVariable] = message.map { .string($0) } ?? .null }
            setVariables(variables, from: tokenID)
        }
    }

    /// Stops a token with an incident instead of failing the whole step.
    mutating func raiseIncident(_ tokenID: String, _ message: String) {
        guard let token = instance.tokens[tokenID] else { return }
        let id = IDGenerator.next()
        setState(tokenID, .incident(id))
        effects.append(.raiseIncident(Incident(
            type: Incident.failedExpression, id: id, timestamp: now, processInstanceID: instance.id,
            processDefinitionID: process.id, executionID: tokenID, activityID: token.nodeID, configuration: nil,
            message: message)))
    }
}
