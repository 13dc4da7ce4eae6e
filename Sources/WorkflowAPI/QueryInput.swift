// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Hummingbird
import Workflow

/// The filters of a list query, read the same way from URL parameters (`GET /external-task?topicName=x`) and from
/// a JSON query body (`POST /external-task {"topicName":"x"}`, or a nested query such as `externalTaskQuery`).
struct QueryInput {
    /// Every filter as text; lists hold one entry per element.
    private let values: [String: [String]]
    /// The members of a JSON query as sent (empty for URL parameters), for filters that are JSON structures.
    let json: [String: ExpressionValue]
    /// The `sorting` list of a JSON body, or the `sortBy`/`sortOrder` pair of the URL.
    let sorting: [(sortBy: String, ascending: Bool)]

    /// The URL's query parameters.
    init(url request: Request) throws {
        var values: [String: [String]] = [:]
        for (name, value) in FormQuery.pairs(request.uri) { values[name, default: []].append(value) }
        self.values = values
        json = [:]
        let sortBy = values["sortBy"]?.first, order = values["sortOrder"]?.first
        guard (sortBy == nil) == (order == nil) else {
            throw CamundaErrorResponse(status: .badRequest, type: "InvalidRequestException",
                                       message: "Only a single sorting parameter specified. sortBy and sortOrder required")
        }
        sorting = try sortBy.map { [($0, try Self.ascending(order!))] } ?? []
    }

    /// A JSON query object; its `sorting` member is Camunda's `[{sortBy, sortOrder}]`.
    init(json: JSONObject) throws {
        var values: [String: [String]] = [:]
        for (name, value) in json.members where name != "sorting" {
            switch value {
            case .null: continue
            case .string(let text): values[name] = [text]
            case .bool(let flag): values[name] = [flag ? "true" : "false"]
            case .int(let number): values[name] = [String(number)]
            case .double(let number): values[name] = [String(number)]
            case .array(let items): values[name] = items.map { if case .string(let text) = $0 { text } else { $0.jsonText } }
            case .object: values[name] = [value.jsonText]
            }
        }
        self.values = values
        self.json = json.members.filter { $0.value != .null }
        sorting = try (json.objects("sorting") ?? []).map { entry in
            guard let sortBy = try entry.string("sortBy"), let order = try entry.string("sortOrder") else {
                throw CamundaErrorResponse(status: .badRequest, type: "InvalidRequestException",
                                           message: "sortBy and sortOrder are required in each sorting entry")
            }
            return (sortBy, try Self.ascending(order))
        }
    }

    /// The URL (GET) or the JSON body (POST) of a list request.
    static func of(_ request: Request) async throws -> QueryInput {
        guard request.method == .post else { return try QueryInput(url: request) }
        var request = request
        return try QueryInput(json: try await request.jsonObject())
    }

    private static func ascending(_ order: String) throws -> Bool {
        guard order == "asc" || order == "desc" else {
            throw CamundaErrorResponse(status: .badRequest, type: "InvalidRequestException",
                                       message: "Cannot set query parameter 'sortOrder' to value '\(order)'")
        }
        return order == "asc"
    }

    func string(_ name: String) -> String? { values[name]?.first }

    /// True when the query sets the parameter.
    func has(_ name: String) -> Bool { values[name] != nil }

    /// A comma-separated, repeated or JSON-array parameter.
    func list(_ name: String) -> [String]? {
        values[name].map { $0.flatMap { $0.split(separator: ",").map(String.init) } }
    }

    func bool(_ name: String) -> Bool { values[name]?.first?.lowercased() == "true" }

    func int64(_ name: String) throws -> Int64? {
        guard let text = string(name) else { return nil }
        guard let number = Int64(text) else { throw invalid(name, text) }
        return number
    }

    func date(_ name: String) throws -> Date? {
        guard let text = string(name) else { return nil }
        guard let date = CamundaDate.parse(text) else { throw invalid(name, text) }
        return date
    }

    func invalid(_ name: String, _ text: String) -> CamundaErrorResponse {
        CamundaErrorResponse(status: .badRequest, type: "InvalidRequestException",
                             message: "Cannot set query parameter '\(name)' to value '\(text)'")
    }

    /// Sorts by the requested keys; an unknown `sortBy` is a 400.
    func sort<Item>(_ items: [Item], keys: [String: (Item) -> SortKey]) throws -> [Item] {
        guard !sorting.isEmpty else { return items }
        let comparators = try sorting.map { entry in
            guard let key = keys[entry.sortBy] else {
                throw CamundaErrorResponse(status: .badRequest, type: "InvalidRequestException",
                                           message: "Cannot set query parameter 'sortBy' to value '\(entry.sortBy)'")
            }
            return (key, entry.ascending)
        }
        return items.sorted { left, right in
            for (key, ascending) in comparators {
                let (a, b) = (key(left), key(right))
                if a != b { return ascending ? a < b : a > b }
            }
            return false
        }
    }
}

/// A value to sort by: missing values first, then numbers and dates by value, text by code point.
enum SortKey: Comparable {
    case missing
    case number(Double)
    case text(String)

    init(_ text: String?) { self = text.map { .text($0) } ?? .missing }
    init(_ number: Int64?) { self = number.map { .number(Double($0)) } ?? .missing }
    init(_ date: Date?) { self = date.map { .number($0.timeIntervalSince1970) } ?? .missing }
    init(_ seconds: Double?) { self = seconds.map { .number($0) } ?? .missing }
}
