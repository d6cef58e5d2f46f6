/// Findings as a GitLab Code Quality report (`--codequality FILE`, `artifacts:reports:codequality`):
/// a JSON array of CodeClimate-style issues, one per distinct finding. Each fingerprint is the
/// finding's full identity hash, unique per issue (GitLab keeps only the first issue with a
/// given fingerprint) and stable across runs, so the merge-request widget shows new and
/// resolved findings.
public enum GitLabCodeQuality {
    public static func render(_ report: RunReport, runAnchor: SARIFAnchor?) -> String {
        let issues = report.findings.groups.map { group in
            issue(group, anchor: SARIFAnchor.resolve(runAnchor: runAnchor, rule: report.rule(named: group.first.rule)))
        }
        return JSONValue.array(issues).pretty
    }

    static func issue(_ group: FindingGroup, anchor: SARIFAnchor) -> JSONValue {
        let finding = group.first
        var description = finding.output.isEmpty ? finding.rule : finding.output
        var context: [String] = []
        if let chain = finding.processChainText { context.append("process \(chain)") }
        if group.count > 1 { context.append("\(group.count) times") }
        if !context.isEmpty { description += " (" + context.joined(separator: ", ") + ")" }
        return .object([
            ("type", .string("issue")),
            ("check_name", .string(finding.rule)),
            ("description", .string(description)),
            ("categories", .array([.string("Security")])),
            ("severity", .string(finding.priority.codeQualitySeverity)),
            ("fingerprint", .string(group.fullFingerprint)),
            ("location", .object([
                ("path", .string(anchor.path)),
                ("lines", .object([("begin", .integer(Int64(anchor.line)))])),
            ])),
        ])
    }
}
