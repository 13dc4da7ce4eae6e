// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import BPMN
import Foundation

/// `workflow validate FILE...`: parses BPMN files and prints every problem; exits non-zero if any.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate", abstract: "Check BPMN files; print the problems and exit non-zero if there are any.")

    @Argument(help: "BPMN files to check.") var files: [String]

    func run() throws {
        var failed = 0
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                print("\(file): cannot read the file")
                failed += 1
                continue
            }
            do {
                let definitions = try BPMNParser.parse(Array(data), resourceName: file)
                let ids = definitions.processes.map(\.id).joined(separator: ", ")
                print("\(file): ok (\(definitions.processes.count) executable process\(definitions.processes.count == 1 ? "" : "es")\(ids.isEmpty ? "" : ": " + ids))")
            } catch {
                print(error.description)
                failed += 1
            }
        }
        if failed > 0 { throw ExitCode(1) }
    }
}
