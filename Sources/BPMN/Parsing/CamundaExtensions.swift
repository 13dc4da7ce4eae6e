// SPDX-License-Identifier: Apache-2.0

/// Camunda 7 (`camunda:`) and Camunda 8 (`zeebe:`) extension attributes and elements.
extension ParseContext {
    static func hasImplementation(_ element: XMLElement) -> Bool {
        element.camunda("type") != nil || element.camunda("class") != nil || element.camunda("expression") != nil
            || element.camunda("delegateExpression") != nil || element.camunda("decisionRef") != nil
            || !element.extensions(namespace: { $0 == BPMNNamespace.zeebe })
                .filter { $0.name == "taskDefinition" }.isEmpty
            || !element.extensions(namespace: BPMNNamespace.isCamunda).filter { $0.name == "connector" }.isEmpty
    }

    /// The external-task definition of a service-like element, in either dialect.
    mutating func externalTask(_ element: XMLElement) -> ExternalTaskDefinition? {
        let zeebe = element.extensions(namespace: { $0 == BPMNNamespace.zeebe })
        let camunda = element.extensions(namespace: BPMNNamespace.isCamunda)
        var properties: [ExtensionProperty] = camunda.filter { $0.name == "properties" }
            .flatMap { $0.children.filter { $0.name == "property" } }
            .map { ExtensionProperty(name: $0["name"] ?? "", value: $0["value"] ?? "") }
        let topicText: String
        var retries: Int?
        if let definition = zeebe.first(where: { $0.name == "taskDefinition" }) {
            guard let type = definition["type"], !type.isEmpty else {
                fail(element, "zeebe:taskDefinition needs a type")
                return nil
            }
            topicText = type
            if let text = definition["retries"] {
                guard let value = Int(text), value >= 0 else {
                    fail(element, "zeebe:taskDefinition retries '\(text)' is not a non-negative integer")
                    return nil
                }
                retries = value
            }
            properties += zeebe.filter { $0.name == "taskHeaders" }
                .flatMap { $0.children.filter { $0.name == "header" } }
                .map { ExtensionProperty(name: $0["key"] ?? "", value: $0["value"] ?? "") }
        } else if element.camunda("type")?.lowercased() == "external" {
            guard let topic = element.camunda("topic"), !topic.isEmpty else {
                fail(element, "External tasks must specify a 'topic' attribute in the camunda namespace")
                return nil
            }
            topicText = topic
        } else {
            let how = ["class", "expression", "delegateExpression", "decisionRef", "type"]
                .first { element.camunda($0) != nil }
            if let how {
                fail(element, "<\(element.name)> implemented by camunda:\(how) is not supported: only external tasks "
                    + "(camunda:type=\"external\" camunda:topic=\"...\") run on this engine")
            } else if camunda.contains(where: { $0.name == "connector" }) {
                fail(element, "<\(element.name)> with a camunda:connector is not supported; use an external task")
            } else {
                fail(element, "<\(element.name)> has no implementation: add camunda:type=\"external\" with "
                    + "camunda:topic, or zeebe:taskDefinition type")
            }
            return nil
        }
        guard let topic = expression(topicText, at: element, what: "topic") else { return nil }
        var priority: Expression?
        if let text = element.camunda("taskPriority") {
            priority = expression(text, at: element, what: "camunda:taskPriority")
            if let priority, priority.isLiteral, Int64(text) == nil {
                fail(element, "camunda:taskPriority '\(text)' is neither an integer nor an expression")
                return nil
            }
        }
        let poolText = properties.last { $0.name == "workerPool" }?.value
        let pool = poolText.flatMap { WorkerPoolType(lenient: $0) } ?? .generalPurpose
        if let poolText, WorkerPoolType(lenient: poolText) == nil {
            fail(element, "workerPool '\(poolText)' is not one of "
                + WorkerPoolType.allCases.map(\.rawValue).joined(separator: ", "))
            return nil
        }
        let slotsText = properties.last { $0.name == "slots" }?.value
        let slots = slotsText.flatMap { Int($0) } ?? 1
        if slots < 1 {
            fail(element, "slots '\(slotsText ?? "")' must be a positive integer")
            return nil
        }
        let slotPool = properties.last { $0.name == "slotPool" }?.value
        return ExternalTaskDefinition(
            topic: topic, priority: priority, retries: retries, properties: properties, workerPool: pool,
            slotPool: slotPool?.isEmpty == true ? nil : slotPool, slots: slots)
    }

    /// Rejects listeners and other behaviour-changing extensions this engine cannot run.
    mutating func checkListeners(_ element: XMLElement) {
        for child in element.extensions(namespace: BPMNNamespace.isCamunda) {
            switch child.name {
            case "executionListener", "taskListener":
                fail(element, "camunda:\(child.name) is not supported: this engine runs no Java or script listeners")
            case "errorEventDefinition":
                fail(element, "camunda:errorEventDefinition on external tasks is not supported")
            default: break
            }
        }
    }

    mutating func multiInstance(_ element: XMLElement) -> MultiInstance? {
        let zeebe = element.extensions(namespace: { $0 == BPMNNamespace.zeebe }).first { $0.name == "loopCharacteristics" }
        var cardinality: Expression?
        if let child = element.bpmnChild("loopCardinality") {
            cardinality = expression(child.trimmedText, at: element, what: "loopCardinality")
        }
        var completion: Expression?
        if let child = element.bpmnChild("completionCondition") {
            completion = expression(child.trimmedText, at: element, what: "completionCondition")
        }
        let collectionText = element.camunda("collection") ?? zeebe?["inputCollection"]
        var collection = collectionText.flatMap { expression($0, at: element, what: "collection") }
        if let expression = collection, expression.isLiteral, let text = collectionText {
            // camunda:collection="items" names a variable.
            collection = try? Expression("${\(text)}")
        }
        if cardinality == nil && collection == nil {
            fail(element, "multi-instance needs loopCardinality or a collection")
            return nil
        }
        var outputElement: Expression?
        if let text = zeebe?["outputElement"] { outputElement = expression(text, at: element, what: "outputElement") }
        return MultiInstance(
            isSequential: element["isSequential"]?.lowercased() == "true", loopCardinality: cardinality,
            collection: collection, elementVariable: element.camunda("elementVariable") ?? zeebe?["inputElement"],
            completionCondition: completion, outputCollection: zeebe?["outputCollection"], outputElement: outputElement)
    }

    mutating func ioMappings(_ element: XMLElement) -> ([VariableMapping], [VariableMapping]) {
        var inputs: [VariableMapping] = []
        var outputs: [VariableMapping] = []
        for io in element.extensions(namespace: BPMNNamespace.isCamunda) where io.name == "inputOutput" {
            for parameter in io.children {
                guard let target = parameter["name"] else { continue }
                if !parameter.children.isEmpty {
                    fail(element, "camunda:\(parameter.name) '\(target)' uses a list, map or script value, which is "
                        + "not supported; use an expression")
                    continue
                }
                guard let source = expression(parameter.trimmedText, at: element, what: "camunda:\(parameter.name)")
                else { continue }
                if parameter.name == "inputParameter" { inputs.append(.init(target: target, source: source)) }
                if parameter.name == "outputParameter" { outputs.append(.init(target: target, source: source)) }
            }
        }
        for io in element.extensions(namespace: { $0 == BPMNNamespace.zeebe }) where io.name == "ioMapping" {
            for parameter in io.children {
                guard let target = parameter["target"], let text = parameter["source"],
                      let source = expression(text, at: element, what: "zeebe:\(parameter.name)")
                else { continue }
                if parameter.name == "input" { inputs.append(.init(target: target, source: source)) }
                if parameter.name == "output" { outputs.append(.init(target: target, source: source)) }
            }
        }
        return (inputs, outputs)
    }

    mutating func callActivity(_ element: XMLElement) -> FlowNodeKind? {
        let zeebe = element.extensions(namespace: { $0 == BPMNNamespace.zeebe }).first { $0.name == "calledElement" }
        guard let called = element["calledElement"] ?? zeebe?["processId"], !called.isEmpty else {
            if element.camunda("caseRef") != nil {
                fail(element, "call activities of CMMN cases (camunda:caseRef) are not supported")
            } else {
                fail(element, "a call activity needs calledElement")
            }
            return nil
        }
        if let binding = element.camunda("calledElementBinding"), binding != "latest" {
            fail(element, "camunda:calledElementBinding '\(binding)' is not supported; only 'latest'")
            return nil
        }
        guard let calledElement = expression(called, at: element, what: "calledElement") else { return nil }
        var inputs: [VariableMapping] = []
        var outputs: [VariableMapping] = []
        var inputAll = zeebe != nil
        var outputAll = zeebe.map { $0["propagateAllChildVariables"]?.lowercased() != "false" } ?? false
        var businessKey = false
        for mapping in element.extensions(namespace: BPMNNamespace.isCamunda) where ["in", "out"].contains(mapping.name) {
            let isInput = mapping.name == "in"
            if mapping["variables"] == "all" {
                if isInput { inputAll = true } else { outputAll = true }
                continue
            }
            if mapping["businessKey"] != nil, isInput {
                businessKey = true
                continue
            }
            guard let target = mapping["target"] else {
                fail(element, "camunda:\(mapping.name) needs a target")
                continue
            }
            let sourceText = mapping["sourceExpression"] ?? mapping["source"].map { "${\($0)}" }
            guard let sourceText, let source = expression(sourceText, at: element, what: "camunda:\(mapping.name)")
            else {
                fail(element, "camunda:\(mapping.name) needs source or sourceExpression")
                continue
            }
            if isInput { inputs.append(.init(target: target, source: source)) } else {
                outputs.append(.init(target: target, source: source))
            }
        }
        return .callActivity(CallActivityDefinition(
            calledElement: calledElement, inputAll: inputAll, outputAll: outputAll, inputs: inputs, outputs: outputs,
            passBusinessKey: businessKey))
    }
}
