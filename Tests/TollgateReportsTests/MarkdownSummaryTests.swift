import Testing
@testable import TollgateReports

@Suite("Markdown summary")
struct MarkdownSummaryTests {
    @Test("matches the golden files", arguments: [
        ("failing.summary.md", ReportFixtures.failing),
        ("clean.summary.md", ReportFixtures.clean),
    ])
    func golden(name: String, report: RunReport) throws {
        try GoldenFile.check(MarkdownSummary.render(report), against: name)
    }

    @Test("the verdict comes first, in words", arguments: [
        (ReportFixtures.failing, "## tollgate: failed\n\n**The gate failed the job**: 5 blocking findings at or above WARNING; 3 events dropped."),
        (ReportFixtures.clean, "## tollgate: passed\n\n**The gate passed**: no finding at or above WARNING."),
    ])
    func verdictFirst(report: RunReport, start: String) {
        #expect(MarkdownSummary.render(report).hasPrefix(start))
    }

    @Test("unreadable payloads are a reason the gate failed, and a coverage problem")
    func unreadablePayloads() {
        var report = ReportFixtures.clean
        report.gateFailed = true
        report.coverage.unreadablePayloads = 7
        let text = MarkdownSummary.render(report)
        #expect(text.hasPrefix("## tollgate: failed\n\n**The gate failed the job**: 7 events with a payload that could not be read."))
        #expect(text.contains("7 events had a payload (a path, an address, a command line) that could not be read from the job's memory"))
    }

    @Test("each finding shows the process chain that led to it")
    func processChains() {
        let text = MarkdownSummary.render(ReportFixtures.failing)
        #expect(text.contains("**Unexpected outbound connection** (CRITICAL, 2 times): `make -> sh -> curl` connect `203.0.113.7:443`"))
        #expect(text.contains("`make -> sh -> cat`"))
    }

    @Test("text from the job cannot inject HTML, links or table cells")
    func escaping() {
        var report = ReportFixtures.failing
        report.findings = FindingLedger([ReportFinding(
            rule: "Shell spawned by build tool", priority: .notice,
            output: "<script>x</script> [click](http://evil) | cell", time: ReportFixtures.start, hostname: "h",
            processChain: [ProcessLink(name: "a`b|c")], target: "/tmp/x|y")])
        let text = MarkdownSummary.render(report)
        #expect(!text.contains("<script>"))
        #expect(!text.contains("[click]("))
        #expect(text.contains("&lt;script&gt;x&lt;/script&gt; \\[click\\](http://evil) \\| cell"))
        #expect(text.contains("``a`b|c``"))
    }

    @Test("10,000 findings stay short, with the detailed list capped and the rest counted")
    func manyFindings() {
        var report = ReportFixtures.failing
        report.findings = FindingLedger((0..<10_000).map { index in
            ReportFixtures.connect("203.0.113.\(index % 250):\(1000 + index / 250)", seconds: UInt64(index))
        })
        let text = MarkdownSummary.render(report)
        #expect(text.utf8.count < 64 * 1024, "\(text.utf8.count) bytes")
        #expect(text.contains("| Unexpected outbound connection | CRITICAL | yes | 10,000 |"))
        #expect(text.contains("\n50. **Unexpected outbound connection**"))
        #expect(!text.contains("\n51. "))
        #expect(text.contains("9,950 more distinct findings not shown"))
    }

    @Test("no findings reads cleanly")
    func noFindings() {
        let text = MarkdownSummary.render(ReportFixtures.clean)
        #expect(text.contains("No rule fired: 5 enabled rules were evaluated."))
        #expect(!text.contains("### Findings"))
    }

    @Test("thousands separators", arguments: [(UInt64(0), "0"), (999, "999"), (1000, "1,000"), (182_113, "182,113"), (1_234_567, "1,234,567")])
    func grouping(value: UInt64, text: String) {
        #expect(MarkdownSummary.grouped(value) == text)
    }
}

/// A finding whose call's result the backend could not see (seccomp) says that it was taken
/// for a success, in every report.
@Suite("A result taken for a success")
struct ResultAssumedTests {
    static var report: RunReport {
        var findings = ReportFixtures.findings
        findings[0].resultAssumed = true
        var report = ReportFixtures.failing
        report.findings = FindingLedger(findings)
        return report
    }

    @Test func everyReportSaysSo() throws {
        let note = ReportFinding.resultAssumedNote
        #expect(MarkdownSummary.render(Self.report).contains("(\(note))"))
        #expect(JUnitReport.render(Self.report, runAnchor: nil).contains(note))
        #expect(SARIFReport.render(Self.report, runAnchor: nil).contains("\"resultAssumed\": true"))
        #expect(!MarkdownSummary.render(ReportFixtures.failing).contains(note), "only where it was assumed")
        #expect(!SARIFReport.render(ReportFixtures.failing, runAnchor: nil).contains("resultAssumed"))
    }
}
