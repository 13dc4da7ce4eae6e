// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation

extension Engine {
    /// A resource to deploy.
    public struct Resource: Sendable {
        public let name: String
        public let bytes: [UInt8]
        public init(name: String, bytes: [UInt8]) {
            self.name = name
            self.bytes = bytes
        }

        /// Camunda parses `.bpmn` and `.bpmn20.xml`; content that declares the BPMN namespace counts too.
        var isBPMN: Bool {
            let lower = name.lowercased()
            if lower.hasSuffix(".bpmn") || lower.hasSuffix(".bpmn20.xml") { return true }
            guard !lower.contains(".") || lower.hasSuffix(".xml") else { return false }
            let head = String(decoding: bytes.prefix(4096), as: UTF8.self)
            return head.contains(BPMNNamespace.model) && head.contains("definitions")
        }
    }

    /// The result of a deployment: the deployment and whether it deployed anything new.
    public struct DeploymentResult: Sendable {
        public let deployment: Deployment
        /// False when duplicate filtering found nothing changed and returned the previous deployment.
        public let isNew: Bool
    }

    /// Deploys resources: parses every BPMN resource, versions each process key, schedules timer start events.
    /// - Throws: `WorkflowError` `.parse` naming every invalid resource, `.invalidRequest` with no resources.
    public func deploy(
        name: String?, source: String? = nil, tenantID: String? = nil, resources: [Resource],
        enableDuplicateFiltering: Bool = false, deployChangedOnly: Bool = false
    ) async throws -> DeploymentResult {
        guard !resources.isEmpty else {
            throw WorkflowError(.invalidRequest, "No deployment resources contained in the form upload.")
        }
        var parsed: [(Resource, Definitions)] = []
        var failures: [BPMNParseError] = []
        for resource in resources where resource.isBPMN {
            do {
                parsed.append((resource, try BPMNParser.parse(resource.bytes, resourceName: resource.name)))
            } catch {
                failures.append(error)
            }
        }
        if !failures.isEmpty {
            let summary = failures.flatMap { failure in failure.issues.map { "\(failure.resourceName): \($0)" } }
            throw WorkflowError(.parse, "ENGINE-09005 Could not parse BPMN process. Errors: \n* "
                + summary.joined(separator: "\n* "), parseErrors: failures)
        }
        let previous = repository.withLock { repository in
            repository.deployments.values.filter { $0.name == name && $0.source == source && $0.tenantID == tenantID }
                .max { $0.deploymentTime < $1.deploymentTime }
        }
        var changed = parsed
        if enableDuplicateFiltering || deployChangedOnly, let previous {
            let modified = parsed.filter { previous.resources[$0.0.name] != $0.0.bytes }
            if modified.isEmpty { return DeploymentResult(deployment: previous, isNew: false) }
            if deployChangedOnly { changed = modified }
        }
        let deploymentID = IDGenerator.next()
        let now = clock.now()
        let processes: [DeployedProcess] = repository.withLock { repository in
            changed.flatMap { resource, definitions in
                definitions.processes.map { definition in
                    let versions = repository.byID.values.filter { $0.key == definition.id && $0.tenantID == tenantID }
                    let version = (versions.map(\.version).max() ?? 0) + 1
                    let id = "\(definition.id):\(version):\(IDGenerator.next())"
                    return DeployedProcess(
                        id: id.count > 64 ? IDGenerator.next() : id, key: definition.id, version: version,
                        deploymentID: deploymentID, resourceName: resource.name, definition: definition,
                        tenantID: tenantID, category: definitions.targetNamespace)
                }
            }
        }
        let deployment = Deployment(
            id: deploymentID, name: name, source: source, deploymentTime: now, tenantID: tenantID,
            resources: Dictionary(resources.map { ($0.name, $0.bytes) }) { $1 }, processes: processes)
        try await store.saveDeployment(deployment)
        repository.withLock { $0.add(deployment) }
        try await scheduleStartTimers(for: processes)
        logger.info("deployed", metadata: [
            "deployment": "\(deploymentID)", "processes": "\(processes.map(\.id).joined(separator: ","))",
        ])
        return DeploymentResult(deployment: deployment, isNew: true)
    }

    /// Replaces the timer start events of older versions with those of the new ones.
    private func scheduleStartTimers(for processes: [DeployedProcess]) async throws {
        let keys = Set(processes.map(\.key))
        for timer in try await store.startTimers() {
            if let old = try? process(id: timer.processDefinitionID), keys.contains(old.key),
               !processes.contains(where: { $0.id == old.id }) {
                try await store.removeStartTimer(timer.id)
            }
        }
        for process in processes {
            for node in process.definition.timerStartEvents {
                guard case .startEvent(.timer(let timer)) = node.kind, let spec = timer.spec,
                      let due = spec.firstDue(after: clock.now())
                else { continue }
                try await store.saveStartTimer(StartTimer(
                    id: IDGenerator.next(), processDefinitionID: process.id, nodeID: node.id, dueDate: due,
                    firedCount: 0))
            }
        }
    }

    /// All deployed process definitions, oldest first.
    public func processDefinitions() -> [DeployedProcess] {
        repository.withLock { Array($0.byID.values) }.sorted { ($0.key, $0.version) < ($1.key, $1.version) }
    }

    /// The latest version of a key without tenant.
    public func latestProcess(key: String) throws(WorkflowError) -> DeployedProcess {
        guard let process = repository.withLock({ $0.latestByKey[key] }) else {
            throw WorkflowError(.definitionNotFound, "No matching process definition with key: \(key) and no tenant-id")
        }
        return process
    }

    /// The latest version of a key without tenant, reloading the definitions once if this replica knows none.
    public func resolveLatestProcess(key: String) async throws -> DeployedProcess {
        if let process = try? latestProcess(key: key) { return process }
        try await syncRepository()
        return try latestProcess(key: key)
    }

    /// The latest version of a key deployed for a tenant.
    public func latestProcess(key: String, tenantID: String) throws(WorkflowError) -> DeployedProcess {
        let latest = repository.withLock { repository in
            repository.byID.values.filter { $0.key == key && $0.tenantID == tenantID }.max { $0.version < $1.version }
        }
        guard let latest else {
            throw WorkflowError(.definitionNotFound, "No matching process definition with key: \(key) and tenant-id: \(tenantID)")
        }
        return latest
    }

    /// A definition by id.
    public func processDefinition(id: String) throws(WorkflowError) -> DeployedProcess { try process(id: id) }

    /// The tenant a definition was deployed for; nil without tenant or when the definition is gone.
    public func tenantID(ofDefinition id: String) -> String? { (try? process(id: id))?.tenantID }

    /// All deployments, oldest first.
    public func deployments() -> [Deployment] {
        repository.withLock { Array($0.deployments.values) }.sorted { $0.deploymentTime < $1.deploymentTime }
    }
}

extension Engine {
    /// Deletes a deployment; with `cascade`, its running instances are deleted first.
    public func deleteDeployment(_ id: String, cascade: Bool) async throws {
        guard let deployment = repository.withLock({ $0.deployments[id] }) else {
            throw WorkflowError(.notFound, "Deployment with id '\(id)' does not exist")
        }
        let definitionIDs = Set(deployment.processes.map(\.id))
        let running = try await store.instances(definitionKey: nil).filter { definitionIDs.contains($0.definitionID) }
        if !running.isEmpty, !cascade {
            throw WorkflowError(.badUserRequest, "Deletion of deployment '\(id)' is not possible: \(running.count) "
                + "process instances are still running (use cascade=true)")
        }
        for instance in running { try await deleteProcessInstance(instance.id, reason: "deployment deleted") }
        if cascade {
            // Camunda's cascade also deletes the historic instances of the deployment's definitions.
            let ended = try await store.historicProcessInstances().filter { definitionIDs.contains($0.processDefinitionID) }
            try await store.deleteHistory(of: ended.map(\.id))
        }
        for timer in try await store.startTimers() where definitionIDs.contains(timer.processDefinitionID) {
            try await store.removeStartTimer(timer.id)
        }
        try await store.deleteDeployment(id)
        repository.withLock { repository in
            repository = Repository()
        }
        try await loadRepository()
    }
}
