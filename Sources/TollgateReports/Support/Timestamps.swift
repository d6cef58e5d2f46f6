/// UTC timestamp formatting from nanoseconds since the epoch, without Foundation's calendars
/// (which round to milliseconds and depend on the locale).
package enum Timestamps {
    /// `2026-11-29T16:40:30.123456789Z`: RFC 3339 with nanoseconds, as Falco's JSON `time`.
    package static func rfc3339Nanoseconds(_ nanoseconds: UInt64) -> String {
        let (date, fraction) = split(nanoseconds)
        return date + "." + pad(Int(fraction), 9) + "Z"
    }

    /// `2026-11-29T16:40:30.123Z`: RFC 3339 with milliseconds (SARIF times).
    package static func rfc3339Milliseconds(_ nanoseconds: UInt64) -> String {
        let (date, fraction) = split(nanoseconds)
        return date + "." + pad(Int(fraction / 1_000_000), 3) + "Z"
    }

    /// `2026-11-29T16:40:30Z` (JUnit `timestamp`).
    package static func rfc3339Seconds(_ nanoseconds: UInt64) -> String {
        split(nanoseconds).date + "Z"
    }

    /// `16:40:30.123456789`: Falco's `%evt.time` (time of day, here always UTC).
    package static func timeOfDay(_ nanoseconds: UInt64) -> String {
        let seconds = nanoseconds / 1_000_000_000
        let daySeconds = Int(seconds % 86_400)
        return pad(daySeconds / 3600, 2) + ":" + pad(daySeconds / 60 % 60, 2) + ":" + pad(daySeconds % 60, 2)
            + "." + pad(Int(nanoseconds % 1_000_000_000), 9)
    }

    /// `YYYY-MM-DDTHH:MM:SS` and the nanosecond fraction.
    private static func split(_ nanoseconds: UInt64) -> (date: String, fraction: UInt64) {
        let seconds = nanoseconds / 1_000_000_000
        let days = Int(seconds / 86_400)
        let daySeconds = Int(seconds % 86_400)
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        let date = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T"
            + pad(daySeconds / 3600, 2) + ":" + pad(daySeconds / 60 % 60, 2) + ":" + pad(daySeconds % 60, 2)
        return (date, nanoseconds % 1_000_000_000)
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

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
