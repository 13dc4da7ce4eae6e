// SPDX-License-Identifier: Apache-2.0

/// A failure talking to Redis.
public struct RedisError: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable, Hashable {
        /// The connection could not be made, or broke before the commands were sent: they did not run.
        case connection
        /// The connection broke after the commands were sent: they may or may not have run.
        case lostReply
        /// Redis answered with an error reply.
        case reply
        /// The reply did not have the shape the caller expected.
        case protocolViolation
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "Redis: \(message)" }
}
