// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Hummingbird
import Workflow

/// JSON in and out. Responses carry `Content-Type: application/json` exactly (the JS client compares it).
enum JSONResponse {
    static func make(_ value: ExpressionValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: value.jsonBytes)))
    }

    /// JSON written already.
    static func make(json: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: json)))
    }

    static var noContent: Response { Response(status: .noContent) }

    /// The largest request body accepted (deployments included).
    static let maxBodySize = 16 * 1024 * 1024
}

extension Request {
    /// The body as a JSON object; an empty body or `null` is an empty object.
    mutating func jsonObject() async throws -> JSONObject {
        let buffer = try await collectBody(upTo: JSONResponse.maxBodySize)
        let bytes = buffer.readableBytesView
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return JSONObject([:]) }
        let value: ExpressionValue
        do {
            value = try ExpressionValue.parseJSON(bytes)
        } catch {
            throw CamundaErrorResponse(status: .badRequest, type: "InvalidRequestException", message: "\(error)")
        }
        switch value {
        case .null: return JSONObject([:])
        case .object(let members): return JSONObject(members)
        default:
            throw CamundaErrorResponse(
                status: .badRequest, type: "InvalidRequestException", message: "The request body must be a JSON object")
        }
    }

    /// A query parameter (the first of repeated ones).
    func query(_ name: String) -> String? { FormQuery.pairs(uri).first { $0.name == name }?.value }

    /// A comma-separated or repeated query parameter as a list.
    func queryList(_ name: String) -> [String]? {
        let values = FormQuery.pairs(uri).filter { $0.name == name }.map { $0.value }
        guard !values.isEmpty else { return nil }
        return values.flatMap { $0.split(separator: ",").map(String.init) }
    }

    func queryBool(_ name: String) -> Bool? { query(name).map { $0.lowercased() == "true" } }

    /// `firstResult` / `maxResults` applied to a result list.
    func page<Item>(_ items: [Item]) throws -> ArraySlice<Item> {
        let first = try queryInt("firstResult") ?? 0
        let max = try queryInt("maxResults") ?? Int.max
        guard first >= 0, max >= 0 else {
            throw CamundaErrorResponse(status: .badRequest, type: "InvalidRequestException",
                                       message: "firstResult and maxResults must not be negative")
        }
        return items.dropFirst(first).prefix(max)
    }

    func queryInt(_ name: String) throws -> Int? {
        guard let text = query(name) else { return nil }
        guard let value = Int(text) else {
            throw CamundaErrorResponse(status: .badRequest, type: "InvalidRequestException",
                                       message: "Cannot set query parameter '\(name)' to value '\(text)'")
        }
        return value
    }
}

/// A JSON request object with typed accessors that answer wrong types with a 400.
struct JSONObject {
    let members: [String: ExpressionValue]
    init(_ members: [String: ExpressionValue]) { self.members = members }

    /// The member, with explicit `null` treated as absent.
    subscript(_ key: String) -> ExpressionValue? {
        guard let value = members[key], value != .null else { return nil }
        return value
    }

    private func mismatch(_ key: String, _ expected: String) -> CamundaErrorResponse {
        CamundaErrorResponse(status: .badRequest, type: "InvalidRequestException",
                             message: "Cannot deserialize value of '\(key)': expected \(expected)")
    }

    func string(_ key: String) throws -> String? {
        guard let value = self[key] else { return nil }
        guard case .string(let text) = value else { throw mismatch(key, "a string") }
        return text
    }

    func int64(_ key: String) throws -> Int64? {
        guard let value = self[key] else { return nil }
        switch value {
        case .int(let number): return number
        case .double(let number) where number == number.rounded() && abs(number) < 9e18: return Int64(number)
        case .string(let text) where Int64(text) != nil: return Int64(text)
        default: throw mismatch(key, "an integer")
        }
    }

    func int(_ key: String) throws -> Int? {
        guard let value = try int64(key) else { return nil }
        guard let result = Int32(exactly: value) else { throw mismatch(key, "a 32-bit integer") }
        return Int(result)
    }

    func bool(_ key: String) throws -> Bool? {
        guard let value = self[key] else { return nil }
        switch value {
        case .bool(let flag): return flag
        case .string(let text) where ["true", "false"].contains(text.lowercased()): return text.lowercased() == "true"
        default: throw mismatch(key, "a boolean")
        }
    }

    func stringList(_ key: String) throws -> [String]? {
        guard let value = self[key] else { return nil }
        guard case .array(let items) = value else { throw mismatch(key, "a list of strings") }
        return try items.map { item in
            guard case .string(let text) = item else { throw mismatch(key, "a list of strings") }
            return text
        }
    }

    func object(_ key: String) throws -> JSONObject? {
        guard let value = self[key] else { return nil }
        guard case .object(let members) = value else { throw mismatch(key, "an object") }
        return JSONObject(members)
    }

    func objects(_ key: String) throws -> [JSONObject]? {
        guard let value = self[key] else { return nil }
        guard case .array(let items) = value else { throw mismatch(key, "a list of objects") }
        return try items.map { item in
            guard case .object(let members) = item else { throw mismatch(key, "a list of objects") }
            return JSONObject(members)
        }
    }
}
