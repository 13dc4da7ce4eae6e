// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Workflow
import WorkflowAPI

/// `workflow serve`: the engine and its REST API on the embedded store.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the engine and the Camunda REST API (/engine-rest).")

    @Option(help: "Address to listen on.") var host = ProcessInfo.processInfo.environment["WORKFLOW_HOST"] ?? "0.0.0.0"
    @Option(help: "Port to listen on.") var port = Int(ProcessInfo.processInfo.environment["WORKFLOW_PORT"] ?? "") ?? 8080
    @Option(help: "Deploy every .bpmn file of this folder at start.") var processes: String?
    @Option(help: "Log level (trace, debug, info, notice, warning, error).") var logLevel = "info"

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = Logger.Level(rawValue: logLevel) ?? .info
            return handler
        }
        let logger = Logger(label: "workflow")
        let engine = Engine(store: MemoryWorkflowStore(), logger: logger)
        if let processes { try await deployFolder(processes, engine: engine, logger: logger) }
        let router = buildRouter(engine: engine, baseURL: "http://\(host == "0.0.0.0" ? "localhost" : host):\(port)/engine-rest")
        let app = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "workflow"),
            services: [TimerService(engine: engine)], logger: logger)
        try await app.runService()
    }

    private func deployFolder(_ folder: String, engine: Engine, logger: Logger) async throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: folder)
            .filter { $0.hasSuffix(".bpmn") || $0.hasSuffix(".bpmn20.xml") }.sorted()
        var resources: [Engine.Resource] = []
        for file in files {
            let path = (folder as NSString).appendingPathComponent(file)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ValidationError("cannot read \(path)")
            }
            resources.append(Engine.Resource(name: file, bytes: Array(data)))
        }
        guard !resources.isEmpty else { return logger.warning("no .bpmn files in \(folder)") }
        do {
            let result = try await engine.deploy(name: "processes", source: folder, resources: resources)
            logger.info("deployed \(result.deployment.processes.count) process definitions from \(folder)")
        } catch let error as WorkflowError {
            throw ValidationError("could not deploy \(folder): \(error.message)")
        }
    }
}
