/// UTC timestamp formatting from nanoseconds since the epoch, without Foundation's calendars
/// (which round to milliseconds and depend on the locale): the one formatter of the fields
/// (`evt.time`, `evt.datetime`, ...) and the reports.
package enum Timestamps {
    /// `2026-11-29T16:40:30.123456789Z`: RFC 3339 with nanoseconds, as Falco's JSON `time`.
    package static func rfc3339Nanoseconds(_ nanoseconds: UInt64) -> String {
        format(nanoseconds, dateSeparator: rfc3339Separator, fractionDigits: 9, zone: true)
    }

    /// `2026-11-29T16:40:30.123Z`: RFC 3339 with milliseconds (SARIF times).
    package static func rfc3339Milliseconds(_ nanoseconds: UInt64) -> String {
        format(nanoseconds, dateSeparator: rfc3339Separator, fractionDigits: 3, zone: true)
    }

    /// `2026-11-29T16:40:30Z` (JUnit `timestamp`).
    package static func rfc3339Seconds(_ nanoseconds: UInt64) -> String {
        format(nanoseconds, dateSeparator: rfc3339Separator, fractionDigits: 0, zone: true)
    }

    /// `16:40:30.123456789`: Falco's `%evt.time` (time of day, here always UTC); without
    /// nanoseconds `16:40:30` (`evt.time.s`).
    package static func timeOfDay(_ nanoseconds: UInt64, withNanoseconds: Bool = true) -> String {
        format(nanoseconds, dateSeparator: nil, fractionDigits: withNanoseconds ? 9 : 0, zone: false)
    }

    /// `2026-11-29 16:40:30.123456789`: Falco's `evt.datetime`; without nanoseconds
    /// `2026-11-29 16:40:30` (`evt.datetime.s`).
    package static func dateTime(_ nanoseconds: UInt64, withNanoseconds: Bool = true) -> String {
        format(nanoseconds, dateSeparator: UInt8(ascii: " "), fractionDigits: withNanoseconds ? 9 : 0, zone: false)
    }

    /// RFC 3339's date-time separator.
    private static let rfc3339Separator = UInt8(ascii: "T")

    private static func format(_ nanoseconds: UInt64, dateSeparator: UInt8?, fractionDigits: Int, zone: Bool) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(32)
        let seconds = nanoseconds / 1_000_000_000
        if let dateSeparator {
            let (year, month, day) = civilDate(daysSinceEpoch: Int(seconds / 86_400))
            digits(year, 4, &out)
            out.append(UInt8(ascii: "-"))
            digits(month, 2, &out)
            out.append(UInt8(ascii: "-"))
            digits(day, 2, &out)
            out.append(dateSeparator)
        }
        let daySeconds = Int(seconds % 86_400)
        digits(daySeconds / 3600, 2, &out)
        out.append(UInt8(ascii: ":"))
        digits(daySeconds / 60 % 60, 2, &out)
        out.append(UInt8(ascii: ":"))
        digits(daySeconds % 60, 2, &out)
        if fractionDigits > 0 {
            out.append(UInt8(ascii: "."))
            var fraction = Int(nanoseconds % 1_000_000_000)
            for _ in fractionDigits..<9 { fraction /= 10 }
            digits(fraction, fractionDigits, &out)
        }
        if zone { out.append(UInt8(ascii: "Z")) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `value` in decimal, zero-padded to at least `width` digits.
    private static func digits(_ value: Int, _ width: Int, _ out: inout [UInt8]) {
        var text: [UInt8] = []
        var rest = value
        repeat {
            text.append(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        } while rest > 0
        while text.count < width { text.append(UInt8(ascii: "0")) }
        out.append(contentsOf: text.reversed())
    }

    /// Proleptic Gregorian date of a day count from 1970-01-01 (days >= 0).
    package static func civilDate(daysSinceEpoch days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468  // days since 0000-03-01
        let era = shifted / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153  // March = 0
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}
