/// Falco's event time strings, computed in UTC from nanoseconds since the epoch.
package enum TimeFormatting {
    /// `HH:MM:SS.nnnnnnnnn` (`evt.time`), or without nanoseconds.
    package static func time(_ ns: UInt64, nanoseconds: Bool = true) -> String {
        let (_, clock) = split(ns)
        return nanoseconds ? clock + "." + fraction(ns) : clock
    }

    /// `YYYY-MM-DD HH:MM:SS.nnnnnnnnn` (`evt.datetime`).
    package static func dateTime(_ ns: UInt64, nanoseconds: Bool = true) -> String {
        let (date, clock) = split(ns)
        return date + " " + clock + (nanoseconds ? "." + fraction(ns) : "")
    }

    /// `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ` (`evt.time.iso8601`).
    package static func iso8601(_ ns: UInt64) -> String {
        let (date, clock) = split(ns)
        return date + "T" + clock + "." + fraction(ns) + "Z"
    }

    private static func fraction(_ ns: UInt64) -> String { pad(Int(ns % 1_000_000_000), 9) }

    private static func split(_ ns: UInt64) -> (date: String, clock: String) {
        let seconds = Int64(ns / 1_000_000_000)
        let days = seconds / 86_400
        let secondOfDay = Int(seconds % 86_400)
        let (year, month, day) = civil(fromDays: days)
        let date = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
        let clock = "\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))"
        return (date, clock)
    }

    /// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's algorithm).
    static func civil(fromDays days: Int64) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(m <= 2 ? y + 1 : y), Int(m), Int(d))
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
