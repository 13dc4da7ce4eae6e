// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation

/// Token movement shared by every node kind: leaving, choosing flows, joining, ending scopes.
extension Runtime {
    /// The token's activity finished normally: apply outputs, drop boundary subscriptions, move on.
    mutating func leave(_ tokenID: String, applyOutputs: Bool = true) {
        guard let (nodeID, isLoopIteration) = instance.tokens.read(tokenID, { ($0.nodeID, $0.isLoopIteration) }),
              let node = definition.nodes[nodeID]
        else { return }
        for mapping in node.outputs where applyOutputs {
            guard let value = evaluate(mapping.source, at: tokenID) else { return }
            setVariables([mapping.target: VariableValue(value)], from: tokenID, skipLocal: true)
        }
        unsubscribe(tokenID)
        recordEnd(tokenID, canceled: false)
        if isLoopIteration { return loopIterationEnded(tokenID) }
        if let flows = outgoingFlows(of: node, tokenID: tokenID, firstMatchOnly: false) { take(flows, from: tokenID) }
    }

    /// The flows a token leaves a node by. Nil when an incident was raised instead.
    ///
    /// Gateways and activities alike: conditions are evaluated in document order, unconditioned flows are taken,
    /// the default flow only when nothing else matched. An exclusive gateway takes the first match.
    mutating func outgoingFlows(of node: FlowNode, tokenID: String, firstMatchOnly: Bool) -> [SequenceFlow]? {
        let flows = definition.outgoing(node)
        // The common case, a node whose flows have no conditions (and no default): all of them, the definition's
        // own array (no new one per step).
        if node.defaultFlow == nil, !flows.isEmpty, flows.allSatisfy({ $0.condition == nil }) {
            return firstMatchOnly && flows.count > 1 ? [flows[0]] : flows
        }
        var chosen: [SequenceFlow] = []
        for flow in flows where flow.id != node.defaultFlow {
            guard let condition = flow.condition else {
                chosen.append(flow)
                if firstMatchOnly { break } else { continue }
            }
            guard let value = evaluate(condition, at: tokenID) else { return nil }
            guard case .bool(let matched) = value else {
                raiseIncident(tokenID, "condition of sequence flow '\(flow.id)' evaluated to \(value), not a boolean")
                return nil
            }
            if matched {
                chosen.append(flow)
                if firstMatchOnly { break }
            }
        }
        if chosen.isEmpty, let defaultID = node.defaultFlow, let flow = definition.flows[defaultID] { chosen = [flow] }
        let isGateway: Bool = switch node.kind {
        case .exclusiveGateway, .inclusiveGateway: true
        default: false
        }
        if chosen.isEmpty, isGateway || !flows.isEmpty {
            raiseIncident(tokenID, "No outgoing sequence flow for the element with id '\(node.id)' could be selected "
                + "for continuing the process")
            return nil
        }
        return chosen
    }

    /// Moves the token along the first flow and new tokens along the others; no flows ends the token.
    mutating func take(_ flows: [SequenceFlow], from tokenID: String) {
        guard let scopeID = instance.tokens.read(tokenID, \.scopeID) else { return }
        recordEnd(tokenID, canceled: false)
        guard let first = flows.first else { return endToken(tokenID) }
        for flow in flows.dropFirst() { spawn(at: flow.targetID, scope: scopeID, via: flow.id) }
        instance.tokens.update(tokenID) { Self.move(&$0, along: first) }
        pending.append(tokenID)
    }

    /// Moves a token onto a flow's target as a new activity instance (one table access for all fields).
    static func move(_ token: inout Token, along flow: SequenceFlow) {
        token.nodeID = flow.targetID
        token.arrivedVia = flow.id
        token.state = .active
        token.local = [:]
        token.activityInstanceID = IDGenerator.activityInstanceID(flow.targetID)
    }

    /// Parallel join: true once a token has arrived on every incoming flow; the others are consumed.
    mutating func joins(_ tokenID: String, node: FlowNode) -> Bool {
        guard node.incoming.count > 1, let token = instance.tokens[tokenID] else { return true }
        setState(tokenID, .waitingJoin)
        let waiting = instance.tokens.values.filter {
            $0.nodeID == node.id && $0.scopeID == token.scopeID && $0.state == .waitingJoin
        }
        var byFlow: [String: String] = [:]
        for candidate in waiting.sorted(by: { $0.id < $1.id }) where candidate.id != tokenID {
            if let flow = candidate.arrivedVia, byFlow[flow] == nil { byFlow[flow] = candidate.id }
        }
        if let flow = token.arrivedVia { byFlow[flow] = tokenID }
        guard node.incoming.allSatisfy({ byFlow[$0] != nil }) else { return false }
        for consumed in byFlow.values where consumed != tokenID { instance.tokens[consumed] = nil }
        setState(tokenID, .active)
        recordStart(tokenID, node: node)
        return true
    }

    /// Fires every inclusive join that has waiting tokens and no token upstream that could still reach it.
    mutating func fireReadyInclusiveJoins() {
        guard instance.tokens.values.contains(where: { $0.state == .waitingJoin }) else { return }
        let waiting = instance.tokens.values.filter { $0.state == .waitingJoin }.sorted { $0.id < $1.id }
        var fired: Set<String> = []
        for token in waiting {
            let key = token.nodeID + "|" + token.scopeID
            guard let node = definition.nodes[token.nodeID], node.kind == .inclusiveGateway, !fired.contains(key),
                  instance.tokens.contains(token.id)
            else { continue }
            let upstream = nodesReaching(node.id)
            let blocked = instance.tokens.values.contains {
                $0.scopeID == token.scopeID && $0.nodeID != node.id && upstream.contains($0.nodeID)
            }
            if blocked { continue }
            fired.insert(key)
            for other in instance.tokens.values where other.nodeID == node.id && other.scopeID == token.scopeID
                && other.id != token.id && other.state == .waitingJoin {
                instance.tokens[other.id] = nil
            }
            setState(token.id, .active)
            recordStart(token.id, node: node)
            if let flows = outgoingFlows(of: node, tokenID: token.id, firstMatchOnly: false) { take(flows, from: token.id) }
        }
    }

    /// Nodes from which `target` can be reached without passing through it (boundary events count for
    /// their activity).
    func nodesReaching(_ target: String) -> Set<String> {
        var seen: Set<String> = []
        var stack = [target]
        while let current = stack.popLast() {
            guard let node = definition.nodes[current] else { continue }
            for flowID in node.incoming {
                guard let source = definition.flows[flowID]?.sourceID, source != target, seen.insert(source).inserted
                else { continue }
                stack.append(source)
                if case .boundaryEvent(let boundary) = definition.nodes[source]?.kind, seen.insert(boundary.attachedTo).inserted {
                    stack.append(boundary.attachedTo)
                }
            }
        }
        return seen
    }

    /// A token reached an end (or a node without outgoing flows): remove it and complete its scope if empty.
    mutating func endToken(_ tokenID: String) {
        guard let scopeID = instance.tokens.read(tokenID, \.scopeID) else { return }
        recordEnd(tokenID, canceled: false)
        instance.tokens[tokenID] = nil
        completeScopeIfEmpty(scopeID)
    }

    mutating func completeScopeIfEmpty(_ scopeID: String) {
        guard !instance.tokens.values.contains(where: { $0.scopeID == scopeID }),
              let scope = instance.scopes[scopeID]
        else { return }
        switch scope.kind {
        case .process:
            instance.isEnded = true
            effects.append(.instanceEnded(.completed))
            if let parent = instance.superInstance {
                effects.append(.notifyParent(parent, .completed(instance.variables)))
            }
        case .subProcess:
            // Its variables go back to the owning execution: its output mappings read them, and they are retired
            // to the history when that activity ends.
            if let owner = scope.ownerTokenID, instance.tokens.contains(owner) {
                instance.tokens[owner]?.local.merge(scope.variables) { $1 }
            } else {
                retire(scope: scopeID)
            }
            instance.scopes[scopeID] = nil
            if let owner = scope.ownerTokenID { leave(owner) }
        case .multiInstanceInner, .multiInstanceBody:
            break  // loop iterations report through `loopIterationEnded`
        }
    }

    /// Terminate end event: cancels every other token of the scope, then completes the scope.
    mutating func terminate(scope scopeID: String, by tokenID: String) {
        recordEnd(tokenID, canceled: false)
        instance.tokens[tokenID] = nil
        for other in instance.tokens.values where other.scopeID == scopeID { cancelToken(other.id) }
        completeScopeIfEmpty(scopeID)
    }
}
