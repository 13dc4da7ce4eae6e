// SPDX-License-Identifier: Apache-2.0

extension ParseContext {
    /// Parses one flow element by tag; nil (with an issue recorded) when it is invalid or unsupported.
    mutating func flowNode(_ element: XMLElement, id: String, parentID: String?) -> FlowNode? {
        let kind: FlowNodeKind?
        switch element.name {
        case "startEvent": kind = startEvent(element)
        case "endEvent": kind = endEvent(element)
        case "intermediateCatchEvent": kind = catchTrigger(element).map { .intermediateCatchEvent($0) }
        case "intermediateThrowEvent": kind = throwEvent(element)
        case "boundaryEvent": kind = boundaryEvent(element)
        case "serviceTask", "sendTask", "businessRuleTask": kind = externalTask(element).map { .serviceTask($0) }
        case "userTask": kind = .userTask
        case "receiveTask": kind = messageName(element["messageRef"], at: element).map { .receiveTask(messageName: $0) }
        case "task", "manualTask": kind = .task
        case "exclusiveGateway": kind = .exclusiveGateway
        case "parallelGateway": kind = .parallelGateway
        case "inclusiveGateway": kind = .inclusiveGateway
        case "eventBasedGateway": kind = eventBasedGateway(element)
        case "subProcess": kind = subProcess(element)
        case "callActivity": kind = callActivity(element)
        case "scriptTask":
            fail(element, "<scriptTask> is not supported: this engine runs no scripts; model the work as an external "
                + "service task (camunda:type=\"external\")")
            kind = nil
        default:
            fail(element, "<\(element.name)> is not supported by this engine")
            kind = nil
        }
        guard let kind else { return nil }
        checkListeners(element)
        let multiInstance = element.bpmnChild("multiInstanceLoopCharacteristics").flatMap { self.multiInstance($0) }
        if element.bpmnChild("standardLoopCharacteristics") != nil {
            fail(element, "<standardLoopCharacteristics> is not supported; use multiInstanceLoopCharacteristics")
        }
        let (inputs, outputs) = ioMappings(element)
        return FlowNode(
            id: id, name: element["name"], kind: kind, parentID: parentID,
            defaultFlow: element["default"], multiInstance: multiInstance, inputs: inputs, outputs: outputs,
            isAsync: element.camunda("asyncBefore") == "true" || element.camunda("asyncAfter") == "true",
            line: element.line, elementType: Self.elementType(element))
    }

    static func elementType(_ element: XMLElement) -> String {
        switch element.name {
        case "intermediateCatchEvent":
            if element.bpmnChild("timerEventDefinition") != nil { return "intermediateTimer" }
            return "intermediateMessageCatch"
        case "intermediateThrowEvent":
            return element.bpmnChild("messageEventDefinition") != nil ? "intermediateMessageThrowEvent"
                : "intermediateNoneThrowEvent"
        case "endEvent":
            if element.bpmnChild("errorEventDefinition") != nil { return "errorEndEvent" }
            if element.bpmnChild("terminateEventDefinition") != nil { return "terminateEndEvent" }
            if element.bpmnChild("messageEventDefinition") != nil { return "messageEndEvent" }
            return "noneEndEvent"
        case "startEvent":
            if element.bpmnChild("timerEventDefinition") != nil { return "startTimerEvent" }
            if element.bpmnChild("messageEventDefinition") != nil { return "messageStartEvent" }
            return "startEvent"
        case "boundaryEvent":
            if element.bpmnChild("errorEventDefinition") != nil { return "boundaryError" }
            if element.bpmnChild("timerEventDefinition") != nil { return "boundaryTimer" }
            return "boundaryMessage"
        default: return element.name
        }
    }

    /// The event definitions of an event element, rejecting the ones this engine does not run.
    mutating func eventDefinitions(_ element: XMLElement, allowed: Set<String>) -> [XMLElement]? {
        let definitions = element.children.filter {
            $0.namespace == BPMNNamespace.model && $0.name.hasSuffix("EventDefinition")
        }
        if element.bpmnChild("eventDefinitionRef") != nil {
            fail(element, "eventDefinitionRef is not supported; define the event inline")
            return nil
        }
        for definition in definitions where !allowed.contains(definition.name) {
            fail(element, "<\(element.name)> with <\(definition.name)> is not supported by this engine")
            return nil
        }
        if definitions.count > 1 {
            fail(element, "events with several event definitions are not supported")
            return nil
        }
        return definitions
    }

    mutating func startEvent(_ element: XMLElement) -> FlowNodeKind? {
        guard let definition = eventDefinitions(element, allowed: ["messageEventDefinition", "timerEventDefinition"])
        else { return nil }
        guard let first = definition.first else { return .startEvent(.none) }
        return trigger(first, at: element).map { .startEvent($0) }
    }

    mutating func catchTrigger(_ element: XMLElement) -> EventTrigger? {
        guard let definition = eventDefinitions(element, allowed: ["messageEventDefinition", "timerEventDefinition"])
        else { return nil }
        guard let first = definition.first else {
            fail(element, "an intermediate catch event needs a timer or message event definition")
            return nil
        }
        return trigger(first, at: element)
    }

    mutating func trigger(_ definition: XMLElement, at element: XMLElement) -> EventTrigger? {
        if definition.name == "timerEventDefinition" {
            return timer(definition, at: element).map { .timer($0) }
        }
        return messageName(definition["messageRef"], at: element).map { .message(name: $0) }
    }

    mutating func messageName(_ reference: String?, at element: XMLElement) -> String? {
        guard let reference, !reference.isEmpty else {
            fail(element, "a message event or receive task needs a messageRef")
            return nil
        }
        guard let name = messages[reference] else {
            fail(element, "messageRef '\(reference)' names no <message> of this file")
            return nil
        }
        return name
    }

    mutating func timer(_ definition: XMLElement, at element: XMLElement) -> TimerDefinition? {
        let candidates: [(String, TimerKind)] = [
            ("timeDate", .timeDate), ("timeDuration", .timeDuration), ("timeCycle", .timeCycle),
        ]
        for (tag, kind) in candidates {
            guard let child = definition.bpmnChild(tag) else { continue }
            let text = child.trimmedText
            if text.contains("${") || text.contains("#{") || text.hasPrefix("=") {
                return expression(text, at: element, what: tag).map {
                    TimerDefinition(kind: kind, spec: nil, expression: $0)
                }
            }
            do {
                return TimerDefinition(kind: kind, spec: try TimerSpec.parse(kind: kind, text: text), expression: nil)
            } catch {
                fail(element, "invalid \(tag) '\(text)': \(error)")
                return nil
            }
        }
        fail(element, "a timer event needs timeDate, timeDuration or timeCycle")
        return nil
    }

    mutating func endEvent(_ element: XMLElement) -> FlowNodeKind? {
        guard let definitions = eventDefinitions(
            element, allowed: ["errorEventDefinition", "terminateEventDefinition", "messageEventDefinition"])
        else { return nil }
        guard let definition = definitions.first else { return .endEvent(.none) }
        switch definition.name {
        case "terminateEventDefinition": return .endEvent(.terminate)
        case "errorEventDefinition":
            guard let reference = definition["errorRef"] else { return .endEvent(.error(code: nil, message: nil)) }
            guard let error = errors[reference] else {
                fail(element, "errorRef '\(reference)' names no <error> of this file")
                return nil
            }
            return .endEvent(.error(code: error.errorCode ?? error.id, message: error.name))
        default:
            return .endEvent(.message(optionalExternalTask(element, definition: definition)))
        }
    }

    mutating func throwEvent(_ element: XMLElement) -> FlowNodeKind? {
        guard let definitions = eventDefinitions(element, allowed: ["messageEventDefinition"]) else { return nil }
        guard let definition = definitions.first else { return .intermediateThrowEvent(nil) }
        return .intermediateThrowEvent(optionalExternalTask(element, definition: definition))
    }

    /// A message throw event is an external task when it (or its message definition) carries one.
    mutating func optionalExternalTask(_ element: XMLElement, definition: XMLElement) -> ExternalTaskDefinition? {
        for candidate in [element, definition] where Self.hasImplementation(candidate) {
            return externalTask(candidate)
        }
        return nil
    }

    mutating func boundaryEvent(_ element: XMLElement) -> FlowNodeKind? {
        guard let attachedTo = element["attachedToRef"] else {
            fail(element, "a boundary event needs attachedToRef")
            return nil
        }
        guard let definitions = eventDefinitions(
            element, allowed: ["errorEventDefinition", "timerEventDefinition", "messageEventDefinition"]),
            let definition = definitions.first
        else {
            if issues.last?.elementID != element.id { fail(element, "a boundary event needs an event definition") }
            return nil
        }
        let cancel = element["cancelActivity"]?.lowercased() != "false"
        let trigger: BoundaryEvent.Trigger
        switch definition.name {
        case "errorEventDefinition":
            var code: String?
            if let reference = definition["errorRef"] {
                guard let error = errors[reference] else {
                    fail(element, "errorRef '\(reference)' names no <error> of this file")
                    return nil
                }
                code = error.errorCode ?? error.id
            }
            trigger = .error(
                code: code, codeVariable: definition.camunda("errorCodeVariable"),
                messageVariable: definition.camunda("errorMessageVariable"))
        case "timerEventDefinition":
            guard let timer = timer(definition, at: element) else { return nil }
            trigger = .timer(timer)
        default:
            guard let name = messageName(definition["messageRef"], at: element) else { return nil }
            trigger = .message(name: name)
        }
        if case .error = trigger, !cancel {
            fail(element, "an error boundary event always interrupts (cancelActivity=\"false\" is invalid)")
            return nil
        }
        return .boundaryEvent(BoundaryEvent(attachedTo: attachedTo, cancelActivity: cancel, trigger: trigger))
    }

    mutating func eventBasedGateway(_ element: XMLElement) -> FlowNodeKind? {
        if element["instantiate"]?.lowercased() == "true" {
            fail(element, "instantiating event-based gateways are not supported")
            return nil
        }
        return .eventBasedGateway
    }

    mutating func subProcess(_ element: XMLElement) -> FlowNodeKind? {
        if element["triggeredByEvent"]?.lowercased() == "true" {
            fail(element, "event sub-processes are not supported by this engine")
            return nil
        }
        return .subProcess
    }
}
