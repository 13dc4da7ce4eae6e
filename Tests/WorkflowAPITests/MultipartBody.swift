// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Workflow
@testable import WorkflowAPI

/// A multipart/form-data body built by hand, as the clients send it.
struct MultipartBody {
    struct Part {
        let name: String
        let fileName: String?
        let content: String
        var contentType = "application/octet-stream"
    }

    let boundary = "----WorkflowTestBoundary7MA4YWxkTrZu0gW"
    var parts: [Part] = []

    mutating func field(_ name: String, _ value: String) { parts.append(Part(name: name, fileName: nil, content: value)) }
    mutating func file(_ name: String, fileName: String?, _ content: String,
                       contentType: String = "application/octet-stream") {
        parts.append(Part(name: name, fileName: fileName, content: content, contentType: contentType))
    }

    var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    var body: ByteBuffer {
        var text = ""
        for part in parts {
            text += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(part.name)\""
            if let fileName = part.fileName { text += "; filename=\"\(fileName)\"" }
            text += "\r\n"
            if part.fileName != nil { text += "Content-Type: \(part.contentType)\r\n" }
            text += "\r\n\(part.content)\r\n"
        }
        text += "--\(boundary)--\r\n"
        return ByteBuffer(string: text)
    }
}

extension TestClientProtocol {
    func deploy(_ multipart: MultipartBody) async throws -> TestResponse {
        try await execute(uri: "/engine-rest/deployment/create", method: .post,
                          headers: [.contentType: multipart.contentType], body: multipart.body)
    }

    func deploy(name: String, file: String = "two-steps.bpmn", _ xml: String, duplicateFiltering: Bool = false)
        async throws -> TestResponse
    {
        var form = MultipartBody()
        form.field("deployment-name", name)
        if duplicateFiltering { form.field("enable-duplicate-filtering", "True") }
        form.file("data", fileName: file, xml)
        return try await deploy(form)
    }
}
