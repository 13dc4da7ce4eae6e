// SPDX-License-Identifier: Apache-2.0
import Hummingbird
import Testing
@testable import WorkflowAPI

/// The multipart/form-data reader: well-formed bodies split into parts; malformed ones are 400s, never crashes.
struct MultipartFormTests {
    static func parse(_ text: [UInt8], boundary: String = "b") throws -> [MultipartForm.Part] {
        try MultipartForm.parts(ByteBuffer(bytes: text), boundary: boundary)
    }

    @Test func splitsPartsWithHeadersAndBinaryContent() throws {
        let body = Array("preamble\r\n--b\r\nContent-Disposition: form-data; name=\"data\"; filename=\"x.bin\"\r\n"
            .utf8) + Array("Content-Type: text/csv; charset=UTF-8\r\n\r\n".utf8) + [0, 13, 10, 45, 255]
            + Array("\r\n--b\r\nContent-Disposition: form-data; name=\"valueType\"\r\n\r\nFile\r\n--b--\r\n".utf8)
        let parts = try Self.parse(body)
        #expect(parts.count == 2)
        #expect(parts[0].name == "data" && parts[0].fileName == "x.bin")
        #expect(parts[0].contentType == "text/csv; charset=UTF-8")
        #expect(parts[0].body == [0, 13, 10, 45, 255], "CR LF and dashes inside content are content")
        #expect(parts[1].name == "valueType" && parts[1].text == "File")
    }

    @Test func partWithoutHeadersHasAnEmptyName() throws {
        let parts = try Self.parse(Array("--b\r\n\r\nplain\r\n--b--".utf8))
        #expect(parts.count == 1 && parts[0].name.isEmpty && parts[0].text == "plain")
    }

    @Test(arguments: [
        Array("no boundary at all".utf8),
        Array("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nnever closed".utf8),
        Array("--bX".utf8),
        Array("--b\r\nheaders that never end".utf8),
        Array("--b".utf8),
        Array("--b\r\n".utf8),
        // A header name with bytes >= 128: crashed the MultipartKit parser this replaces.
        Array("--b\r\n".utf8) + [0xC3, 0xA9, 0xFF] + Array(": x\r\n\r\nv\r\n--b--".utf8),
    ])
    func malformedBodiesAreRejectedOrReadSafely(body: [UInt8]) {
        do {
            let parts = try Self.parse(body)
            #expect(parts.allSatisfy { $0.name.isEmpty }, "only the header-name case parses, as a nameless part")
        } catch let error as CamundaErrorResponse {
            #expect(error.status == .badRequest)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}
