// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation

extension Engine {
    /// Starts an instance and runs it to its first wait states.
    /// - Returns: the instance after that first step (`isEnded` when it already finished).
    public func startProcessInstance(
        _ process: DeployedProcess, businessKey: String?, variables: [String: VariableValue],
        startNodeID: String? = nil
    ) async throws -> ProcessInstance {
        let runtime = try Runtime.start(
            process: process, businessKey: businessKey, variables: variables, startNodeID: startNodeID,
            now: clock.now())
        try await commit(runtime, isNew: true)
        return runtime.instance
    }

    /// A running instance.
    public func processInstance(_ id: String) async throws -> ProcessInstance {
        guard let instance = try await store.instance(id) else { throw WorkflowError.instanceNotFound(id) }
        return instance
    }

    /// Deletes a running instance, cancelling its tasks.
    public func deleteProcessInstance(_ id: String, reason: String? = nil) async throws {
        try await step(id) { runtime in runtime.cancel(reason: reason) }
    }

    /// Where a correlated message went.
    public enum CorrelationResult: Sendable {
        /// A waiting execution of a running instance received it.
        case execution(executionID: String, instance: ProcessInstance)
        /// A message start event started a new instance.
        case processDefinition(instance: ProcessInstance)
    }

    /// Correlates a message to waiting executions, else to message start events (Camunda's order).
    /// - Parameters:
    ///   - all: deliver to every match; otherwise exactly one match is required.
    /// - Throws: `.mismatchingCorrelation` when `all` is false and there is not exactly one match.
    public func correlateMessage(
        _ name: String, businessKey: String?, processInstanceID: String?,
        correlationKeys: [String: VariableValue], processVariables: [String: VariableValue], all: Bool
    ) async throws -> [CorrelationResult] {
        var matches: [SubscriptionRef] = []
        for subscription in try await store.messageSubscriptions(named: name) {
            if let processInstanceID, subscription.instanceID != processInstanceID { continue }
            if let businessKey, subscription.businessKey != businessKey { continue }
            if !correlationKeys.isEmpty {
                guard let instance = try await store.instance(subscription.instanceID),
                      correlationKeys.allSatisfy({ instance.variables[$0.key]?.expressionValue == $0.value.expressionValue })
                else { continue }
            }
            if !all, matches.contains(where: { $0.instanceID == subscription.instanceID }) { continue }
            matches.append(subscription)
        }
        let mismatch = { (reason: String) in
            WorkflowError(.mismatchingCorrelation, "Cannot correlate message '\(name)': \(reason)")
        }
        if !matches.isEmpty {
            if !all, matches.count > 1 {
                throw mismatch("\(matches.count) executions match the correlation keys")
            }
            var results: [CorrelationResult] = []
            for match in matches {
                let instance = try await step(match.instanceID) { runtime throws(WorkflowError) in
                    try runtime.correlateMessage(match.subscriptionID, variables: processVariables)
                }
                let executionID = instance.tokens.values.first?.id ?? instance.id
                results.append(.execution(executionID: executionID, instance: instance))
            }
            return results
        }
        let starts = processInstanceID != nil ? [] : processDefinitions().filter { process in
            (try? latestProcess(key: process.key))?.id == process.id && process.definition.messageStartEvents[name] != nil
        }
        if starts.isEmpty {
            if all { return [] }
            throw mismatch("No process definition or execution matches the parameters")
        }
        if !all, starts.count > 1 { throw mismatch("\(starts.count) process definitions start with this message") }
        var results: [CorrelationResult] = []
        for process in starts {
            let node = process.definition.messageStartEvents[name]!
            let instance = try await startProcessInstance(
                process, businessKey: businessKey, variables: processVariables, startNodeID: node.id)
            results.append(.processDefinition(instance: instance))
        }
        return results
    }

    /// Completes a user task.
    public func completeUserTask(_ id: String, variables: [String: VariableValue]) async throws {
        guard let task = try await store.userTasks().first(where: { $0.id == id }) else {
            throw WorkflowError(.notFound, "Cannot find task with id \(id)")
        }
        try await step(task.processInstanceID) { runtime throws(WorkflowError) in
            try runtime.completeUserTask(id, variables: variables)
        }
    }

    /// Fires every due timer: instance timers, then timer start events. Returns how many fired.
    @discardableResult
    public func fireDueTimers() async throws -> Int {
        let now = clock.now()
        var fired = 0
        for timer in try await store.dueTimers(at: now, limit: 1000) {
            do {
                try await step(timer.instanceID) { runtime throws(WorkflowError) in try runtime.fireTimer(timer.timerID) }
                fired += 1
            } catch let error as WorkflowError where error.code == .notFound {
                continue  // already fired or cancelled by a concurrent step
            }
        }
        for var timer in try await store.startTimers() where timer.dueDate <= now {
            guard let process = try? process(id: timer.processDefinitionID),
                  case .startEvent(.timer(let definition)) = process.definition.nodes[timer.nodeID]?.kind,
                  let spec = definition.spec
            else { continue }
            timer.firedCount += 1
            if let next = spec.nextDue(after: timer.dueDate, firedCount: timer.firedCount) {
                timer.dueDate = next
                try await store.saveStartTimer(timer)
            } else {
                try await store.removeStartTimer(timer.id)
            }
            _ = try await startProcessInstance(process, businessKey: nil, variables: [:], startNodeID: timer.nodeID)
            fired += 1
        }
        return fired
    }
}
