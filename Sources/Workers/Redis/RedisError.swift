// SPDX-License-Identifier: Apache-2.0

/// A failure talking to Redis.
public struct RedisError: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable, Hashable {
        /// The connection could not be made or broke (the connection is dropped and made anew next time).
        case connection
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
