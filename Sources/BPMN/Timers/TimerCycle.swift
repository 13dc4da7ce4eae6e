// SPDX-License-Identifier: Apache-2.0
import Foundation

/// An ISO-8601 repeating interval as used in `<bpmn:timeCycle>`:
/// `R3/PT10M`, `R/PT1H`, `R5/2026-01-01T10:00:00Z/PT1H` or `R2/PT1H/2026-02-01T00:00:00Z`.
///
/// Without a start date the cycle is relative: the first firing is one interval after the
/// timer is armed and each next one an interval after the previous firing. With a start date
/// the firings lie on the fixed grid `start + k × interval` (k = 0, 1, …), which avoids drift
/// for month intervals; grid points already in the past when the timer is armed are skipped,
/// as Camunda does, but still count against `repetitions`.
public struct TimerCycle: Sendable, Hashable, Codable {
    /// The number of firings, or `nil` for an unbounded cycle (`R/…`).
    public var repetitions: Int?
    /// The first firing, if the cycle is anchored.
    public var start: Date?
    /// The time between firings; never zero.
    public var interval: ISODuration
    /// No firing happens after this instant.
    public var end: Date?

    /// Creates a cycle from its parts.
    public init(repetitions: Int?, start: Date? = nil, interval: ISODuration, end: Date? = nil) {
        self.repetitions = repetitions
        self.start = start
        self.interval = interval
        self.end = end
    }

    /// Parses `R[n]/duration`, `R[n]/start/duration` or `R[n]/duration/end`.
    public init(parsing text: String) throws(TimerParseError) {
        func failure(_ reason: String) -> TimerParseError {
            TimerParseError("invalid timer cycle '\(text)': \(reason)")
        }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard let head = parts.first, head.first == "R" || head.first == "r" else {
            throw failure("expected 'R' or 'R<count>' before the first '/'")
        }
        let count = head.dropFirst()
        var repetitions: Int?
        if !count.isEmpty {
            guard let value = Int(count), value >= 0 else {
                throw failure("repetition count '\(count)' is not a non-negative integer")
            }
            repetitions = value
        }
        func duration(_ text: String) throws(TimerParseError) -> ISODuration {
            do { return try ISODuration(parsing: text) } catch { throw failure(error.message) }
        }
        func date(_ text: String) throws(TimerParseError) -> Date {
            guard let value = UTCCalendar.parseDateTime(text) else {
                throw failure("invalid ISO-8601 date-time '\(text)'")
            }
            return value
        }
        var start: Date?, end: Date?
        let interval: ISODuration
        switch parts.count {
        case 2:
            interval = try duration(parts[1])
        case 3 where parts[1].first == "P" || parts[1].first == "p":
            interval = try duration(parts[1])
            end = try date(parts[2])
        case 3:
            start = try date(parts[1])
            interval = try duration(parts[2])
        default:
            throw failure("expected 'R[n]/duration', 'R[n]/start/duration' or 'R[n]/duration/end'")
        }
        guard interval.approximateSeconds > 0 else { throw failure("the interval must be longer than zero") }
        if let start, let end, end < start { throw failure("the end lies before the start") }
        self.init(repetitions: repetitions, start: start, interval: interval, end: end)
    }

    /// The first firing for a timer armed at `now`: `start` if it is not in the past, otherwise
    /// the first grid point at or after `now`; `now + interval` when there is no start.
    /// `nil` if the cycle has no (remaining) repetitions or would fire after `end`.
    public func firstDue(after now: Date) -> Date? {
        if repetitions == 0 { return nil }
        guard let start else { return bounded(interval.added(to: now)) }
        guard let index = firstIndex(from: start, after: now, inclusive: true) else { return nil }
        return occurrence(index, from: start)
    }

    /// The firing after the one at `fire`, where `firedCount` firings have happened so far.
    /// `nil` once `repetitions` firings happened or the next one would be after `end`.
    public func nextDue(after fire: Date, firedCount: Int) -> Date? {
        if let repetitions, firedCount >= repetitions { return nil }
        guard let start else { return bounded(interval.added(to: fire)) }
        guard let index = firstIndex(from: start, after: fire, inclusive: false) else { return nil }
        return occurrence(index, from: start)
    }

    private func bounded(_ date: Date) -> Date? {
        if let end, date > end { return nil }
        return date
    }

    private func occurrence(_ index: Int, from start: Date) -> Date? {
        if let repetitions, index >= repetitions { return nil }
        return bounded(interval.multiplied(by: index).added(to: start))
    }

    /// The smallest grid index whose date is after (or at, if `inclusive`) `date`.
    private func firstIndex(from start: Date, after date: Date, inclusive: Bool) -> Int? {
        func isDue(_ candidate: Date) -> Bool { inclusive ? candidate >= date : candidate > date }
        if isDue(start) { return 0 }
        let step = interval.approximateSeconds
        guard step > 0 else { return nil }
        let estimate = date.timeIntervalSince(start) / step
        guard estimate.isFinite, estimate < 1e12 else { return nil }
        var index = max(0, Int(estimate) - 2)
        var iterations = 0
        while index > 0, isDue(interval.multiplied(by: index).added(to: start)), iterations < 1000 {
            index -= 1
            iterations += 1
        }
        while !isDue(interval.multiplied(by: index).added(to: start)) {
            index += 1
            iterations += 1
            if iterations > 2000 { return nil }
        }
        return index
    }
}
