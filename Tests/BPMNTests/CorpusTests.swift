// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing

@testable import BPMN

/// Every file of `../shared/bpmn-corpus` (2,640 real BPMN files): well-formed files parse or are rejected with a
/// message naming the element; broken files give a parse error with a line number; nothing crashes.
///
/// The corpus lives beside the checkout, not in it. A user's clone without `../shared` skips this suite;
/// in CI (`CI` set) a missing corpus fails it.
@Suite(.enabled(if: Corpus.root != nil || ProcessInfo.processInfo.environment["CI"] != nil,
                "../shared/bpmn-corpus is absent (a user's clone): corpus tests skipped"))
struct CorpusTests {
    static var root: URL? { Corpus.root }
}

/// Where the shared corpus is, if it is there.
enum Corpus {
    static let root: URL? = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/bpmn-corpus")
        return FileManager.default.fileExists(atPath: url.appendingPathComponent("INDEX.tsv").path) ? url : nil
    }()
}

extension CorpusTests {
    struct Row {
        let path: String
        let wellFormed: Bool
        let externals: Int
    }

    static func rows(_ root: URL) throws -> [Row] {
        let text = try String(contentsOf: root.appendingPathComponent("INDEX.tsv"), encoding: .utf8)
        let lines = text.split(separator: "\n").dropFirst()
        return lines.map { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return Row(path: fields[0], wellFormed: fields[4] == "yes", externals: Int(fields[9]) ?? 0)
        }
    }

    @Test func everyFileParsesOrFailsClearly() throws {
        guard let root = Self.root else {
            Issue.record("CI run without ../shared/bpmn-corpus")
            return
        }
        let rows = try Self.rows(root)
        #expect(rows.count == 2639)
        var parsed = 0, rejected = 0, malformed = 0, processes = 0, externalTasks = 0
        var reasons: [String: Int] = [:]
        for row in rows {
            let bytes = Array(try Data(contentsOf: root.appendingPathComponent(row.path)))
            do {
                let definitions = try BPMNParser.parse(bytes, resourceName: row.path)
                #expect(row.wellFormed, "\(row.path) is marked not well-formed but parsed")
                parsed += 1
                processes += definitions.processes.count
                externalTasks += definitions.processes.flatMap(\.nodes.values).filter {
                    if case .serviceTask = $0.kind { return true }
                    return false
                }.count
            } catch {
                #expect(!error.issues.isEmpty)
                if row.wellFormed {
                    rejected += 1
                    for issue in error.issues {
                        // Each problem names its element: by id, or by tag when the element has no id.
                        #expect(issue.elementID != nil || issue.message.contains("<"), "\(row.path): \(issue)")
                        #expect(issue.line != nil, "\(row.path): \(issue)")
                        reasons[Self.reason(issue.message), default: 0] += 1
                    }
                } else {
                    malformed += 1
                    #expect((error.issues.first?.line ?? 0) > 0, "\(row.path): no line number in \(error)")
                }
            }
        }
        #expect(malformed == rows.filter { !$0.wellFormed }.count)
        #expect(parsed + rejected + malformed == rows.count)
        print("corpus: files=\(rows.count) parsed=\(parsed) rejected=\(rejected) malformed=\(malformed) "
            + "processes=\(processes) externalTasks=\(externalTasks)")
        for (reason, count) in reasons.sorted(by: { $0.value > $1.value }).prefix(12) {
            print("corpus: rejected \(count)x \(reason)")
        }
    }

    /// Groups messages by their first words, for the summary.
    static func reason(_ message: String) -> String {
        String(message.split(separator: ":").first ?? "").prefix(70).description
    }

    @Test(arguments: [
        "camunda-bpm-platform/engine/src/test/resources/org/camunda/bpm/engine/test/api/repository/diagram/testXxeParsingIsDisabled.bpmn20.xml",
        "camunda-bpm-platform/engine/src/test/resources/org/camunda/bpm/engine/test/bpmn/parse/BpmnParseTest.testParseProcessDefinitionXXE.bpmn20.xml",
    ])
    func xxeFilesAreRejected(path: String) throws {
        guard let root = Self.root else {
            Issue.record("CI run without ../shared/bpmn-corpus")
            return
        }
        let bytes = Array(try Data(contentsOf: root.appendingPathComponent(path)))
        #expect(String(decoding: bytes, as: UTF8.self).contains("<!ENTITY"))
        let error = #expect(throws: BPMNParseError.self) { try BPMNParser.parse(bytes, resourceName: path) }
        #expect(error?.issues.first?.message.contains("<!DOCTYPE>") == true)
    }
}
