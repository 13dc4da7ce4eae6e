// SPDX-License-Identifier: Apache-2.0

/// Collects nodes and flows of one process while parsing, wiring incoming/outgoing and boundary events.
struct GraphBuilder {
    var nodes: [String: FlowNode] = [:]
    var flows: [String: SequenceFlow] = [:]
    var order: [String] = []
    /// Ids of elements that were rejected; flows to them are not reported again.
    var rejected: Set<String> = []
    private var pendingFlows: [SequenceFlow] = []

    mutating func add(_ node: FlowNode) {
        nodes[node.id] = node
        order.append(node.id)
        if case .boundaryEvent(let boundary) = node.kind {
            pendingBoundaries.append((node.id, boundary.attachedTo))
        }
    }

    private var pendingBoundaries: [(String, String)] = []

    mutating func add(_ flow: SequenceFlow, line: Int, issues: inout [BPMNParseError.Issue]) {
        if flows[flow.id] != nil {
            issues.append(.init(line: line, elementID: flow.id, message: "duplicate sequence flow id"))
            return
        }
        flows[flow.id] = flow
        pendingFlows.append(flow)
    }

    /// Wires flows and boundary events once every node is known. Dangling references are left for the validator.
    mutating func finish() {
        var incoming: [String: [String]] = [:]
        var outgoing: [String: [String]] = [:]
        var boundaries: [String: [String]] = [:]
        for flow in pendingFlows {
            outgoing[flow.sourceID, default: []].append(flow.id)
            incoming[flow.targetID, default: []].append(flow.id)
        }
        for (boundaryID, activityID) in pendingBoundaries { boundaries[activityID, default: []].append(boundaryID) }
        for (id, node) in nodes {
            nodes[id] = node.wired(
                incoming: incoming[id] ?? [], outgoing: outgoing[id] ?? [], boundaryEventIDs: boundaries[id] ?? [])
        }
        pendingFlows = []
        pendingBoundaries = []
    }
}
