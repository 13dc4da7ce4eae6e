// SPDX-License-Identifier: Apache-2.0
import Foundation

/// What the engine must do after an instance step; computed without I/O by `Runtime`.
///
/// The rare cases with wide payloads are indirect: every step builds an array of effects, each as large as the
/// largest inline case.
public enum Effect: Sendable, Hashable {
    case createExternalTask(ExternalTask)
    case deleteExternalTask(String)
    indirect case createUserTask(UserTask)
    case deleteUserTask(String)
    /// Start a child instance for a call activity, with the id the parent already waits on.
    indirect case startChildInstance(id: String, parent: ParentLink, definitionKey: String,
                            variables: [String: VariableValue], businessKey: String?)
    /// Cancel a child instance whose call activity was cancelled.
    case cancelChildInstance(String)
    /// Report this instance's end to the call activity that waits for it.
    indirect case notifyParent(ParentLink, ChildOutcome)
    indirect case raiseIncident(Incident)
    /// Resolve the incidents of a token that moved on or was cancelled.
    case resolveIncidents(executionID: String)
    case activityStarted(HistoricActivityInstance)
    case activityEnded(id: String, at: Date, canceled: Bool)
    /// Local variables of an execution or a sub-process scope that ended, kept in the history.
    case variablesRetired([HistoricVariableInstance])
    /// The instance ended; it leaves the runtime.
    case instanceEnded(HistoricProcessInstance.State)
}

/// How a child instance ended, as its call activity sees it.
public enum ChildOutcome: Sendable, Hashable {
    case completed([String: VariableValue])
    case bpmnError(code: String, message: String?)
}
