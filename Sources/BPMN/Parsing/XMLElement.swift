// SPDX-License-Identifier: Apache-2.0

/// One XML element as plain Swift values: the parser's view of the document, detached from libxml2.
struct XMLElement: Sendable {
    struct Attribute: Sendable {
        let namespace: String?
        let name: String
        let value: String
    }

    /// Local name, without prefix.
    let name: String
    /// Namespace URI, or nil for an element in no namespace.
    let namespace: String?
    let attributes: [Attribute]
    let children: [XMLElement]
    /// The element's own text and CDATA content, concatenated, untrimmed.
    let text: String
    /// 1-based source line of the start tag.
    let line: Int

    /// The value of an attribute without a namespace prefix.
    subscript(_ name: String) -> String? {
        attributes.first { $0.namespace == nil && $0.name == name }?.value
    }

    /// The value of a Camunda 7 extension attribute (`camunda:` or legacy `activiti:`).
    func camunda(_ name: String) -> String? {
        attributes.first { BPMNNamespace.isCamunda($0.namespace) && $0.name == name }?.value
    }

    /// The value of an attribute in the given namespace.
    func attribute(_ name: String, namespace: String) -> String? {
        attributes.first { $0.namespace == namespace && $0.name == name }?.value
    }

    /// Child elements in the BPMN model namespace with the given local name.
    func bpmnChildren(_ name: String) -> [XMLElement] {
        children.filter { $0.namespace == BPMNNamespace.model && $0.name == name }
    }

    func bpmnChild(_ name: String) -> XMLElement? {
        children.first { $0.namespace == BPMNNamespace.model && $0.name == name }
    }

    /// Extension elements (`<bpmn:extensionElements>` children) in the given namespace.
    func extensions(namespace matches: (String?) -> Bool) -> [XMLElement] {
        bpmnChildren("extensionElements").flatMap { $0.children }.filter { matches($0.namespace) }
    }

    var trimmedText: String {
        var text = Substring(text)
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }

    /// The `id` attribute, used to name the element in errors.
    var id: String? { self["id"] }
}
