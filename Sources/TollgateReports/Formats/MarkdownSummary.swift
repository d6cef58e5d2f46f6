import TollgateEvents

import TollgateRules

/// The run as a GitHub-flavoured Markdown summary (`--summary FILE`, and `$GITHUB_STEP_SUMMARY`):
/// the verdict first, then backend and coverage, a table of findings by rule, and each finding
/// with the process chain that led to it. Text from the job is escaped, so a job cannot inject
/// links or HTML; the detailed list is capped, so 10,000 findings still give a short page
/// (GitHub accepts at most 1 MiB per step summary).
public enum MarkdownSummary {
    /// Distinct findings shown in detail; the rest are counted.
    public static let maximumDetailedFindings = 50
    /// Longest output shown in a table cell or list item.
    static let maximumOutputLength = 300

    public static func render(_ report: RunReport) -> String {
        var out = verdict(report)
        out += "\n" + overview(report)
        let groups = report.findings.groups
        if groups.isEmpty {
            out += "\nNo rule fired: \(report.rules.filter(\.enabled).count) enabled rules were evaluated.\n"
            return out
        }
        out += "\n" + table(report, groups)
        out += "\n" + details(report, groups)
        return out
    }

    /// `## tollgate: failed` and one sentence saying why.
    static func verdict(_ report: RunReport) -> String {
        let blocking = report.blockingCount
        let total = report.findings.total
        var reasons: [String] = []
        if blocking > 0 {
            reasons.append("\(plural(blocking, "blocking finding")) at or above \(report.failOn.description)")
        }
        if report.coverage.drops > 0 { reasons.append("\(plural(Int(clamping: report.coverage.drops), "event")) dropped") }
        if report.coverage.unreadablePayloads > 0 {
            reasons.append("\(plural(Int(clamping: report.coverage.unreadablePayloads), "event")) with a payload that could not be read")
        }
        if report.coverage.tracingFailed { reasons.append("tracing failed") }
        if let killed = report.enforcement?.killedOn { reasons.append("the job was killed on \(MarkdownText.inline(killed))") }
        var text = "## tollgate: \(report.gateFailed ? "failed" : "passed")\n\n"
        if report.gateFailed {
            text += "**The gate failed the job**" + (reasons.isEmpty ? "." : ": " + reasons.joined(separator: "; ") + ".")
        } else {
            text += "**The gate passed**: no finding at or above \(report.failOn.description)"
            text += total > 0 ? " (\(plural(total, "finding")) below it).": "."
        }
        text += " The job itself exited with status \(report.jobExitStatus).\n"
        return text
    }

    private static func overview(_ report: RunReport) -> String {
        let coverage = report.coverage
        var text = "| | |\n|---|---|\n"
        text += "| Job | \(MarkdownText.code(ShellQuoting.commandLine(report.jobCommand), inTable: true)) (\(MarkdownText.inline(report.jobName))) |\n"
        if !report.ci.isLocal {
            text += "| CI | \(MarkdownText.inline(ciLine(report.ci))) |\n"
        }
        text += "| Backend | \(MarkdownText.inline(report.backend)) |\n"
        text += "| Events | \(grouped(coverage.events)) seen, \(grouped(coverage.drops)) dropped, \(grouped(coverage.malformed)) malformed\(coverage.unreadablePayloads > 0 ? ", \(grouped(coverage.unreadablePayloads)) with unreadable payloads" : "") |\n"
        text += "| Duration | \(JUnitReport.seconds(report.durationSeconds)) s |\n"
        text += "| Findings | \(grouped(UInt64(report.findings.total))) (\(grouped(UInt64(report.blockingCount))) blocking) |\n"
        if let enforcement = report.enforcement {
            text += "| Enforcement | \(MarkdownText.inline(enforcement.modes))\(enforcement.killSentence.map { ". " + MarkdownText.inline($0) } ?? "") |\n"
        }
        if report.maskedSecrets > 0 {
            text += "| Secrets | \(grouped(UInt64(report.maskedSecrets))) secret values masked as `\(SecretMask.replacement)` |\n"
        }
        var notes = coverage.problems.map { "- \(MarkdownText.inline($0))" }
        notes += coverage.blindSpots.map { "- Not seen by this backend: \(MarkdownText.inline($0))" }
        notes += coverage.notEvaluable.map { "- Not evaluable on this backend (quiet is not a pass): **\(MarkdownText.inline($0.rule))**: \(MarkdownText.inline($0.reason))" }
        if !notes.isEmpty { text += "\n**Coverage**\n\n" + notes.joined(separator: "\n") + "\n" }
        text += policy(report.policy)
        text += behaviourChanges(report.behaviourChanges)
        return text
    }

    /// `github: octo/app refs/pull/7/merge (pull_request #7), CI / test / gate, run 42 attempt 1, by octocat, hosted runner`.
    private static func ciLine(_ ci: CIContext) -> String {
        var parts = [ci.provider + ":"]
        if !ci.repository.isEmpty { parts.append(ci.repository) }
        if !ci.ref.isEmpty { parts.append(ci.ref) }
        let trigger = [ci.event, ci.pr.isEmpty ? "" : "#" + ci.pr].filter { !$0.isEmpty }.joined(separator: " ")
        if !trigger.isEmpty { parts.append("(\(trigger))") }
        var text = parts.joined(separator: " ")
        let place = [ci.workflow, ci.job, ci.step].filter { !$0.isEmpty }.joined(separator: " / ")
        if !place.isEmpty { text += ", " + place }
        if !ci.runID.isEmpty { text += ", run \(ci.runID)" + (ci.runAttempt.isEmpty ? "" : " attempt \(ci.runAttempt)") }
        if !ci.actor.isEmpty { text += ", by \(ci.actor)" }
        if !ci.runner.isEmpty { text += ", \(ci.runner) runner" }
        return text
    }

    /// New behaviour against the baseline, and what the baseline lists that the run did not do.
    private static func behaviourChanges(_ changes: BehaviourChanges?) -> String {
        guard let changes else { return "" }
        let file = MarkdownText.code(changes.baseline, inTable: false)
        var text = "\n**Behaviour changes** (baseline \(file))\n\n"
        if let written = changes.written {
            return text + "- \(written) \(written == 1 ? "entry" : "entries") written to the baseline\n"
        }
        if changes.added.isEmpty && changes.unseen.isEmpty { return text + "- none: the run did what the baseline lists\n" }
        text += changes.added.map { "- new: \(MarkdownText.code($0, inTable: false))\n" }.joined()
        text += changes.unseen.map { "- not seen this run: \(MarkdownText.code($0, inTable: false))\n" }.joined()
        return text
    }

    /// The files that judged the run, with their checksums, and the rules they weakened.
    private static func policy(_ policy: Policy) -> String {
        guard !policy.sources.isEmpty || !policy.weakenings.isEmpty else { return "" }
        var lines = policy.sources.map { "- \(MarkdownText.inline($0.kind)): \(MarkdownText.code($0.path, inTable: false)) (sha256 `\($0.sha256.prefix(16))…`)" }
        lines += policy.weakeningLines.map { "- Weakened: \(MarkdownText.inline($0))" }
        return "\n**Policy**\n\n" + lines.joined(separator: "\n") + "\n"
    }

    /// One row per rule that fired, most severe first.
    private static func table(_ report: RunReport, _ groups: [FindingGroup]) -> String {
        var rows: [(rule: String, priority: Priority, count: Int, first: String)] = []
        for group in groups {
            if let index = rows.firstIndex(where: { $0.rule == group.first.rule }) {
                rows[index].count += group.count
            } else {
                rows.append((group.first.rule, group.first.priority, group.count, group.first.output))
            }
        }
        let ordered = rows.enumerated().sorted { ($0.element.priority, $0.offset) < ($1.element.priority, $1.offset) }.map(\.element)
        var text = "### Findings by rule\n\n| Rule | Priority | Blocks | Count | First output |\n|---|---|---|---:|---|\n"
        for row in ordered {
            text += "| \(MarkdownText.inline(row.rule)) | \(row.priority.description) | \(report.isBlocking(row.priority) ? "yes" : "no") "
            text += "| \(grouped(UInt64(row.count))) | \(MarkdownText.inline(row.first.truncated(to: maximumOutputLength))) |\n"
        }
        return text
    }

    /// Each distinct finding, most severe first: rule, count, process chain, target, output.
    private static func details(_ report: RunReport, _ groups: [FindingGroup]) -> String {
        let ordered = groups.enumerated().sorted { ($0.element.first.priority, $0.offset) < ($1.element.first.priority, $1.offset) }.map(\.element)
        var text = "### Findings\n\n"
        for (index, group) in ordered.prefix(maximumDetailedFindings).enumerated() {
            let finding = group.first
            text += "\(index + 1). **\(MarkdownText.inline(finding.rule))** (\(finding.priority.description)"
            text += group.count > 1 ? ", \(group.count) times)" : ")"
            if let chain = finding.processChainText { text += ": " + MarkdownText.code(chain) }
            if let syscall = finding.syscall { text += " " + MarkdownText.inline(syscall) }
            if let target = finding.target { text += " " + MarkdownText.code(target) }
            if let action = finding.action { text += " **\(action.rawValue)**" }
            if finding.resultAssumed { text += " (\(ReportFinding.resultAssumedNote))" }
            text += "  \n   " + MarkdownText.inline(finding.output.truncated(to: maximumOutputLength)) + "\n"
        }
        if ordered.count > maximumDetailedFindings {
            text += "\n\(plural(ordered.count - maximumDetailedFindings, "more distinct finding")) not shown: see the JSON lines or SARIF report.\n"
        }
        return text
    }

    private static func plural(_ count: Int, _ noun: String) -> String {
        "\(grouped(UInt64(count))) \(noun)\(count == 1 ? "" : "s")"
    }

    /// `182,113`.
    static func grouped(_ value: UInt64) -> String {
        let digits = Array(String(value))
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return out
    }
}
