// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `workflow dead-letters`: lists the external tasks out of retries of a running engine, or gives one retries
/// again (`retry ID`), which resolves its incident.
struct DeadLettersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dead-letters", abstract: "List dead-lettered external tasks, or retry one.",
        subcommands: [List.self, Retry.self], defaultSubcommand: List.self)

    struct Connection: ParsableArguments {
        @Option(help: "Base URL of the REST API.") var url = "http://localhost:8080/engine-rest"

        func send(_ method: String, _ path: String, body: String? = nil) async throws -> (Int, Data) {
            guard let endpoint = URL(string: url.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + path) else {
                throw ValidationError("invalid --url \(url)")
            }
            var request = URLRequest(url: endpoint, timeoutInterval: 30)
            request.httpMethod = method
            if let body {
                request.setValue("application/json", forHTTPHeaderField: "Content-Type")
                request.httpBody = Data(body.utf8)
            }
            let (data, response) = try await URLSession.shared.data(for: request)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the dead letters, one per line.")
        @OptionGroup var connection: Connection
        @Flag(help: "Print the raw JSON instead.") var json = false

        func run() async throws {
            let (status, data) = try await connection.send("GET", "/dead-letter")
            guard status == 200 else {
                FileHandle.standardError.write(data)
                throw ExitCode(1)
            }
            if json { return print(String(decoding: data, as: UTF8.self)) }
            let letters = (try JSONSerialization.jsonObject(with: data) as? [[String: Any]]) ?? []
            for letter in letters {
                let fields = ["id", "topicName", "processInstanceId", "activityId", "incidentTimestamp", "errorMessage"]
                print(fields.map { "\(letter[$0].map { "\($0)" } ?? "-")" }.joined(separator: "\t"))
            }
            if letters.isEmpty { print("no dead letters") }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give a dead-lettered task retries again.")
        @OptionGroup var connection: Connection
        @Argument(help: "The external task id.") var id: String
        @Option(help: "Retries to give it.") var retries = 1

        func run() async throws {
            let path = "/dead-letter/\(id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? id)/retry"
            let (status, data) = try await connection.send("POST", path, body: #"{"retries":\#(retries)}"#)
            guard status == 204 else {
                FileHandle.standardError.write(data)
                throw ExitCode(1)
            }
            print("retrying \(id) with \(retries) retries")
        }
    }
}
