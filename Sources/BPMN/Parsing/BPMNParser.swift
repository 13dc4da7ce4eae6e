// SPDX-License-Identifier: Apache-2.0

/// Parses BPMN 2.0 XML into validated `Definitions`.
///
/// Unsupported executable elements fail the parse with a message naming them; diagram interchange, lanes,
/// documentation, data objects and other artifacts that do not affect execution are skipped.
public enum BPMNParser {
    /// Parses one BPMN resource.
    /// - Parameters:
    ///   - bytes: the XML document.
    ///   - resourceName: file or resource name, used in error messages.
    /// - Returns: the executable processes, messages and errors of the file.
    /// - Throws: `BPMNParseError` listing every problem found, each with its line and element id.
    public static func parse(_ bytes: [UInt8], resourceName: String) throws(BPMNParseError) -> Definitions {
        let root: XMLElement
        do {
            root = try XMLDocumentReader.read(bytes)
        } catch {
            throw BPMNParseError(
                resourceName: resourceName,
                issues: [.init(line: error.line, column: error.column, elementID: nil, message: error.message)])
        }
        var context = ParseContext()
        let definitions = context.definitions(root, resourceName: resourceName)
        if !context.issues.isEmpty {
            throw BPMNParseError(resourceName: resourceName, issues: context.issues)
        }
        return definitions
    }

    /// Parses a BPMN document given as a string.
    public static func parse(_ text: String, resourceName: String) throws(BPMNParseError) -> Definitions {
        try parse(Array(text.utf8), resourceName: resourceName)
    }
}

/// Mutable state of one parse: the declarations seen so far and the problems found.
struct ParseContext {
    var issues: [BPMNParseError.Issue] = []
    var messages: [String: String] = [:]
    var errors: [String: ErrorDeclaration] = [:]

    /// Records a problem; an element without an id is named by its tag.
    mutating func fail(_ element: XMLElement, _ message: String) {
        let text = element.id == nil && !message.hasPrefix("<") ? "<\(element.name)>: \(message)" : message
        issues.append(.init(line: element.line, elementID: element.id, message: text))
    }

    mutating func definitions(_ root: XMLElement, resourceName: String) -> Definitions {
        guard root.namespace == BPMNNamespace.model, root.name == "definitions" else {
            fail(root, "the root element is <\(root.name)> in namespace '\(root.namespace ?? "")'; "
                + "expected <definitions> in \(BPMNNamespace.model)")
            return Definitions(resourceName: resourceName, targetNamespace: nil, processes: [], messages: [:], errors: [:])
        }
        for message in root.bpmnChildren("message") {
            guard let id = message.id else { fail(message, "<message> needs an id"); continue }
            messages[id] = message["name"] ?? id
        }
        for error in root.bpmnChildren("error") {
            guard let id = error.id else { fail(error, "<error> needs an id"); continue }
            errors[id] = ErrorDeclaration(id: id, name: error["name"], errorCode: error["errorCode"])
        }
        var processes: [ProcessDefinition] = []
        for element in root.bpmnChildren("process") where element["isExecutable"]?.lowercased() != "false" {
            if let process = process(element) { processes.append(process) }
        }
        return Definitions(
            resourceName: resourceName, targetNamespace: root["targetNamespace"], processes: processes,
            messages: messages, errors: errors)
    }

    mutating func process(_ element: XMLElement) -> ProcessDefinition? {
        guard let id = element.id, !id.isEmpty else {
            fail(element, "<process> needs an id (it is the process definition key)")
            return nil
        }
        var graph = GraphBuilder()
        scope(element, parentID: nil, into: &graph)
        graph.finish()
        let issueCount = issues.count
        let process = ProcessDefinition(
            id: id, name: element["name"], versionTag: element.camunda("versionTag"),
            historyTimeToLive: element.camunda("historyTimeToLive").flatMap { Int($0) },
            taskPriority: element.camunda("taskPriority").flatMap { Int($0) },
            isStartableInTasklist: element.camunda("isStartableInTasklist")?.lowercased() != "false",
            nodes: graph.nodes, flows: graph.flows, nodeOrder: graph.order)
        var validator = DefinitionValidator(process: process, processElement: element, rejected: graph.rejected)
        validator.validate()
        issues += validator.issues
        return issues.count == issueCount ? process : nil
    }

    /// Parses the flow elements of a process or sub-process.
    mutating func scope(_ element: XMLElement, parentID: String?, into graph: inout GraphBuilder) {
        for child in element.children {
            guard child.namespace == BPMNNamespace.model else { continue }
            if Self.ignoredElements.contains(child.name) { continue }
            if child.name == "sequenceFlow" {
                if let flow = sequenceFlow(child) { graph.add(flow, line: child.line, issues: &issues) }
                continue
            }
            guard let id = child.id, !id.isEmpty else {
                fail(child, "<\(child.name)> needs an id")
                continue
            }
            guard let node = flowNode(child, id: id, parentID: parentID) else {
                graph.rejected.insert(id)
                continue
            }
            if graph.nodes[id] != nil {
                fail(child, "duplicate id '\(id)'")
                continue
            }
            graph.add(node)
            if child.name == "subProcess", case .subProcess = node.kind {
                scope(child, parentID: id, into: &graph)
            }
        }
    }

    mutating func sequenceFlow(_ element: XMLElement) -> SequenceFlow? {
        guard let source = element["sourceRef"], let target = element["targetRef"] else {
            fail(element, "<sequenceFlow> needs sourceRef and targetRef")
            return nil
        }
        // Camunda accepts flows without an id; name them after their position.
        let id = element.id ?? "sequenceFlow-line\(element.line)-\(source)-\(target)"
        var condition: Expression?
        if let conditionElement = element.bpmnChild("conditionExpression") {
            if let language = conditionElement["language"], !["", "juel", "feel"].contains(language.lowercased()),
               !language.lowercased().contains("juel") {
                fail(element, "condition language '\(language)' is not supported (use JUEL ${...} or FEEL =...)")
            } else if conditionElement.camunda("resource") != nil {
                fail(element, "external condition resources (camunda:resource) are not supported")
            } else {
                condition = expression(conditionElement.trimmedText, at: element, what: "condition")
            }
        }
        return SequenceFlow(
            id: id, name: element["name"], sourceID: source, targetID: target, condition: condition,
            line: element.line)
    }

    /// Parses an expression, reporting a syntax error against the element.
    mutating func expression(_ text: String, at element: XMLElement, what: String) -> Expression? {
        do {
            return try Expression(text)
        } catch {
            fail(element, "invalid \(what): \(error)")
            return nil
        }
    }

    /// Process children that carry no execution semantics.
    static let ignoredElements: Set<String> = [
        "documentation", "extensionElements", "laneSet", "lane", "dataObject", "dataObjectReference",
        "dataStoreReference", "textAnnotation", "association", "group", "ioSpecification", "property",
        "dataInputAssociation", "dataOutputAssociation", "incoming", "outgoing", "auditing", "monitoring",
        "category", "multiInstanceLoopCharacteristics",
    ]
}
