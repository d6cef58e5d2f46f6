import TollgateEvents

/// The run as JUnit XML (`--junit FILE`) for GitLab's test report and GitHub test-report
/// actions: one `<testsuite>` per gated run, one `<testcase>` per enabled rule, always present
/// (passed; `<failure>` listing that rule's findings; `<skipped>` with the reason when the
/// backend cannot evaluate it), plus a `tracer coverage` testcase that is an `<error>` when
/// events were lost or tracing degraded. Names are rule names, so GitLab's merge-request diff
/// can say "newly failed" and "resolved".
public enum JUnitReport {
    /// Distinct findings listed per failing rule; the rest are counted.
    public static let maximumFindingsPerRule = 1000
    /// The coverage testcase's name.
    public static let coverageTestName = "tracer coverage"

    public static func render(_ report: RunReport, runAnchor: SARIFAnchor?) -> String {
        let groupsByRule = Dictionary(grouping: report.findings.groups, by: \.first.rule)
        var rules = report.rules.filter(\.enabled)
        for finding in report.findings.groups.map(\.first) where !rules.contains(where: { $0.name == finding.rule }) {
            rules.append(RuleDescriptor(name: finding.rule, description: "", priority: finding.priority, tags: finding.tags))
        }
        let classname = "tollgate." + report.jobName
        var cases: [String] = []
        var failures = 0
        var skipped = 0
        for rule in rules {
            let anchor = SARIFAnchor.resolve(runAnchor: runAnchor, rule: rule)
            var body = ""
            if let groups = groupsByRule[rule.name] {
                failures += 1
                body = failure(rule, groups, report: report)
            } else if let reason = report.coverage.notEvaluableReason(for: rule.name) {
                skipped += 1
                body = "      <skipped message=\"\(XMLText.attribute(reason))\">\(XMLText.content(reason))</skipped>\n"
            }
            cases.append(testcase(classname: classname, name: rule.name, anchor: anchor, body: body))
        }
        let coverage = report.coverage
        var coverageBody = ""
        if coverage.isDegraded {
            let problems = coverage.problems.joined(separator: " ")
            coverageBody += "      <error type=\"tracer\" message=\"\(XMLText.attribute(problems))\">\(XMLText.content(coverage.problems.joined(separator: "\n")))</error>\n"
        }
        coverageBody += "      <system-out>\(XMLText.content(coverageText(report)))</system-out>\n"
        cases.append(testcase(classname: classname, name: coverageTestName, anchor: runAnchor, body: coverageBody))

        let errors = coverage.isDegraded ? 1 : 0
        let counts = "tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"\(errors)\" skipped=\"\(skipped)\""
        let time = seconds(report.durationSeconds)
        let timestamp = Timestamps.rfc3339Seconds(report.startTime)
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"tollgate\" \(counts) time=\"\(time)\" timestamp=\"\(timestamp)\">\n"
        xml += "  <testsuite name=\"\(XMLText.attribute("tollgate: " + report.jobName))\" \(counts) time=\"\(time)\" timestamp=\"\(timestamp)\" hostname=\"\(XMLText.attribute(report.hostname))\">\n"
        xml += "    <properties>\n"
        for (name, value) in properties(report) {
            xml += "      <property name=\"\(name)\" value=\"\(XMLText.attribute(value))\"/>\n"
        }
        xml += "    </properties>\n"
        xml += cases.joined()
        xml += "  </testsuite>\n</testsuites>\n"
        return xml
    }

    private static func testcase(classname: String, name: String, anchor: SARIFAnchor?, body: String) -> String {
        var open = "    <testcase classname=\"\(XMLText.attribute(classname))\" name=\"\(XMLText.attribute(name))\""
        if let anchor { open += " file=\"\(XMLText.attribute(anchor.path))\" line=\"\(anchor.line)\"" }
        open += " time=\"0\""
        return body.isEmpty ? open + "/>\n" : open + ">\n" + body + "    </testcase>\n"
    }

    /// `<failure>`: the first finding as the message, every distinct finding in the body (GitLab
    /// shows the body, not the message).
    private static func failure(_ rule: RuleDescriptor, _ groups: [FindingGroup], report: RunReport) -> String {
        let total = groups.reduce(0) { $0 + $1.count }
        let blocking = report.isBlocking(rule.priority)
        let first = groups[0].first.output.split(separator: "\n").first.map(String.init) ?? rule.name
        let message = first.truncated(to: 200) + (total > 1 ? " (\(total) findings)" : "")
        var text = "\(rule.name): \(total) finding\(total == 1 ? "" : "s") at priority \(rule.priority.description)"
        text += blocking ? ", at or above --fail-on \(report.failOn.description): blocks the job.\n"
                         : ", below --fail-on \(report.failOn.description): does not block.\n"
        if let file = rule.sourceFile { text += "Rule defined in \(file)\(rule.sourceLine.map { ":\($0)" } ?? "").\n" }
        for (index, group) in groups.prefix(maximumFindingsPerRule).enumerated() {
            text += "\n" + findingText(index + 1, group)
        }
        if groups.count > maximumFindingsPerRule {
            text += "\n... and \(groups.count - maximumFindingsPerRule) more distinct findings (see the JSON or SARIF report).\n"
        }
        return "      <failure type=\"\(rule.priority.description)\" message=\"\(XMLText.attribute(message))\">\(XMLText.content(text))</failure>\n"
    }

    private static func findingText(_ number: Int, _ group: FindingGroup) -> String {
        let finding = group.first
        var text = "\(number). \(Timestamps.rfc3339Nanoseconds(finding.time))"
        if group.count > 1 { text += " (\(group.count) times, last \(Timestamps.rfc3339Nanoseconds(group.lastTime)))" }
        text += ": \(finding.output)\n"
        if !finding.processChain.isEmpty {
            text += "   process: " + finding.processChain.map { link in link.pid.map { "\(link.name)(\($0))" } ?? link.name }.joined(separator: " -> ") + "\n"
        }
        var detail: [String] = []
        if let exe = finding.exe { detail.append("exe: \(exe)") }
        if let cmdline = finding.cmdline { detail.append("cmdline: \(cmdline)") }
        if !detail.isEmpty { text += "   " + detail.joined(separator: "  ") + "\n" }
        detail = []
        if let syscall = finding.syscall { detail.append("syscall: \(syscall)") }
        if let target = finding.target { detail.append("target: \(target)") }
        if let container = finding.containerID { detail.append("container: \(container)") }
        if let action = finding.action { detail.append("action: \(action.rawValue)") }
        if finding.resultAssumed { detail.append(ReportFinding.resultAssumedNote) }
        if !detail.isEmpty { text += "   " + detail.joined(separator: "  ") + "\n" }
        return text
    }

    private static func coverageText(_ report: RunReport) -> String {
        let coverage = report.coverage
        var lines = [
            "backend: \(report.backend)",
            "events: \(coverage.events)",
            "dropped: \(coverage.drops)",
            "malformed: \(coverage.malformed)",
            "unreadable payloads: \(coverage.unreadablePayloads)",
        ]
        lines += coverage.degradations.map { "degraded: \($0)" }
        lines += coverage.blindSpots.map { "blind spot: \($0)" }
        lines += coverage.notEvaluable.map { "not evaluable: \($0.rule): \($0.reason)" }
        return lines.joined(separator: "\n")
    }

    private static func properties(_ report: RunReport) -> [(String, String)] {
        let policy = report.policy.sources.map { ("tollgate.policy.\($0.kind.replacingOccurrences(of: " ", with: "-"))", "\($0.path) sha256:\($0.sha256)") }
            + report.policy.weakeningLines.map { ("tollgate.policy.weakened", $0) }
        return [
            ("tollgate.version", report.toolVersion),
            ("tollgate.backend", report.backend),
            ("tollgate.command", ShellQuoting.commandLine(report.jobCommand)),
            ("tollgate.fail-on", report.failOn.description),
            ("tollgate.verdict", report.gateFailed ? "failed" : "passed"),
            ("tollgate.job-exit-status", String(report.jobExitStatus)),
            ("tollgate.events", String(report.coverage.events)),
            ("tollgate.drops", String(report.coverage.drops)),
            ("tollgate.unreadable-payloads", String(report.coverage.unreadablePayloads)),
        ] + policy + (report.maskedSecrets > 0 ? [("tollgate.masked-secrets", String(report.maskedSecrets))] : [])
            + report.ci.knownFields.map { ("tollgate.\($0.name)", $0.value) }
    }

    /// Seconds with three decimals (`61.250`), the precision JUnit schemas accept.
    static func seconds(_ value: Double) -> String {
        let milliseconds = Int64((value * 1000).rounded())
        let fraction = String(milliseconds % 1000)
        return "\(milliseconds / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
