// SPDX-License-Identifier: Apache-2.0

/// Checks the wiring of a parsed process: dangling references, scopes, start events, gateway defaults.
struct DefinitionValidator {
    let process: ProcessDefinition
    let processElement: XMLElement
    /// Elements already reported as invalid.
    let rejected: Set<String>
    private(set) var issues: [BPMNParseError.Issue] = []

    init(process: ProcessDefinition, processElement: XMLElement, rejected: Set<String>) {
        self.process = process
        self.processElement = processElement
        self.rejected = rejected
    }

    private mutating func fail(_ line: Int?, _ id: String?, _ message: String) {
        issues.append(.init(line: line, elementID: id, message: message))
    }

    mutating func validate() {
        for flowID in process.flows.keys.sorted() { validateFlow(process.flows[flowID]!) }
        for node in process.nodeOrder.compactMap({ process.nodes[$0] }) { validateNode(node) }
        validateStarts(scope: nil, line: processElement.line, id: process.id)
        for node in process.nodes.values where node.kind == .subProcess {
            validateStarts(scope: node.id, line: node.line, id: node.id)
        }
    }

    private mutating func validateFlow(_ flow: SequenceFlow) {
        if rejected.contains(flow.sourceID) || rejected.contains(flow.targetID) { return }
        guard let source = process.nodes[flow.sourceID] else {
            return fail(flow.line, flow.id, "sourceRef '\(flow.sourceID)' names no flow node of this process")
        }
        guard let target = process.nodes[flow.targetID] else {
            return fail(flow.line, flow.id, "targetRef '\(flow.targetID)' names no flow node of this process")
        }
        if source.parentID != target.parentID {
            fail(flow.line, flow.id, "a sequence flow cannot cross a sub-process boundary "
                + "('\(source.id)' and '\(target.id)' are in different scopes)")
        }
        if case .endEvent = source.kind { fail(flow.line, flow.id, "an end event cannot have outgoing flows") }
        if case .startEvent = target.kind { fail(flow.line, flow.id, "a start event cannot have incoming flows") }
        if case .boundaryEvent = target.kind { fail(flow.line, flow.id, "a boundary event cannot have incoming flows") }
    }

    private mutating func validateNode(_ node: FlowNode) {
        if let defaultFlow = node.defaultFlow, !node.outgoing.contains(defaultFlow) {
            fail(node.line, node.id, "default flow '\(defaultFlow)' is not an outgoing flow of this element")
        }
        switch node.kind {
        case .exclusiveGateway, .inclusiveGateway, .parallelGateway, .eventBasedGateway:
            if node.outgoing.isEmpty { fail(node.line, node.id, "a gateway needs at least one outgoing flow") }
        default: break
        }
        if case .eventBasedGateway = node.kind {
            for flow in process.outgoing(node) {
                guard let target = process.nodes[flow.targetID] else { continue }
                switch target.kind {
                case .intermediateCatchEvent, .receiveTask:
                    if target.incoming.count > 1 {
                        fail(target.line, target.id, "an event after an event-based gateway may have only one incoming flow")
                    }
                default:
                    fail(target.line, target.id, "an event-based gateway may only lead to intermediate catch events "
                        + "or receive tasks")
                }
            }
        }
        if case .boundaryEvent(let boundary) = node.kind {
            if rejected.contains(boundary.attachedTo) { return }
            guard let activity = process.nodes[boundary.attachedTo] else {
                return fail(node.line, node.id, "attachedToRef '\(boundary.attachedTo)' names no activity of this process")
            }
            if !activity.isActivity {
                fail(node.line, node.id, "boundary events attach to activities, not to '\(activity.id)' (\(activity.elementType))")
            }
            if activity.parentID != node.parentID {
                fail(node.line, node.id, "a boundary event must be in the same scope as its activity")
            }
        }
        if case .startEvent(let trigger) = node.kind, node.parentID != nil, trigger != .none {
            fail(node.line, node.id, "an embedded sub-process may only have a none start event")
        }
        if case .callActivity(let call) = node.kind, call.calledElement.isLiteral,
           call.calledElement.source == process.id, node.multiInstance == nil {
            // Recursion is legal BPMN; it only loops forever without a guard. Nothing to report.
        }
    }

    private mutating func validateStarts(scope: String?, line: Int, id: String) {
        let starts = process.children(of: scope).filter {
            if case .startEvent = $0.kind { return true }
            return false
        }
        if scope == nil {
            if starts.isEmpty { fail(line, id, "the process has no start event") }
            let noneStarts = starts.filter { $0.kind == .startEvent(.none) }
            if noneStarts.count > 1 { fail(line, id, "a process may have only one none start event") }
            var names: Set<String> = []
            for start in starts {
                guard case .startEvent(.message(let name)) = start.kind else { continue }
                if !names.insert(name).inserted {
                    fail(start.line, start.id, "two message start events of one process use message '\(name)'")
                }
            }
        } else if starts.count != 1 {
            fail(line, id, "an embedded sub-process needs exactly one none start event (found \(starts.count))")
        }
    }
}
