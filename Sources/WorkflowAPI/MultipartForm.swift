// SPDX-License-Identifier: Apache-2.0
import Foundation
import Hummingbird
import MultipartKit

/// A `multipart/form-data` body split into its parts (deployments, binary variable uploads).
enum MultipartForm {
    struct Part {
        var name = ""
        var fileName: String?
        var contentType: String?
        var body: [UInt8] = []

        var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// The parts of a request's body; anything but `multipart/form-data` with a boundary is a 400.
    static func parts(of request: Request, what: String) async throws -> [Part] {
        guard let contentType = request.headers[.contentType], contentType.lowercased().hasPrefix("multipart/form-data"),
              let boundary = boundary(contentType)
        else {
            throw CamundaErrorResponse(status: .badRequest, type: "InvalidRequestException",
                                       message: "\(what) must be sent as multipart/form-data")
        }
        var request = request
        let body = try await request.collectBody(upTo: JSONResponse.maxBodySize)
        return try parts(body, boundary: boundary)
    }

    static func boundary(_ contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    static func parts(_ body: ByteBuffer, boundary: String) throws -> [Part] {
        let parser = MultipartParser(boundary: boundary)
        var parts: [Part] = []
        var current = Part()
        parser.onHeader = { name, value in
            if name.lowercased() == "content-type" { current.contentType = value }
            guard name.lowercased() == "content-disposition" else { return }
            for parameter in value.split(separator: ";") {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard pair.count == 2 else { continue }
                let text = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                if pair[0].lowercased() == "name" { current.name = text }
                if pair[0].lowercased() == "filename" { current.fileName = text }
            }
        }
        parser.onBody = { buffer in current.body += buffer.readableBytesView }
        parser.onPartComplete = {
            parts.append(current)
            current = Part()
        }
        do {
            try parser.execute(body)
        } catch {
            throw CamundaErrorResponse(status: .badRequest, type: "InvalidRequestException",
                                       message: "The multipart body could not be read: \(error)")
        }
        return parts
    }
}
