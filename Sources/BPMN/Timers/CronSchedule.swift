// SPDX-License-Identifier: Apache-2.0
import Foundation

/// A Quartz cron schedule as accepted by Camunda 7 in `<bpmn:timeCycle>`, evaluated in UTC.
///
/// Fields: `seconds minutes hours day-of-month month day-of-week [year]`, e.g. `0 0/5 * * * ?`
/// (every five minutes) or `0 30 9 ? * MON-FRI`. Day-of-week runs 1-7 = SUN-SAT. Supported per
/// field: numbers, names (`JAN`…`DEC`, `SUN`…`SAT`), `*`, lists, ranges, steps (`*/n`, `a/n`,
/// `a-b/n`); `?` in one of the two day fields. As in Quartz, day-of-month and day-of-week cannot
/// both be restricted. `L`, `W` and `#` are rejected with a ``TimerParseError``.
///
/// Encodes as its expression string.
public struct CronSchedule: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The expression as written (whitespace-normalised).
    public let expression: String
    let seconds: [Int]
    let minutes: [Int]
    let hours: [Int]
    /// `nil` when unconstrained (`?`, or `*` next to a restricted day-of-week).
    let daysOfMonth: [Int]?
    let months: [Int]
    /// `nil` when unconstrained (`?`, or `*` next to a restricted day-of-month).
    let daysOfWeek: [Int]?
    /// `nil` when the optional year field is absent or `*`.
    let years: [Int]?

    /// Parses a 6- or 7-field Quartz cron expression.
    public init(parsing text: String) throws(TimerParseError) {
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
        expression = fields.joined(separator: " ")
        guard fields.count == 6 || fields.count == 7 else {
            throw TimerParseError("invalid cron expression '\(expression)': expected 6 or 7 fields "
                + "(seconds minutes hours day-of-month month day-of-week [year]), got \(fields.count)")
        }
        let domText = fields[3], dowText = fields[5]
        if domText == "?" && dowText == "?" {
            throw TimerParseError("invalid cron expression '\(expression)': '?' cannot be used for both day-of-month and day-of-week")
        }
        if domText != "?" && dowText != "?" && domText != "*" && dowText != "*" {
            throw TimerParseError("invalid cron expression '\(expression)': restricting both day-of-month and "
                + "day-of-week is not supported; use '?' in one of them")
        }
        seconds = try CronField.second.parse(fields[0], in: expression) ?? []
        minutes = try CronField.minute.parse(fields[1], in: expression) ?? []
        hours = try CronField.hour.parse(fields[2], in: expression) ?? []
        months = try CronField.month.parse(fields[4], in: expression) ?? []
        let dom = try CronField.dayOfMonth.parse(domText, in: expression)
        let dow = try CronField.dayOfWeek.parse(dowText, in: expression)
        daysOfMonth = domText == "*" && dowText != "*" ? nil : dom
        daysOfWeek = dowText == "*" ? nil : dow
        years = fields.count == 7 && fields[6] != "*" ? try CronField.year.parse(fields[6], in: expression) : nil
    }

    /// Decodes from the expression string, re-validating it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try CronSchedule(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
    }

    /// Encodes as the expression string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(expression)
    }

    /// The expression string.
    public var description: String { expression }

    /// The first matching whole second strictly after `date`, in UTC, or `nil` if there is
    /// none within 400 years (or within the year field).
    ///
    /// Instead of probing minute by minute, the search jumps to the next allowed value of the
    /// coarsest mismatching field, so even rare schedules resolve in few steps.
    public func nextFire(after date: Date) -> Date? {
        let (startDays, secondOfDay) = UTCCalendar.split(date)
        var dayNumber = startDays
        var time = Int(secondOfDay.rounded(.down)) + 1
        if time >= 86_400 { dayNumber += 1; time -= 86_400 }
        var (year, month, day) = UTCCalendar.civil(days: dayNumber)
        var (hour, minute, second) = (time / 3600, time / 60 % 60, time % 60)
        let lastYear = years?.last ?? year + 400
        for _ in 0..<1_000_000 {
            guard year <= lastYear else { return nil }
            if let years, !years.contains(year) {
                guard let next = years.first(where: { $0 > year }) else { return nil }
                (year, month, day, hour, minute, second) = (next, 1, 1, 0, 0, 0)
                continue
            }
            guard let nextMonth = Self.first(in: months, atLeast: month) else {
                (year, month, day, hour, minute, second) = (year + 1, 1, 1, 0, 0, 0)
                continue
            }
            if nextMonth != month { (month, day, hour, minute, second) = (nextMonth, 1, 0, 0, 0) }
            if day > UTCCalendar.daysInMonth(year: year, month: month) {
                (month, day, hour, minute, second) = (month + 1, 1, 0, 0, 0)
                if month > 12 { (year, month) = (year + 1, 1) }
                continue
            }
            if !matchesDay(year: year, month: month, day: day) {
                (day, hour, minute, second) = (day + 1, 0, 0, 0)
                continue
            }
            guard let nextHour = Self.first(in: hours, atLeast: hour) else {
                (day, hour, minute, second) = (day + 1, 0, 0, 0)
                continue
            }
            if nextHour != hour { (hour, minute, second) = (nextHour, 0, 0) }
            guard let nextMinute = Self.first(in: minutes, atLeast: minute) else {
                (hour, minute, second) = (hour + 1, 0, 0)
                if hour > 23 { (day, hour) = (day + 1, 0) }
                continue
            }
            if nextMinute != minute { (minute, second) = (nextMinute, 0) }
            guard let nextSecond = Self.first(in: seconds, atLeast: second) else {
                (minute, second) = (minute + 1, 0)
                if minute > 59 { (hour, minute) = (hour + 1, 0) }
                if hour > 23 { (day, hour) = (day + 1, 0) }
                continue
            }
            let days = UTCCalendar.days(year: year, month: month, day: day)
            return Date(timeIntervalSince1970: Double(days * 86_400 + hour * 3600 + minute * 60 + nextSecond))
        }
        return nil
    }

    private func matchesDay(year: Int, month: Int, day: Int) -> Bool {
        if let daysOfMonth, !daysOfMonth.contains(day) { return false }
        if let daysOfWeek {
            let weekday = UTCCalendar.weekday(days: UTCCalendar.days(year: year, month: month, day: day))
            return daysOfWeek.contains(weekday)
        }
        return true
    }

    private static func first(in values: [Int], atLeast value: Int) -> Int? {
        values.first { $0 >= value }
    }
}
