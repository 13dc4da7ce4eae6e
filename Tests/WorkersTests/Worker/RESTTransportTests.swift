// SPDX-License-Identifier: Apache-2.0
import Testing

@testable import Workers

/// The REST transport against an engine without this server's extensions (a Camunda 7 engine).
struct RESTTransportTests {
    @Test func completesFallBackToOneRequestEachWhereTheManyTaskCallIsMissing() async throws {
        let server = try await HTTP1ClientTests.TestServer(group: HTTP1ClientTests.group)
        let transport = RESTTransport(baseURL: "http://127.0.0.1:\(server.port)/camunda")
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in 0..<20 {
                    group.addTask { try await transport.complete("t\(n)", workerID: "w", variables: [:], localVariables: [:]) }
                }
                try await group.waitForAll()
            }
            try await transport.complete("t20", workerID: "w", variables: [:], localVariables: [:])
            let paths = server.paths
            #expect(paths.filter { $0 == "/camunda/external-task/complete" }.count == 1, "asked once, then never again")
            #expect(Set(paths.filter { $0 != "/camunda/external-task/complete" })
                == Set((0...20).map { "/camunda/external-task/t\($0)/complete" }))
            #expect(paths.count == 22)
        } catch {
            try await transport.shutdown()
            try await server.close()
            throw error
        }
        try await transport.shutdown()
        try await server.close()
    }
}
