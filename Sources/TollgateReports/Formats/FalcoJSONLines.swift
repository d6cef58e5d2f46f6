import TollgateEvents

/// Findings as Falco's `json_output` lines (`--json FILE`), one JSON object per line, so tools
/// that read Falco's output (falcosidekick, jq scripts) read tollgate's.
///
/// Keys are in the order Falco's JSON library writes them (alphabetical), `output` carries
/// Falco's `%evt.time: Priority ` prefix (time of day in UTC), and `output_fields` holds the
/// output's fields, sorted, with `evt.time` in nanoseconds; unknown values are `null`.
public enum FalcoJSONLines {
    /// One line per finding, as Falco writes them; past `FindingLedger.maximumEvents` findings,
    /// one line per distinct finding (see `FindingGroup`) with its `count`. Each line ends in a
    /// newline.
    /// `ci`, when given, adds its known `ci.*` fields (none locally) to every line's `output_fields`.
    public static func render(_ findings: FindingLedger, ci: CIContext? = nil) -> String {
        var out = ""
        if findings.keepsEveryEvent {
            for finding in findings.events { out += line(for: finding, ci: ci) + "\n" }
            return out
        }
        for group in findings.groups {
            out += line(for: group.first, count: group.count, ci: ci)
            out += "\n"
        }
        return out
    }

    /// One finding's line, without the newline. A finding that happened more than once also
    /// carries `count` (a key Falco does not write; its readers ignore unknown keys).
    public static func line(for finding: ReportFinding, count: Int = 1, ci: CIContext? = nil) -> String {
        object(for: finding, count: count, ci: ci).compact
    }

    static func object(for finding: ReportFinding, count: Int = 1, ci: CIContext? = nil) -> JSONValue {
        var fields: [String: JSONValue] = [:]
        for field in finding.outputFields where fields[field.name] == nil {
            fields[field.name] = value(field.value)
        }
        for field in ci?.knownFields ?? [] where fields[field.name] == nil {
            fields[field.name] = .string(field.value)
        }
        if fields["evt.time"] == nil {
            fields["evt.time"] = .integer(Int64(clamping: finding.time))
        }
        let sortedFields = fields.keys.sorted().map { ($0, fields[$0] ?? .null) }
        let prefixed = Timestamps.timeOfDay(finding.time) + ": " + finding.priority.name + " " + finding.output
        var keys: [(String, JSONValue)] = count > 1 ? [("count", .integer(Int64(count)))] : []
        keys += [
            ("hostname", .string(finding.hostname)),
            ("output", .string(prefixed)),
            ("output_fields", .object(sortedFields)),
            ("priority", .string(finding.priority.name)),
            ("rule", .string(finding.rule)),
            ("source", .string(finding.source)),
            ("tags", .array(finding.tags.sorted().map(JSONValue.string))),
            ("time", .string(Timestamps.rfc3339Nanoseconds(finding.time))),
        ]
        return .object(keys)
    }

    private static func value(_ value: ReportFieldValue) -> JSONValue {
        switch value {
        case .string(let text): return .string(text)
        case .integer(let number): return .integer(number)
        case .bool(let flag): return .bool(flag)
        case .unknown: return .null
        }
    }
}
