// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation

/// A deployment: a named set of resources and the process definitions deployed from them.
public struct Deployment: Sendable, Hashable {
    public let id: String
    public let name: String?
    public let source: String?
    public let deploymentTime: Date
    public let tenantID: String?
    /// Resource name -> bytes, for every resource of the deployment (BPMN or not).
    public let resources: [String: [UInt8]]
    /// The process definitions this deployment created.
    public let processes: [DeployedProcess]

    public init(
        id: String, name: String?, source: String?, deploymentTime: Date, tenantID: String?,
        resources: [String: [UInt8]], processes: [DeployedProcess]
    ) {
        self.id = id
        self.name = name
        self.source = source
        self.deploymentTime = deploymentTime
        self.tenantID = tenantID
        self.resources = resources
        self.processes = processes
    }
}

/// One version of a process definition, as deployed. Immutable; a class so steps share it instead of copying it.
public final class DeployedProcess: Sendable, Hashable {
    /// `key:version:uuid`, Camunda's process definition id.
    public let id: String
    public let key: String
    public let version: Int
    public let deploymentID: String
    public let resourceName: String
    public let definition: ProcessDefinition
    public let tenantID: String?
    /// The `targetNamespace` of the BPMN file, which Camunda reports as the definition's category.
    public let category: String?

    public var name: String? { definition.name }
    public var versionTag: String? { definition.versionTag }

    public init(
        id: String, key: String, version: Int, deploymentID: String, resourceName: String,
        definition: ProcessDefinition, tenantID: String?, category: String? = nil
    ) {
        self.id = id
        self.key = key
        self.version = version
        self.deploymentID = deploymentID
        self.resourceName = resourceName
        self.definition = definition
        self.tenantID = tenantID
        self.category = category
    }

    /// An equal definition that shares no object with this one, parsed again from `bytes` (its BPMN resource), or
    /// nil when they no longer hold it. The engine gives each group of cores its replica (`Engine.resolveProcess`):
    /// every step retains the definition, its id string and its nodes, and reference counts that the cores of a
    /// busy engine all write are its hottest cache lines.
    func replica(parsing bytes: [UInt8]) -> DeployedProcess? {
        guard let definitions = try? BPMNParser.parse(bytes, resourceName: resourceName),
              let definition = definitions.processes.first(where: { $0.id == key }), definition == self.definition
        else { return nil }
        // Strings longer than 15 bytes are objects: copied into new storage, not retained.
        func fresh(_ text: String) -> String { String(decoding: Array(text.utf8), as: UTF8.self) }
        return DeployedProcess(
            id: fresh(id), key: fresh(key), version: version, deploymentID: fresh(deploymentID),
            resourceName: fresh(resourceName), definition: definition, tenantID: tenantID.map(fresh),
            category: category.map(fresh))
    }

    public static func == (left: DeployedProcess, right: DeployedProcess) -> Bool {
        left === right || (left.id == right.id && left.definition == right.definition)
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(id) }
}
