// SPDX-License-Identifier: Apache-2.0
import Foundation
import Hummingbird

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

    /// Splits a body at `--boundary` lines (RFC 7578). Anything malformed is a 400, never a crash: the parser
    /// only compares bytes and never indexes by their value.
    static func parts(_ buffer: ByteBuffer, boundary: String) throws -> [Part] {
        let bytes = Array(buffer.readableBytesView)
        let delimiter = Array("--\(boundary)".utf8)
        let crlf: [UInt8] = [13, 10]
        guard !boundary.isEmpty, var index = find(delimiter, in: bytes, from: 0) else { throw malformed("no boundary line") }
        var parts: [Part] = []
        while true {
            index += delimiter.count
            if bytes[index...].starts(with: [45, 45]) { return parts }  // "--": the closing delimiter
            while index < bytes.count, bytes[index] == 32 || bytes[index] == 9 { index += 1 }  // transport padding
            guard bytes[index...].starts(with: crlf) else { throw malformed("a boundary line must end with CRLF") }
            index += 2
            var part = Part()
            let headersEnd: Int
            if bytes[index...].starts(with: crlf) {
                headersEnd = index
            } else {
                guard let end = find(crlf + crlf, in: bytes, from: index) else { throw malformed("unterminated part headers") }
                headersEnd = end + 2
            }
            for line in bytes[index..<headersEnd].split(separator: 10) {
                let text = String(decoding: line.last == 13 ? line.dropLast() : line, as: UTF8.self)
                guard let colon = text.firstIndex(of: ":") else { continue }
                read(header: text[..<colon].trimmingCharacters(in: .whitespaces),
                     value: text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces), into: &part)
            }
            let contentStart = headersEnd + 2
            guard let next = find(crlf + delimiter, in: bytes, from: contentStart) else {
                throw malformed("a part is not closed by a boundary line")
            }
            part.body = Array(bytes[contentStart..<next])
            parts.append(part)
            index = next + 2
        }
    }

    private static func read(header name: String, value: String, into part: inout Part) {
        switch name.lowercased() {
        case "content-type": part.contentType = value
        case "content-disposition":
            for parameter in value.split(separator: ";") {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard pair.count == 2 else { continue }
                let text = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                switch pair[0].lowercased() {
                case "name": part.name = text
                case "filename": part.fileName = text
                default: break
                }
            }
        default: break
        }
    }

    /// The first offset of `needle` in `haystack` at or after `start`.
    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        var index = start
        while index <= haystack.count - needle.count {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }

    private static func malformed(_ reason: String) -> CamundaErrorResponse {
        CamundaErrorResponse(status: .badRequest, type: "InvalidRequestException",
                             message: "The multipart body could not be read: \(reason)")
    }
}
