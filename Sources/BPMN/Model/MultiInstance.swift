// SPDX-License-Identifier: Apache-2.0

/// `<bpmn:multiInstanceLoopCharacteristics>`: run an activity once per element or N times.
public struct MultiInstance: Sendable, Hashable {
    public let isSequential: Bool
    /// Number of instances (`loopCardinality`).
    public let loopCardinality: Expression?
    /// Collection to iterate (`camunda:collection` or `zeebe:loopCharacteristics inputCollection`).
    public let collection: Expression?
    /// Local variable holding the current element.
    public let elementVariable: String?
    /// Ends the loop early when true.
    public let completionCondition: Expression?
    /// Zeebe `outputCollection`: variable that collects `outputElement` of every instance.
    public let outputCollection: String?
    public let outputElement: Expression?
}

/// A call activity: which process it starts and which variables cross over.
public struct CallActivityDefinition: Sendable, Hashable {
    /// The called process key.
    public let calledElement: Expression
    /// Copy every variable into the child (`camunda:in variables="all"`, Zeebe default).
    public let inputAll: Bool
    /// Copy every child variable back out (`camunda:out variables="all"`, Zeebe `propagateAllChildVariables`).
    public let outputAll: Bool
    public let inputs: [VariableMapping]
    public let outputs: [VariableMapping]
    /// Pass the business key on (`camunda:in businessKey="#{execution.processBusinessKey}"`).
    public let passBusinessKey: Bool
}
