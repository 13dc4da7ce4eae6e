// SPDX-License-Identifier: Apache-2.0
import BPMN
import Workflow

/// `GET /process-instance/{id}/activity-instances`: Camunda's ActivityInstanceDto tree, built from where the
/// instance's tokens rest. Sub-processes nest their scope's activities; a multi-instance activity is a
/// `multiInstanceBody` instance holding one child per running iteration.
struct ActivityInstanceTree {
    let instance: ProcessInstance
    let process: DeployedProcess
    let incidents: [Incident]

    func root() -> ExpressionValue {
        node(
            id: instance.id, parent: nil, activityID: process.id, type: "processDefinition",
            name: process.name, executionIDs: [instance.id], children: children(ofScope: instance.id, parent: instance.id))
    }

    private func children(ofScope scopeID: String, parent: String) -> [ExpressionValue] {
        instance.tokens.values.filter { $0.scopeID == scopeID }.sorted { $0.id < $1.id }.compactMap { token in
            guard let flowNode = process.definition.nodes[token.nodeID] else { return nil }
            switch token.state {
            case .active, .waitingJoin: return nil  // a token at a join is not an activity instance in Camunda
            case .waitingScope(let inner) where instance.scopes[inner]?.kind == .multiInstanceBody:
                let iterations = instance.scopes.values.filter { $0.parentID == inner }.sorted { $0.id < $1.id }
                    .flatMap { children(ofScope: $0.id, parent: token.activityInstanceID) }
                return node(
                    id: token.activityInstanceID, parent: parent, activityID: flowNode.id + "#multiInstanceBody",
                    type: "multiInstanceBody", name: flowNode.name, executionIDs: [token.id], children: iterations)
            case .waitingScope(let inner):
                return node(
                    id: token.activityInstanceID, parent: parent, activityID: flowNode.id, type: flowNode.elementType,
                    name: flowNode.name, executionIDs: [token.id],
                    children: children(ofScope: inner, parent: token.activityInstanceID))
            default:
                return node(
                    id: token.activityInstanceID, parent: parent, activityID: flowNode.id, type: flowNode.elementType,
                    name: flowNode.name, executionIDs: [token.id], children: [])
            }
        }
    }

    private func node(
        id: String, parent: String?, activityID: String, type: String, name: String?, executionIDs: [String],
        children: [ExpressionValue]
    ) -> ExpressionValue {
        let own = incidents.filter { executionIDs.contains($0.executionID) }
        return .object([
            "id": .string(id), "parentActivityInstanceId": DTO.string(parent), "activityId": .string(activityID),
            "activityType": .string(type), "processInstanceId": .string(instance.id),
            "processDefinitionId": .string(process.id), "childActivityInstances": .array(children),
            "childTransitionInstances": .array([]), "executionIds": .array(executionIDs.map { .string($0) }),
            "activityName": DTO.string(name), "name": DTO.string(name),
            "incidentIds": .array(own.map { .string($0.id) }),
            "incidents": .array(own.map { .object(["id": .string($0.id), "activityId": .string($0.activityID)]) }),
        ])
    }
}
