// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing

@testable import BPMN

/// The XML reader never loads external entities or DTDs and never expands entity bombs.
struct XMLSafetyTests {
    @Test func externalEntityIsNeverRead() throws {
        let secret = "secret-\(UUID().uuidString)"
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("xxe-\(UUID().uuidString).txt")
        try secret.write(to: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: path) }
        let xml = """
            <?xml version="1.0"?>
            <!DOCTYPE definitions [<!ENTITY xxe SYSTEM "file://\(path.path)">]>
            <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">
              <process id="p" name="&xxe;" isExecutable="true"><startEvent id="s"/></process>
            </definitions>
            """
        let error = #expect(throws: BPMNParseError.self) { try BPMNParser.parse(xml, resourceName: "xxe.bpmn") }
        #expect(error?.description.contains(secret) == false)
        #expect(error?.issues.first?.line == 2)
    }

    @Test func billionLaughsIsRejectedQuickly() throws {
        var entities = "<!ENTITY lol \"lol\">"
        for level in 1...9 {
            let previous = level == 1 ? "lol" : "lol\(level - 1)"
            entities += "<!ENTITY lol\(level) \"" + String(repeating: "&\(previous);", count: 10) + "\">"
        }
        let xml = "<?xml version=\"1.0\"?><!DOCTYPE lolz [\(entities)]>"
            + "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\"><process id=\"&lol9;\"/></definitions>"
        let start = Date()
        #expect(throws: BPMNParseError.self) { try BPMNParser.parse(xml, resourceName: "lol.bpmn") }
        #expect(Date().timeIntervalSince(start) < 1)
    }

    @Test func malformedXMLNamesLineAndColumn() {
        let xml = "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\">\n<process id=\"p\">\n</definitions>"
        let error = #expect(throws: BPMNParseError.self) { try BPMNParser.parse(xml, resourceName: "bad.bpmn") }
        #expect(error?.issues.first?.line == 3)
        #expect(error?.description.hasPrefix("bad.bpmn: line 3") == true)
    }

    @Test func emptyDocumentIsAnError() {
        let error = #expect(throws: BPMNParseError.self) { try BPMNParser.parse([UInt8](), resourceName: "empty.bpmn") }
        #expect(error?.issues.first?.message == "Document is empty")
    }
}
