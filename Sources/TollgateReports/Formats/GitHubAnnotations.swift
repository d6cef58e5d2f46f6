/// Blocking findings as GitHub Actions workflow commands (`::error file=...,line=...,title=...::`)
/// for the CLI to print on stdout when `GITHUB_ACTIONS=true`, after the job has exited (so the
/// job's own output cannot interleave). GitHub shows at most 10 error annotations per step:
/// the most severe distinct findings get one each, and when there are more, the last line says
/// how many were left out.
public enum GitHubAnnotations {
    public static let maximumAnnotations = 10

    /// The command lines, without trailing newlines; empty when nothing blocks.
    public static func lines(_ report: RunReport, runAnchor: SARIFAnchor?) -> [String] {
        let blocking = report.blockingGroups
        let ordered = blocking.enumerated().sorted { ($0.element.first.priority, $0.offset) < ($1.element.first.priority, $1.offset) }.map(\.element)
        let shown = ordered.count > maximumAnnotations ? maximumAnnotations - 1 : ordered.count
        var lines = ordered.prefix(shown).map { group in
            annotation(group, anchor: SARIFAnchor.resolve(runAnchor: runAnchor, rule: report.rule(named: group.first.rule)))
        }
        if ordered.count > shown {
            let more = ordered.count - shown
            lines.append("::error title=\(property("tollgate: \(more) more blocking findings"))::"
                + data("\(more) more blocking findings are not annotated; see the job summary or the SARIF report."))
        }
        return lines
    }

    static func annotation(_ group: FindingGroup, anchor: SARIFAnchor) -> String {
        let finding = group.first
        var properties: [String] = []
        if anchor.origin != .placeholder {
            properties.append("file=" + property(anchor.path))
            properties.append("line=\(anchor.line)")
        }
        properties.append("title=" + property("tollgate: \(finding.rule) (\(finding.priority.description))"))
        var message = finding.output
        if group.count > 1 { message += " (\(group.count) times)" }
        if let chain = finding.processChainText { message += "\nprocess: " + chain }
        return "::error " + properties.joined(separator: ",") + "::" + data(message)
    }

    /// Escapes a command's message: `%`, CR and LF (the runner decodes only these and `:`/`,`);
    /// other control characters, which the runner would pass through raw, become U+FFFD.
    static func data(_ text: String) -> String {
        var out = ""
        for character in text.unicodeScalars {
            switch character {
            case "%": out.append("%25")
            case "\r": out.append("%0D")
            case "\n": out.append("%0A")
            case _ where character.value < 0x20 || character.value == 0x7F: out.append("\u{FFFD}")
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// Escapes a property value: as `data`, plus `:` and `,`.
    static func property(_ text: String) -> String {
        var out = ""
        for character in data(text).unicodeScalars {
            switch character {
            case ":": out.append("%3A")
            case ",": out.append("%2C")
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }
}
