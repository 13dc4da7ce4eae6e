// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation

/// Multi-instance activities: a body token waits while iterations run in parallel or one after another.
extension Runtime {
    mutating func startLoop(_ tokenID: String, node: FlowNode) {
        guard let loop = node.multiInstance, let token = instance.tokens[tokenID] else { return }
        var items: [ExpressionValue]?
        var total = 0
        if let collection = loop.collection {
            guard let value = evaluate(collection, at: tokenID) else { return }
            guard case .array(let elements) = value else {
                return raiseIncident(tokenID, "multi-instance collection of '\(node.id)' is \(value), not a list")
            }
            items = elements
            total = elements.count
        } else if let cardinality = loop.loopCardinality {
            guard let value = evaluate(cardinality, at: tokenID) else { return }
            switch value {
            case .int(let count) where count >= 0 && count <= 100_000: total = Int(count)
            case .string(let text) where Int(text).map({ $0 >= 0 }) == true: total = Int(text)!
            default:
                return raiseIncident(tokenID, "loopCardinality of '\(node.id)' is \(value), not a non-negative integer")
            }
        }
        let bodyID = IDGenerator.next()
        instance.scopes[bodyID] = Scope(
            id: bodyID, kind: .multiInstanceBody, parentID: token.scopeID, ownerTokenID: tokenID,
            variables: [
                "nrOfInstances": .integer(Int32(clamping: total)), "nrOfCompletedInstances": .integer(0),
                "nrOfActiveInstances": .integer(0),
            ],
            loop: LoopState(items: items, total: total, started: 0, completed: 0, outputs: [:]))
        setState(tokenID, .waitingScope(bodyID))
        subscribeBoundaryEvents(of: tokenID, node: node)
        if total == 0 { return completeLoop(bodyID) }
        let first = loop.isSequential ? 1 : total
        for _ in 0..<first { startIteration(bodyID, node: node) }
    }

    private mutating func startIteration(_ bodyID: String, node: FlowNode) {
        guard var body = instance.scopes[bodyID], var loop = body.loop else { return }
        let index = loop.started
        var variables: [String: VariableValue] = ["loopCounter": .integer(Int32(clamping: index))]
        if let name = node.multiInstance?.elementVariable, let items = loop.items, index < items.count {
            variables[name] = VariableValue(items[index])
        }
        loop.started += 1
        body.loop = loop
        body.variables["nrOfActiveInstances"] = .integer(Int32(clamping: loop.started - loop.completed))
        instance.scopes[bodyID] = body
        let innerID = IDGenerator.next()
        instance.scopes[innerID] = Scope(
            id: innerID, kind: .multiInstanceInner, parentID: bodyID, ownerTokenID: body.ownerTokenID,
            variables: variables)
        spawn(at: node.id, scope: innerID, loopIteration: true)
    }

    /// One iteration finished: count it, then start the next, finish early, or finish the loop.
    mutating func loopIterationEnded(_ tokenID: String) {
        guard let token = instance.tokens[tokenID], let node = definition.nodes[token.nodeID],
              let inner = instance.scopes[token.scopeID], let bodyID = inner.parentID,
              var body = instance.scopes[bodyID], var loop = body.loop, let config = node.multiInstance
        else { return }
        if let outputElement = config.outputElement, let value = evaluate(outputElement, at: tokenID) {
            if case .int(let index) = inner.variables["loopCounter"]?.expressionValue { loop.outputs[Int(index)] = value }
        }
        instance.tokens[tokenID] = nil
        retire(scope: inner.id)
        instance.scopes[inner.id] = nil
        loop.completed += 1
        body.loop = loop
        body.variables["nrOfCompletedInstances"] = .integer(Int32(clamping: loop.completed))
        body.variables["nrOfActiveInstances"] = .integer(Int32(clamping: loop.started - loop.completed))
        instance.scopes[bodyID] = body
        if let condition = config.completionCondition, let owner = body.ownerTokenID {
            guard let value = evaluate(condition, at: owner, scopeID: bodyID) else { return }
            if value == .bool(true) {
                for scope in instance.scopes.values where scope.parentID == bodyID { cancelScope(scope.id) }
                return completeLoop(bodyID)
            }
        }
        if config.isSequential, loop.started < loop.total { return startIteration(bodyID, node: node) }
        if loop.completed >= loop.total { completeLoop(bodyID) }
    }

    private mutating func completeLoop(_ bodyID: String) {
        guard let body = instance.scopes[bodyID], let ownerID = body.ownerTokenID,
              let owner = instance.tokens[ownerID], let node = definition.nodes[owner.nodeID]
        else { return }
        instance.scopes[bodyID] = nil
        if let collection = node.multiInstance?.outputCollection, let loop = body.loop {
            let values = (0..<loop.total).map { loop.outputs[$0] ?? .null }
            setVariables([collection: .json(.array(values))], from: ownerID)
        }
        setState(ownerID, .active)
        leave(ownerID, applyOutputs: false)
    }
}
