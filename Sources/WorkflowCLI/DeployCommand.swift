// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import BPMN
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `workflow deploy FILE... --url`: deploys BPMN files to a running engine (this one or Camunda 7).
struct DeployCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy", abstract: "Deploy BPMN files to a running engine over REST.")

    @Argument(help: "BPMN files to deploy.") var files: [String]
    @Option(help: "Base URL of the REST API.") var url = "http://localhost:8080/engine-rest"
    @Option(help: "Deployment name.") var name = "workflow-cli"

    func run() async throws {
        let boundary = "workflow-\(UUID().uuidString)"
        var body: [UInt8] = []
        func field(_ name: String, _ value: String) {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        field("deployment-name", name)
        field("deployment-source", "workflow deploy")
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
            let fileName = (file as NSString).lastPathComponent
            body += Array(("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(fileName)\"; filename=\"\(fileName)\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").utf8)
            body += Array(data)
            body += Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        guard let endpoint = URL(string: url.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/deployment/create")
        else { throw ValidationError("invalid --url \(url)") }
        var request = URLRequest(url: endpoint, timeoutInterval: 60)
        request.httpMethod = "POST"
        request.setValue("multipart/form-data; boundary=\(boundary)", forHTTPHeaderField: "Content-Type")
        let (data, response) = try await URLSession.shared.upload(for: request, from: Data(body))
        print(String(decoding: data, as: UTF8.self))
        if (response as? HTTPURLResponse)?.statusCode != 200 { throw ExitCode(1) }
    }
}
