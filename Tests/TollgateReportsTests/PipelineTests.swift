import Foundation
import Testing
import TollgateEvents
import TollgateRules
@testable import TollgateReports

/// Rules file -> loader -> decoder -> engine -> RunReport -> every format, as `tollgate run`
/// does after the job, without privileges (events are built, not captured).
@Suite("Reports from a real engine run")
struct PipelineTests {
    static func run() throws -> RunReport {
        let engine = try ConversionTests.engine()
        let decoder = ConversionTests.decoder()
        var findings: [ReportFinding] = []
        func feed(_ raw: RawEvent) {
            guard let event = decoder.decode(raw) else { return }
            findings += engine.evaluate(event).map { ReportFinding($0, event: event, hostname: "runner-7") }
        }
        ConversionTests.spawn(decoder, parent: 1001, child: 1002, exe: "/usr/bin/curl", argv: ["curl", "https://x"])
        feed(ConversionTests.sys("socket", pid: 1002, args: [2, 1, 0], ret: 3))
        let server = ByteString(SocketAddress.ipv4(address: 0xCB00_7107, port: 443).encoded)
        feed(ConversionTests.sys("connect", pid: 1002, args: [3, 0, 16], ret: 0, payloads: [.arg(1): server]))
        ConversionTests.spawn(decoder, parent: 1001, child: 1003, exe: "/usr/bin/cat", argv: ["cat", "/etc/shadow"])
        feed(ConversionTests.sys("openat", pid: 1003, args: [UInt64(bitPattern: -100), 0, 0, 0], ret: 4, payloads: [.arg(1): "/etc/shadow"]))
        return RunReport(
            toolVersion: "0.1.0", jobCommand: ["make", "test"], jobName: "build", hostname: "runner-7",
            startTime: ReportFixtures.start, endTime: ReportFixtures.start + 5_000_000_000, jobExitStatus: 0,
            gateFailed: true, failOn: .warning, backend: "replay",
            coverage: Coverage(events: 9, notEvaluable: UnevaluableRule.find(in: engine.ruleSet, backend: "replay", deliverableSyscalls: nil)),
            rules: RuleDescriptor.all(in: engine.ruleSet), findings: FindingLedger(findings))
    }

    @Test("two findings become valid SARIF, JUnit, JSON lines, summary, annotations and Code Quality")
    func everyFormat() throws {
        let report = try Self.run()
        #expect(report.findings.firsts.map(\.rule) == ["Curl connects out", "Shadow read"])
        let anchor = SARIFAnchor(path: ".github/workflows/ci.yml", line: 12, origin: .githubWorkflow)
        let sarif = SARIFReport.render(report, runAnchor: anchor)
        let junit = JUnitReport.render(report, runAnchor: anchor)
        #expect(GitHubIngestionRules.problems(in: sarif) == [])
        try SchemaValidation.validate([("pipeline.sarif", sarif), ("pipeline.xml", junit)])
        #expect(junit.contains("name=\"Curl connects out\"") && junit.contains("name=\"Off\"") == false)
        #expect(FalcoJSONLines.render(report.findings).split(separator: "\n").count == 2)
        #expect(MarkdownSummary.render(report).contains("`make -> sh -> curl` connect `203.0.113.7:443`"))
        #expect(GitHubAnnotations.lines(report, runAnchor: anchor).count == 2)
        let issues = try JSONSerialization.jsonObject(with: Data(GitLabCodeQuality.render(report, runAnchor: anchor).utf8)) as? [Any]
        #expect(issues?.count == 2)
    }
}
