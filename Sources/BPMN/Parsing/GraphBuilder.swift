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
        for flow in pendingFlows {
            nodes[flow.sourceID]?.outgoing.append(flow.id)
            nodes[flow.targetID]?.incoming.append(flow.id)
        }
        for (boundaryID, activityID) in pendingBoundaries {
            nodes[activityID]?.boundaryEventIDs.append(boundaryID)
        }
        pendingFlows = []
        pendingBoundaries = []
    }
}
