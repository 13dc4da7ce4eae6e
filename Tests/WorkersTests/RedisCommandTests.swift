// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
@testable import Workers
@testable import Workflow

/// A command with arguments already in RESP (a script's operations) is written as the same command with them as
/// plain arguments.
struct RedisCommandTests {
    private static func resp(_ command: RedisCommand) -> String {
        var buffer: [UInt8] = []
        command.writeRESP(into: &buffer)
        #expect(buffer.count <= command.respSize)
        return String(decoding: buffer, as: UTF8.self)
    }

    @Test func encodedArgumentsAreWrittenAsPlainOnes() {
        var operations = RedisOperations()
        operations.hashSet("inst", [("i1", "{\"a\":\"€\"}"), ("v:i1", "3")])
        operations.hashDelete("task", ["t1", "v:t1"])
        operations.setRemove("itasks:i1", "")
        var command = RedisCommand("EVALSHA", "sha", "1", "wf:{p01}:inst", "wf:{p01}:", "0")
        command.append(encoded: operations.resp, count: operations.count)
        let plain = RedisCommand("EVALSHA", "sha", "1", "wf:{p01}:inst", "wf:{p01}:", "0",
                                 "M", "inst", "2", "i1", "{\"a\":\"€\"}", "v:i1", "3",
                                 "W", "task", "2", "t1", "v:t1", "X", "itasks:i1", "")
        #expect(Self.resp(command) == Self.resp(plain))
        #expect(Self.resp(command).hasPrefix("*21\r\n$7\r\nEVALSHA\r\n"))
        #expect(Self.resp(command).contains("$11\r\n{\"a\":\"€\"}\r\n"), "lengths count bytes, not characters")
        #expect(RedisClusterSlot.key(of: command).map { String(decoding: $0, as: UTF8.self) } == "wf:{p01}:inst")
    }
}
