// SPDX-License-Identifier: Apache-2.0
import CHiredis

/// A Redis reply, converted eagerly from hiredis's `redisReply` tree (which is freed right after).
public enum RedisReply: Sendable, Hashable {
    case bulk([UInt8])
    case status(String)
    case integer(Int64)
    case array([RedisReply])
    case null
    case error(String)

    /// The reply as text: bulk strings and status replies; nil otherwise.
    public var string: String? {
        switch self {
        case .bulk(let bytes): String(decoding: bytes, as: UTF8.self)
        case .status(let text): text
        case .integer(let value): String(value)
        default: nil
        }
    }

    public var bytes: [UInt8]? {
        if case .bulk(let bytes) = self { bytes } else { nil }
    }

    public var integer: Int64? {
        switch self {
        case .integer(let value): value
        case .bulk(let bytes): Int64(String(decoding: bytes, as: UTF8.self))
        default: nil
        }
    }

    public var array: [RedisReply] {
        if case .array(let elements) = self { elements } else { [] }
    }

    public var isNull: Bool { self == .null }

    init(_ reply: UnsafePointer<redisReply>) {
        let value = reply.pointee
        switch value.type {
        case REDIS_REPLY_STRING:
            self = .bulk(value.str.map { Array(UnsafeRawBufferPointer(start: $0, count: value.len)) } ?? [])
        case REDIS_REPLY_STATUS:
            self = .status(value.str.map { String(cString: $0) } ?? "")
        case REDIS_REPLY_ERROR:
            self = .error(value.str.map { String(cString: $0) } ?? "")
        case REDIS_REPLY_INTEGER:
            self = .integer(value.integer)
        case REDIS_REPLY_ARRAY:
            self = .array((0..<value.elements).map { RedisReply(UnsafePointer(value.element[$0]!)) })
        default:
            self = .null
        }
    }
}
