// SPDX-License-Identifier: Apache-2.0

/// One field of a Quartz cron expression and the parser for its supported syntax:
/// numbers, `*`, `?` (day fields only), lists `a,b`, ranges `a-b` (wrapping, e.g. `FRI-MON`),
/// steps `*/n`, `a/n` and `a-b/n`, and the names `JAN`…`DEC` and `SUN`…`SAT`.
enum CronField: Int, CaseIterable, Sendable {
    case second, minute, hour, dayOfMonth, month, dayOfWeek, year

    var name: String {
        switch self {
        case .second: "seconds"
        case .minute: "minutes"
        case .hour: "hours"
        case .dayOfMonth: "day-of-month"
        case .month: "month"
        case .dayOfWeek: "day-of-week"
        case .year: "year"
        }
    }

    var bounds: ClosedRange<Int> {
        switch self {
        case .second, .minute: 0...59
        case .hour: 0...23
        case .dayOfMonth: 1...31
        case .month: 1...12
        case .dayOfWeek: 1...7
        case .year: 1970...2099
        }
    }

    private var names: [String] {
        switch self {
        case .month: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
        case .dayOfWeek: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
        default: []
        }
    }

    /// The sorted allowed values, or `nil` for `?` (no constraint).
    func parse(_ text: Substring, in expression: String) throws(TimerParseError) -> [Int]? {
        func failure(_ reason: String) -> TimerParseError {
            TimerParseError("invalid cron expression '\(expression)': \(reason) in the \(name) field '\(text)'")
        }
        if text == "?" {
            guard self == .dayOfMonth || self == .dayOfWeek else { throw failure("'?' is only allowed in day-of-month and day-of-week") }
            return nil
        }
        var allowed = Set<Int>()
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = part.split(separator: "/", omittingEmptySubsequences: false)
            guard pieces.count <= 2, let base = pieces.first, !base.isEmpty else { throw failure("malformed entry '\(part)'") }
            var range: ClosedRange<Int>
            var wraps = false
            if base == "*" {
                range = bounds
            } else {
                let ends = base.split(separator: "-", omittingEmptySubsequences: false)
                guard ends.count <= 2 else { throw failure("malformed range '\(base)'") }
                let low = try value(ends[0], failure)
                let high = ends.count == 2 ? try value(ends[1], failure) : (pieces.count == 2 ? bounds.upperBound : low)
                wraps = low > high
                range = wraps ? low...(high + bounds.count) : low...high
            }
            var step = 1
            if pieces.count == 2 {
                guard let parsed = Int(pieces[1]), parsed >= 1, parsed <= bounds.count else {
                    throw failure("step '\(pieces[1])' must be a number from 1 to \(bounds.count)")
                }
                step = parsed
            }
            for candidate in stride(from: range.lowerBound, through: range.upperBound, by: step) {
                allowed.insert(wraps && candidate > bounds.upperBound ? candidate - bounds.count : candidate)
            }
        }
        return allowed.sorted()
    }

    private func value(_ token: Substring, _ failure: (String) -> TimerParseError) throws(TimerParseError) -> Int {
        if let number = Int(token) {
            guard bounds.contains(number) else {
                throw failure("value \(number) is outside \(bounds.lowerBound)-\(bounds.upperBound)")
            }
            return number
        }
        let upper = token.uppercased()
        if let index = names.firstIndex(of: upper) { return bounds.lowerBound + index }
        for feature in ["L", "W", "#"] where upper.contains(feature) {
            throw failure("unsupported cron feature '\(feature)' (L, W and # are not supported)")
        }
        throw failure("unexpected value '\(token)'")
    }
}
