// SPDX-License-Identifier: Apache-2.0

/// A parsed and validated BPMN file: its executable processes plus the messages and errors they reference.
public struct Definitions: Sendable, Hashable {
    /// The file (resource) name the definitions were read from.
    public let resourceName: String
    /// `targetNamespace` of `<definitions>`.
    public let targetNamespace: String?
    /// Executable processes, in document order. Non-executable processes are skipped, as Camunda does.
    public let processes: [ProcessDefinition]
    /// `<bpmn:message>` names by id.
    public let messages: [String: String]
    /// `<bpmn:error>` declarations by id.
    public let errors: [String: ErrorDeclaration]
}

/// A `<bpmn:error>` declaration.
public struct ErrorDeclaration: Sendable, Hashable, Codable {
    public let id: String
    public let name: String?
    /// The code workers report with `bpmnError` and boundary events match on.
    public let errorCode: String?
}
