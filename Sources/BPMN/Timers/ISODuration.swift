// SPDX-License-Identifier: Apache-2.0
import Foundation

/// An ISO-8601 duration such as `PT5M`, `P2W` or `P1Y2M3DT4H5M6.5S`.
///
/// Components are kept as written (`PT90M` is not normalised to `PT1H30M`). Years, months,
/// weeks and days are calendar units applied in UTC; hours, minutes and seconds are exact.
public struct ISODuration: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Years (calendar).
    public var years: Int
    /// Months (calendar; the day is clamped to the month's end).
    public var months: Int
    /// Weeks (seven calendar days).
    public var weeks: Int
    /// Days (calendar days; exactly 86 400 s in UTC).
    public var days: Int
    /// Hours (exact).
    public var hours: Int
    /// Minutes (exact).
    public var minutes: Int
    /// Seconds, possibly fractional (`PT0.5S`).
    public var seconds: Double

    /// Creates a duration from its components; all default to zero.
    public init(years: Int = 0, months: Int = 0, weeks: Int = 0, days: Int = 0,
                hours: Int = 0, minutes: Int = 0, seconds: Double = 0) {
        (self.years, self.months, self.weeks, self.days) = (years, months, weeks, days)
        (self.hours, self.minutes, self.seconds) = (hours, minutes, seconds)
    }

    /// Parses an ISO-8601 duration: `P[nY][nM][nW][nD][T[nH][nM][n[.f]S]]`.
    ///
    /// Designators are case-insensitive and must appear in that order; only seconds may be
    /// fractional (`.` or `,`). Negative durations, a bare `P` and a trailing `T` are rejected.
    public init(parsing text: String) throws(TimerParseError) {
        self.init()
        func failure(_ reason: String) -> TimerParseError {
            TimerParseError("invalid ISO-8601 duration '\(text)': \(reason)")
        }
        let bytes = Array(text.utf8)
        guard let first = bytes.first else { throw failure("the text is empty") }
        if first == UInt8(ascii: "-") { throw failure("negative durations are not supported") }
        guard first | 0x20 == UInt8(ascii: "p") else { throw failure("expected 'P' at the start") }
        var i = 1, inTime = false, lastRank = -1
        while i < bytes.count {
            if bytes[i] | 0x20 == UInt8(ascii: "t") {
                if inTime { throw failure("'T' appears twice") }
                inTime = true
                i += 1
                if i == bytes.count { throw failure("expected a time component after 'T'") }
                continue
            }
            let start = i
            while i < bytes.count, (0x30...0x39).contains(bytes[i]) { i += 1 }
            var fractional = false
            if i > start, i < bytes.count, bytes[i] == UInt8(ascii: ".") || bytes[i] == UInt8(ascii: ",") {
                fractional = true
                i += 1
                let digitsStart = i
                while i < bytes.count, (0x30...0x39).contains(bytes[i]) { i += 1 }
                if i == digitsStart { throw failure("expected digits after the decimal separator") }
            }
            if i == start { throw failure("expected a number before '\(Self.character(bytes, at: i))'") }
            let number = String(decoding: bytes[start..<i], as: UTF8.self)
            guard i < bytes.count else { throw failure("expected a unit designator after '\(number)'") }
            let unit = bytes[i] & ~0x20  // ASCII upper case
            i += 1
            let ranks: [UInt8] = inTime ? Array("HMS".utf8) : Array("YMWD".utf8)
            guard let index = ranks.firstIndex(of: unit) else {
                let name = Self.character(bytes, at: i - 1)
                let hint = inTime ? "expected H, M or S after 'T'" : "expected Y, M, W or D (or 'T' before H, M, S)"
                throw failure("unexpected designator '\(name)': \(hint)")
            }
            let rank = (inTime ? 4 : 0) + index
            if rank <= lastRank { throw failure("designator '\(Self.character(bytes, at: i - 1))' is repeated or out of order") }
            lastRank = rank
            if rank == 6 {
                guard let value = Double(number.replacingOccurrences(of: ",", with: ".")), value.isFinite else {
                    throw failure("invalid number '\(number)'")
                }
                seconds = value
                continue
            }
            if fractional { throw failure("only seconds may have a fraction, got '\(number)'") }
            guard let value = Int(number), value <= 1_000_000_000 else { throw failure("number '\(number)' is too large") }
            switch rank {
            case 0: years = value
            case 1: months = value
            case 2: weeks = value
            case 3: days = value
            case 4: hours = value
            default: minutes = value
            }
        }
        if lastRank < 0 { throw failure("expected at least one component after 'P'") }
    }

    private static func character(_ bytes: [UInt8], at index: Int) -> String {
        index < bytes.count ? String(decoding: bytes[index...index], as: UTF8.self) : "end of text"
    }

    /// True when every component is zero.
    public var isZero: Bool {
        years == 0 && months == 0 && weeks == 0 && days == 0 && hours == 0 && minutes == 0 && seconds == 0
    }

    /// The exact part (hours, minutes, seconds) in seconds.
    var fixedSeconds: Double { Double(hours) * 3600 + Double(minutes) * 60 + seconds }

    /// A rough length in seconds (average Gregorian month and year), for estimates only.
    var approximateSeconds: Double {
        Double(years) * 31_556_952 + Double(months) * 2_629_746 + Double(weeks * 7 + days) * 86_400 + fixedSeconds
    }

    /// Every component multiplied by `factor`.
    func multiplied(by factor: Int) -> ISODuration {
        ISODuration(years: years &* factor, months: months &* factor, weeks: weeks &* factor, days: days &* factor,
                    hours: hours &* factor, minutes: minutes &* factor, seconds: seconds * Double(factor))
    }

    /// Adds this duration to `date` in UTC: years and months first (as one month count,
    /// clamping the day to the month's end, so Jan 31 + `P1M` is Feb 28/29), then weeks and
    /// days, then the exact hours, minutes and seconds.
    public func added(to date: Date) -> Date {
        let totalMonths = years &* 12 &+ months
        let totalDays = weeks &* 7 &+ days
        guard totalMonths != 0 || totalDays != 0 else { return date.addingTimeInterval(fixedSeconds) }
        let (startDays, _) = UTCCalendar.split(date)
        var newDays = startDays
        if totalMonths != 0 {
            let civil = UTCCalendar.civil(days: startDays)
            let monthIndex = civil.year &* 12 &+ (civil.month - 1) &+ totalMonths
            let year = monthIndex >= 0 ? monthIndex / 12 : (monthIndex - 11) / 12
            let month = monthIndex - year * 12 + 1
            let day = min(civil.day, UTCCalendar.daysInMonth(year: year, month: month))
            newDays = UTCCalendar.days(year: year, month: month, day: day)
        }
        newDays = newDays &+ totalDays
        return date.addingTimeInterval(Double(newDays - startDays) * 86_400 + fixedSeconds)
    }

    /// The canonical ISO-8601 text, e.g. `P1DT2H` or `PT0S` for zero.
    public var description: String {
        var text = "P"
        for (value, unit) in [(years, "Y"), (months, "M"), (weeks, "W"), (days, "D")] where value != 0 { text += "\(value)\(unit)" }
        guard hours != 0 || minutes != 0 || seconds != 0 else { return text == "P" ? "PT0S" : text }
        text += "T"
        for (value, unit) in [(hours, "H"), (minutes, "M")] where value != 0 { text += "\(value)\(unit)" }
        if seconds != 0 { text += seconds == seconds.rounded() && abs(seconds) < 1e15 ? "\(Int(seconds))S" : "\(seconds)S" }
        return text
    }
}
