// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation

extension Engine {
    /// Starts an instance and runs it to its first wait states.
    /// - Returns: the instance after that first step (`isEnded` when it already finished).
    public func startProcessInstance(
        _ process: DeployedProcess, businessKey: String?, variables: [String: VariableValue],
        startNodeID: String? = nil, transient: Set<String> = [], instructions: [StartInstruction] = []
    ) async throws -> ProcessInstance {
        let id = store.newInstanceID()
        // The replica for the instance's partition, not the caller's (shared) definition.
        let process = (try? await resolveProcess(id: process.id, for: id)) ?? process
        var runtime = instructions.isEmpty
            ? try Runtime.start(
                id: id, process: process, businessKey: businessKey, variables: variables, startNodeID: startNodeID,
                now: clock.now())
            : try Runtime.start(
                id: id, process: process, businessKey: businessKey, variables: variables, instructions: instructions,
                now: clock.now())
        runtime.forget(transient)
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
