// SPDX-License-Identifier: Apache-2.0
import Foundation

/// The kind of BPMN timer definition, named after the `bpmn:timerEventDefinition` child element.
public enum TimerKind: String, Sendable, Codable, CaseIterable {
    /// `<bpmn:timeDate>`: a fixed point in time (ISO-8601 date-time).
    case timeDate
    /// `<bpmn:timeDuration>`: a relative delay (ISO-8601 duration).
    case timeDuration
    /// `<bpmn:timeCycle>`: a repeating interval (`R3/PT10M`) or a Quartz cron expression.
    case timeCycle
}

/// A timer definition that failed to parse. `message` names the offending text and the reason.
public struct TimerParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Human-readable explanation, e.g. `invalid ISO-8601 duration 'PTX': expected a number before 'X'`.
    public let message: String

    /// Creates an error with the given message.
    public init(_ message: String) { self.message = message }

    /// The message.
    public var description: String { message }
}

/// A parsed BPMN timer definition, as a value.
///
/// Cron expressions are modelled as their own case, `.cron`, rather than inside ``TimerCycle``:
/// an ISO repeating interval and a cron schedule share no fields, and a separate case keeps
/// both types free of "only valid when…" properties. Both come from `<bpmn:timeCycle>`.
///
/// All calendar arithmetic happens in UTC.
public enum TimerSpec: Sendable, Hashable, Codable {
    /// Fires once at the given instant (immediately if it lies in the past).
    case date(Date)
    /// Fires once, the given duration after the timer is armed.
    case duration(ISODuration)
    /// Fires repeatedly according to an ISO-8601 repeating interval.
    case cycle(TimerCycle)
    /// Fires at every second matching a Quartz cron expression (a `timeCycle` variant).
    case cron(CronSchedule)

    /// Parses the text of a timer definition element. Surrounding whitespace is ignored.
    ///
    /// - `timeDate`: ISO-8601 date-time with `Z`, `±HH:MM`, `±HHMM` or no offset (UTC),
    ///   optional fractional seconds; a bare date means midnight UTC.
    /// - `timeDuration`: ISO-8601 duration such as `PT5M` or `P1Y2M3DT4H5M6.5S`.
    /// - `timeCycle`: `R[n]/duration`, `R[n]/start/duration`, `R[n]/duration/end`,
    ///   or a 6/7-field Quartz cron expression such as `0 0/5 * * * ?`.
    public static func parse(kind: TimerKind, text: String) throws(TimerParseError) -> TimerSpec {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.contains("${") || text.contains("#{") {
            throw TimerParseError("timer expression '\(text)' must be evaluated before it is parsed")
        }
        switch kind {
        case .timeDate:
            guard let date = UTCCalendar.parseDateTime(text) else {
                throw TimerParseError(
                    "invalid ISO-8601 date-time '\(text)': expected e.g. '2026-01-01T10:00:00Z' or '2026-01-01T10:00:00+02:00'")
            }
            return .date(date)
        case .timeDuration:
            return .duration(try ISODuration(parsing: text))
        case .timeCycle:
            if text.first == "R" || text.first == "r" {
                return .cycle(try TimerCycle(parsing: text))
            }
            if text.first == "P" || text.first == "p" {
                throw TimerParseError(
                    "timer cycle '\(text)' has no repetition prefix: use 'R/\(text)' to repeat forever or 'R3/\(text)' to repeat three times")
            }
            return .cron(try CronSchedule(parsing: text))
        }
    }

    /// When the timer should first fire, given that it is armed at `now`.
    ///
    /// - `date`: that date, even if it is in the past (due immediately).
    /// - `duration`: `now` plus the duration.
    /// - `cycle`: see ``TimerCycle/firstDue(after:)``.
    /// - `cron`: the first matching second strictly after `now`.
    ///
    /// Returns `nil` when the timer will never fire.
    public func firstDue(after now: Date) -> Date? {
        switch self {
        case .date(let date): date
        case .duration(let duration): duration.added(to: now)
        case .cycle(let cycle): cycle.firstDue(after: now)
        case .cron(let schedule): schedule.nextFire(after: now)
        }
    }

    /// When the timer should fire next, after it fired (was due) at `fire`.
    ///
    /// `firedCount` is the number of firings so far, including the one at `fire`.
    /// Returns `nil` when the timer is exhausted; `date` and `duration` timers fire only once.
    public func nextDue(after fire: Date, firedCount: Int) -> Date? {
        switch self {
        case .date, .duration: nil
        case .cycle(let cycle): cycle.nextDue(after: fire, firedCount: firedCount)
        case .cron(let schedule): schedule.nextFire(after: fire)
        }
    }
}
