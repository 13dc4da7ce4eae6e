// SPDX-License-Identifier: Apache-2.0
import Foundation

/// Message correlation (REST `POST /message`).
extension Engine {
    /// What a message is, whom it is for and what it carries.
    public struct MessageCorrelation: Sendable {
        public var name: String
        public var businessKey: String?
        public var processInstanceID: String?
        public var tenantID: String?
        public var withoutTenantID = false
        /// Must equal process-scope variables of the receiving instance.
        public var correlationKeys: [String: VariableValue] = [:]
        /// Must equal local variables of the receiving execution.
        public var localCorrelationKeys: [String: VariableValue] = [:]
        /// Set on the process scope before the receiving event continues.
        public var processVariables: [String: VariableValue] = [:]
        /// Set on the receiving execution, for its output mappings.
        public var processVariablesLocal: [String: VariableValue] = [:]
        /// Set on the scope the message triggers (the catching event's sub-process or the process).
        public var processVariablesToTriggeredScope: [String: VariableValue] = [:]
        /// Deliver to every match; otherwise exactly one match is required.
        public var all = false

        public init(name: String) { self.name = name }
    }

    /// Where a correlated message went.
    public enum CorrelationResult: Sendable {
        /// A waiting execution of a running instance received it.
        case execution(executionID: String, instance: ProcessInstance)
        /// A message start event started a new instance.
        case processDefinition(instance: ProcessInstance)
    }

    /// Correlates a message by name with business key and process-scope keys (the common case).
    public func correlateMessage(
        _ name: String, businessKey: String?, processInstanceID: String?,
        correlationKeys: [String: VariableValue], processVariables: [String: VariableValue], all: Bool
    ) async throws -> [CorrelationResult] {
        var message = MessageCorrelation(name: name)
        message.businessKey = businessKey
        message.processInstanceID = processInstanceID
        message.correlationKeys = correlationKeys
        message.processVariables = processVariables
        message.all = all
        return try await correlate(message)
    }

    /// Correlates a message to waiting executions, else to message start events (Camunda's order).
    /// - Throws: `.mismatchingCorrelation` when `all` is false and there is not exactly one match.
    public func correlate(_ message: MessageCorrelation) async throws -> [CorrelationResult] {
        let mismatch = { (reason: String) in
            WorkflowError(.mismatchingCorrelation, "Cannot correlate message '\(message.name)': \(reason)")
        }
        let matches = try await waitingSubscriptions(for: message)
        if !matches.isEmpty {
            if !message.all, matches.count > 1 { throw mismatch("\(matches.count) executions match the correlation keys") }
            var results: [CorrelationResult] = []
            for match in matches {
                var executionID = match.instanceID
                let instance = try await step(match.instanceID) { runtime throws(WorkflowError) in
                    executionID = runtime.instance.messages[match.subscriptionID]?.tokenID ?? match.instanceID
                    try runtime.correlateMessage(
                        match.subscriptionID, variables: message.processVariables,
                        localVariables: message.processVariablesLocal, scopeVariables: message.processVariablesToTriggeredScope)
                }
                results.append(.execution(executionID: executionID, instance: instance))
            }
            return results
        }
        let starts = message.processInstanceID != nil || !message.localCorrelationKeys.isEmpty ? [] : startingDefinitions(message)
        if starts.isEmpty {
            if message.all { return [] }
            throw mismatch("No process definition or execution matches the parameters")
        }
        if !message.all, starts.count > 1 { throw mismatch("\(starts.count) process definitions start with this message") }
        var results: [CorrelationResult] = []
        for process in starts {
            let node = process.definition.messageStartEvents[message.name]!
            let instance = try await startProcessInstance(
                process, businessKey: message.businessKey,
                variables: message.processVariables.merging(message.processVariablesToTriggeredScope) { $1 }, startNodeID: node.id)
            results.append(.processDefinition(instance: instance))
        }
        return results
    }

    /// Subscriptions waiting for the message that pass every filter; without `all`, one per instance.
    private func waitingSubscriptions(for message: MessageCorrelation) async throws -> [SubscriptionRef] {
        var matches: [SubscriptionRef] = []
        let needsInstance = !message.correlationKeys.isEmpty || !message.localCorrelationKeys.isEmpty
            || message.tenantID != nil || message.withoutTenantID
        for subscription in try await store.messageSubscriptions(named: message.name) {
            if let id = message.processInstanceID, subscription.instanceID != id { continue }
            if let key = message.businessKey, subscription.businessKey != key { continue }
            if needsInstance {
                guard let instance = try await store.instance(subscription.instanceID),
                      try accepts(instance, subscription, message)
                else { continue }
            }
            if !message.all, matches.contains(where: { $0.instanceID == subscription.instanceID }) { continue }
            matches.append(subscription)
        }
        return matches
    }

    private func accepts(
        _ instance: ProcessInstance, _ subscription: SubscriptionRef, _ message: MessageCorrelation
    ) throws -> Bool {
        let tenant = try? process(id: instance.definitionID).tenantID
        if let id = message.tenantID, tenant != id { return false }
        if message.withoutTenantID, tenant != nil { return false }
        let same = { (variables: [String: VariableValue], keys: [String: VariableValue]) in
            keys.allSatisfy { variables[$0.key]?.expressionValue == $0.value.expressionValue }
        }
        guard same(instance.variables, message.correlationKeys) else { return false }
        guard !message.localCorrelationKeys.isEmpty else { return true }
        let tokenID = instance.messages[subscription.subscriptionID]?.tokenID
        let local = tokenID.flatMap { instance.tokens[$0]?.local } ?? [:]
        return same(local, message.localCorrelationKeys)
    }

    /// The latest definitions (of the message's tenant, or without tenant) that start with the message.
    private func startingDefinitions(_ message: MessageCorrelation) -> [DeployedProcess] {
        let all = processDefinitions()
        return all.filter { process in
            guard process.definition.messageStartEvents[message.name] != nil else { return false }
            if let tenant = message.tenantID, process.tenantID != tenant { return false }
            if message.tenantID == nil, message.withoutTenantID, process.tenantID != nil { return false }
            return !all.contains { $0.key == process.key && $0.tenantID == process.tenantID && $0.version > process.version }
        }
    }
}
