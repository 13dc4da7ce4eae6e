// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import AsyncHTTPClient
import BPMN
import Foundation
import NIOCore

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
        var request = HTTPClientRequest(url: url.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/deployment/create")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "multipart/form-data; boundary=\(boundary)")
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let text = String(buffer: try await response.body.collect(upTo: 16 * 1024 * 1024))
        print(text)
        if response.status.code != 200 { throw ExitCode(1) }
    }
}
