// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation

/// Applies one event to a process instance and collects the effects. No I/O, no async.
///
/// Each event method moves tokens until every token rests at a wait state, then returns; the engine reads
/// `instance` and `effects` and commits both atomically.
public struct Runtime: Sendable {
    public internal(set) var instance: ProcessInstance
    public let process: DeployedProcess
    let now: Date
    public internal(set) var effects: [Effect] = []
    /// Tokens to move, in order (a queue instead of recursion keeps long chains off the stack).
    var pending = TokenQueue()

    /// The process graph, held once (reading it through `process` would copy the struct on every access).
    let definition: ProcessDefinition

    public init(instance: ProcessInstance, process: DeployedProcess, now: Date) {
        self.instance = instance
        self.process = process
        self.definition = process.definition
        self.now = now
        effects.reserveCapacity(8)
    }

    /// Starts a new instance at the none start event, or at `startNodeID` (a message or timer start event).
    public static func start(
        id: String = IDGenerator.next(), process: DeployedProcess, businessKey: String?,
        variables: [String: VariableValue], startNodeID: String? = nil, parent: ParentLink? = nil, now: Date
    ) throws(WorkflowError) -> Runtime {
        guard let start = startNodeID.flatMap({ process.definition.nodes[$0] })
            ?? process.definition.noneStartEvent(in: nil)
        else {
            throw WorkflowError(.badUserRequest, "Process definition \(process.id) has no none start event; "
                + "start it with a message or timer")
        }
        var runtime = fresh(id: id, process: process, businessKey: businessKey, variables: variables, parent: parent, now: now)
        runtime.spawn(at: start.id, scope: id)
        runtime.run()
        return runtime
    }

    /// A runtime over a new, empty instance: its process scope holds the variables, no token yet.
    static func fresh(
        id: String, process: DeployedProcess, businessKey: String?, variables: [String: VariableValue],
        parent: ParentLink?, now: Date
    ) -> Runtime {
        let root = Scope(id: id, kind: .process, parentID: nil, ownerTokenID: nil, variables: variables)
        let instance = ProcessInstance(
            id: id, definitionID: process.id, definitionKey: process.key, businessKey: businessKey, startTime: now,
            superInstance: parent, scopes: [id: root])
        return Runtime(instance: instance, process: process, now: now)
    }

    /// A worker completed an external task.
    public mutating func completeExternalTask(
        _ taskID: String, variables: [String: VariableValue], localVariables: [String: VariableValue]
    ) throws(WorkflowError) {
        let tokenID = try token(waitingOn: .waitingTask(taskID), what: "External task \(taskID)")
        effects.append(.deleteExternalTask(taskID))
        if !localVariables.isEmpty { instance.tokens.update(tokenID) { $0.local.merge(localVariables) { $1 } } }
        setVariables(variables, from: tokenID)
        leave(tokenID)
        run()
    }

    /// A worker reported a BPMN error on an external task: caught by a boundary event, else the path ends.
    public mutating func handleBpmnError(
        _ taskID: String, code: String, message: String?, variables: [String: VariableValue]
    ) throws(WorkflowError) {
        let tokenID = try token(waitingOn: .waitingTask(taskID), what: "External task \(taskID)")
        effects.append(.deleteExternalTask(taskID))
        setVariables(variables, from: tokenID)
        throwError(code: code, message: message, from: tokenID, tokenIsThrower: true)
        run()
    }

    /// A user completed a user task.
    public mutating func completeUserTask(_ taskID: String, variables: [String: VariableValue]) throws(WorkflowError) {
        let tokenID = try token(waitingOn: .waitingUserTask(taskID), what: "Task \(taskID)")
        effects.append(.deleteUserTask(taskID))
        setVariables(variables, from: tokenID)
        leave(tokenID)
        run()
    }

    /// A timer of this instance is due.
    public mutating func fireTimer(_ timerID: String) throws(WorkflowError) {
        guard let timer = instance.timers[timerID] else {
            throw WorkflowError(.notFound, "Timer \(timerID) does not exist in process instance \(instance.id)")
        }
        instance.timers[timerID] = nil
        trigger(nodeID: timer.nodeID, tokenID: timer.tokenID, timer: timer)
        run()
    }

    /// A message was correlated to a subscription of this instance.
    public mutating func correlateMessage(
        _ subscriptionID: String, variables: [String: VariableValue], localVariables: [String: VariableValue] = [:],
        scopeVariables: [String: VariableValue] = [:]
    ) throws(WorkflowError) {
        guard let subscription = instance.messages[subscriptionID] else {
            throw WorkflowError(.notFound, "Message subscription \(subscriptionID) does not exist")
        }
        instance.messages[subscriptionID] = nil
        instance.scopes[instance.id]?.variables.merge(variables) { $1 }
        if !scopeVariables.isEmpty, let scopeID = instance.tokens[subscription.tokenID]?.scopeID {
            instance.scopes[scopeID]?.variables.merge(scopeVariables) { $1 }
        }
        if !localVariables.isEmpty { instance.tokens[subscription.tokenID]?.local.merge(localVariables) { $1 } }
        trigger(nodeID: subscription.nodeID, tokenID: subscription.tokenID, timer: nil)
        run()
    }

    /// A child instance started by a call activity ended.
    public mutating func childEnded(tokenID: String, outcome: ChildOutcome) throws(WorkflowError) {
        guard let token = instance.tokens[tokenID], case .waitingCall = token.state,
              case .callActivity(let call) = definition.nodes[token.nodeID]?.kind
        else { throw WorkflowError(.notFound, "No call activity waits with execution \(tokenID)") }
        switch outcome {
        case .completed(let childVariables):
            let lookup = { (name: String) in childVariables[name]?.expressionValue }
            var outputs = call.outputAll ? childVariables : [:]
            for mapping in call.outputs {
                guard let value = evaluate(mapping.source, lookup: lookup, at: tokenID) else { return run() }
                outputs[mapping.target] = VariableValue(value)
            }
            setVariables(outputs, from: tokenID)
            leave(tokenID)
        case .bpmnError(let code, let message):
            throwError(code: code, message: message, from: tokenID, tokenIsThrower: true)
        }
        run()
    }

    /// Deletes the instance (REST `DELETE /process-instance/{id}`): cancels everything it waits on.
    public mutating func cancel(reason: String?) {
        for tokenID in instance.tokens.keys.sorted() where instance.tokens[tokenID]?.scopeID == instance.id {
            cancelToken(tokenID)
        }
        instance.tokens = [:]
        instance.isEnded = true
        effects.append(.instanceEnded(.externallyTerminated))
    }

    private func token(waitingOn state: TokenState, what: @autoclosure () -> String) throws(WorkflowError) -> String {
        guard let token = instance.tokens.values.first(where: { $0.state == state }) else {
            throw WorkflowError(.notFound, "\(what()) is not awaited by process instance \(instance.id)")
        }
        return token.id
    }
}
