/// Findings as Falco's `json_output` lines (`--json FILE`), one JSON object per line, so tools
/// that read Falco's output (falcosidekick, jq scripts) read tollgate's.
///
/// Keys are in the order Falco's JSON library writes them (alphabetical), `output` carries
/// Falco's `%evt.time: Priority ` prefix (time of day in UTC), and `output_fields` holds the
/// output's fields, sorted, with `evt.time` in nanoseconds; unknown values are `null`.
public enum FalcoJSONLines {
    /// Every finding, one line each, each ending in a newline.
    public static func render(_ findings: [ReportFinding]) -> String {
        var out = ""
        for finding in findings {
            out += line(for: finding)
            out += "\n"
        }
        return out
    }

    /// One finding's line, without the newline.
    public static func line(for finding: ReportFinding) -> String {
        object(for: finding).compact
    }

    static func object(for finding: ReportFinding) -> JSONValue {
        var fields: [String: JSONValue] = [:]
        for field in finding.outputFields where fields[field.name] == nil {
            fields[field.name] = value(field.value)
        }
        if fields["evt.time"] == nil {
            fields["evt.time"] = .integer(Int64(clamping: finding.time))
        }
        let sortedFields = fields.keys.sorted().map { ($0, fields[$0] ?? .null) }
        let prefixed = Timestamps.timeOfDay(finding.time) + ": " + finding.priority.name + " " + finding.output
        return .object([
            ("hostname", .string(finding.hostname)),
            ("output", .string(prefixed)),
            ("output_fields", .object(sortedFields)),
            ("priority", .string(finding.priority.name)),
            ("rule", .string(finding.rule)),
            ("source", .string(finding.source)),
            ("tags", .array(finding.tags.sorted().map(JSONValue.string))),
            ("time", .string(Timestamps.rfc3339Nanoseconds(finding.time))),
        ])
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
