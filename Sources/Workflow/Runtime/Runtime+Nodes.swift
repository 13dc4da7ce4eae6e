// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation

/// What each kind of node does when a token arrives.
extension Runtime {
    /// Moves pending tokens until all rest, then fires inclusive joins that can no longer receive tokens.
    mutating func run() {
        repeat {
            while !pending.isEmpty {
                let tokenID = pending.removeFirst()
                if instance.tokens.contains(tokenID) { execute(tokenID) }
            }
            fireReadyInclusiveJoins()
        } while !pending.isEmpty
    }

    /// Creates a token at a node and queues it.
    @discardableResult
    mutating func spawn(at nodeID: String, scope: String, via flowID: String? = nil, loopIteration: Bool = false)
        -> String
    {
        let id = IDGenerator.next()
        instance.tokens[id] = Token(
            id: id, nodeID: nodeID, scopeID: scope, state: .active, local: [:],
            activityInstanceID: IDGenerator.activityInstanceID(nodeID, id), isLoopIteration: loopIteration, arrivedVia: flowID)
        pending.append(id)
        return id
    }

    mutating func execute(_ tokenID: String) {
        guard let token = instance.tokens[tokenID], let node = definition.nodes[token.nodeID] else { return }
        if node.multiInstance != nil, !token.isLoopIteration {
            recordStart(tokenID, node: node, type: "multiInstanceBody")
            return startLoop(tokenID, node: node)
        }
        if !isJoin(node) { recordStart(tokenID, node: node) }
        if !applyInputs(tokenID, node: node) { return }
        if node.isActivity, !token.isLoopIteration { subscribeBoundaryEvents(of: tokenID, node: node) }
        switch node.kind {
        case .startEvent, .task, .boundaryEvent, .intermediateThrowEvent(nil), .endEvent(.message(nil)):
            if case .endEvent = node.kind { return endToken(tokenID) }
            leave(tokenID)
        case .endEvent(.none):
            endToken(tokenID)
        case .endEvent(.terminate):
            terminate(scope: token.scopeID, by: tokenID)
        case .endEvent(.error(let code, let message)):
            throwError(code: code ?? "", message: message, from: tokenID, tokenIsThrower: false)
        case .serviceTask(let task), .intermediateThrowEvent(.some(let task)), .endEvent(.message(.some(let task))):
            createExternalTask(tokenID, node: node, task: task)
        case .userTask:
            let taskID = IDGenerator.next(partitionOf: instance.id)
            setState(tokenID, .waitingUserTask(taskID))
            effects.append(.createUserTask(UserTask(
                id: taskID, name: node.name, processInstanceID: instance.id, processDefinitionID: process.id,
                activityID: node.id, executionID: tokenID, createTime: now)))
        case .receiveTask(let name), .intermediateCatchEvent(.message(let name)):
            subscribe(message: name, tokenID: tokenID, nodeID: node.id)
            setState(tokenID, .waitingMessage)
        case .intermediateCatchEvent(.timer(let timer)):
            if schedule(timer, tokenID: tokenID, nodeID: node.id) { setState(tokenID, .waitingTimer) }
        case .intermediateCatchEvent(.none):
            leave(tokenID)
        case .exclusiveGateway:
            let flows = outgoingFlows(of: node, tokenID: tokenID, firstMatchOnly: true)
            if let flows { take(flows, from: tokenID) }
        case .parallelGateway:
            if joins(tokenID, node: node) { take(definition.outgoing(node), from: tokenID) }
        case .inclusiveGateway:
            if node.incoming.count > 1 {
                setState(tokenID, .waitingJoin)
                return
            }
            if let flows = outgoingFlows(of: node, tokenID: tokenID, firstMatchOnly: false) { take(flows, from: tokenID) }
        case .eventBasedGateway:
            setState(tokenID, .waitingEventGateway)
            for flow in definition.outgoing(node) {
                guard let target = definition.nodes[flow.targetID] else { continue }
                switch target.kind {
                case .intermediateCatchEvent(.timer(let timer)): _ = schedule(timer, tokenID: tokenID, nodeID: target.id)
                case .intermediateCatchEvent(.message(let name)), .receiveTask(let name):
                    subscribe(message: name, tokenID: tokenID, nodeID: target.id)
                default: break
                }
            }
        case .subProcess:
            let scopeID = IDGenerator.next()
            // The sub-process's input mappings are variables of its scope: every activity inside sees them.
            let inputs = instance.tokens[tokenID]?.local ?? [:]
            instance.tokens[tokenID]?.local = [:]
            instance.scopes[scopeID] = Scope(
                id: scopeID, kind: .subProcess, parentID: token.scopeID, ownerTokenID: tokenID, variables: inputs)
            setState(tokenID, .waitingScope(scopeID))
            if let start = definition.noneStartEvent(in: node.id) { spawn(at: start.id, scope: scopeID) }
        case .callActivity(let call):
            startCall(tokenID, node: node, call: call)
        }
    }

    private mutating func createExternalTask(_ tokenID: String, node: FlowNode, task: ExternalTaskDefinition) {
        guard let topicValue = evaluate(task.topic, at: tokenID) else { return }
        let topic: String
        if case .string(let text) = topicValue { topic = text } else { topic = "\(topicValue)" }
        guard !topic.isEmpty, !topic.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            return raiseIncident(tokenID, "the topic of '\(node.id)' evaluated to an empty string or one with control characters")
        }
        var priority = Int64(definition.taskPriority ?? 0)
        if let expression = task.priority {
            guard let value = evaluate(expression, at: tokenID) else { return }
            switch value {
            case .int(let number): priority = number
            case .string(let text) where Int64(text) != nil: priority = Int64(text)!
            default:
                return raiseIncident(tokenID, "camunda:taskPriority of '\(node.id)' evaluated to \(value), not an integer")
            }
        }
        let taskID = IDGenerator.next(partitionOf: instance.id)
        setState(tokenID, .waitingTask(taskID))
        let token = instance.tokens[tokenID]!
        effects.append(.createExternalTask(ExternalTask(
            id: taskID, topicName: topic, processInstanceID: instance.id, processDefinitionID: process.id,
            processDefinitionKey: process.key, processDefinitionVersionTag: process.versionTag, activityID: node.id,
            activityInstanceID: token.activityInstanceID, executionID: tokenID, businessKey: instance.businessKey,
            tenantID: process.tenantID, createTime: now, priority: priority, retries: task.retries,
            extensionProperties: Dictionary(task.properties.map { ($0.name, $0.value) }) { $1 },
            workerPool: task.workerPool, slotPool: task.slotPool, slots: task.slots)))
    }

    private mutating func startCall(_ tokenID: String, node: FlowNode, call: CallActivityDefinition) {
        guard let keyValue = evaluate(call.calledElement, at: tokenID) else { return }
        let key: String
        if case .string(let text) = keyValue { key = text } else { key = "\(keyValue)" }
        var variables: [String: VariableValue] = call.inputAll ? visibleVariables(from: tokenID) : [:]
        for mapping in call.inputs {
            guard let value = evaluate(mapping.source, at: tokenID) else { return }
            variables[mapping.target] = VariableValue(value)
        }
        let childID = IDGenerator.next()
        setState(tokenID, .waitingCall(childID))
        effects.append(.startChildInstance(
            id: childID, parent: ParentLink(instanceID: instance.id, tokenID: tokenID), definitionKey: key,
            variables: variables, businessKey: call.passBusinessKey ? instance.businessKey : nil))
    }

    /// Evaluates input mappings into the token's local variables. False when an incident stopped the token.
    private mutating func applyInputs(_ tokenID: String, node: FlowNode) -> Bool {
        for mapping in node.inputs {
            guard let value = evaluate(mapping.source, at: tokenID) else { return false }
            instance.tokens[tokenID]?.local[mapping.target] = VariableValue(value)
        }
        return true
    }

    func isJoin(_ node: FlowNode) -> Bool {
        switch node.kind {
        case .parallelGateway, .inclusiveGateway: node.incoming.count > 1
        default: false
        }
    }

    mutating func setState(_ tokenID: String, _ state: TokenState) {
        instance.tokens.update(tokenID) { $0.state = state }
    }
}
