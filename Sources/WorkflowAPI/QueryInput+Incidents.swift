// SPDX-License-Identifier: Apache-2.0
import Workflow

extension QueryInput {
    /// The incident parameters queries share: `incidentId`, `incidentType`, `incidentMessage`, `incidentMessageLike`.
    static let incidentParameters = ["incidentId", "incidentType", "incidentMessage", "incidentMessageLike"]

    /// True when the query sets one of the shared incident parameters.
    var hasIncidentFilter: Bool { Self.incidentParameters.contains(where: has) }

    /// True when the incident meets the shared incident parameters.
    func matches(_ incident: Incident) -> Bool {
        if let id = string("incidentId"), incident.id != id { return false }
        if let type = string("incidentType"), incident.type != type { return false }
        if let message = string("incidentMessage"), incident.message != message { return false }
        if let like = string("incidentMessageLike"), !(incident.message?.matchesLike(like) ?? false) { return false }
        return true
    }
}
