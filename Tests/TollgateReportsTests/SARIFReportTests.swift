import Foundation
import Testing
import TollgateRules
@testable import TollgateReports

@Suite("SARIF report")
struct SARIFReportTests {
    static let githubAnchor = SARIFAnchor(path: ".github/workflows/ci.yml", line: 23, origin: .githubWorkflow)

    static func render(_ report: RunReport, anchor: SARIFAnchor? = nil) -> String {
        SARIFReport.render(report, runAnchor: anchor)
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    static func run(_ text: String) throws -> [String: Any] {
        try #require((try json(text)["runs"] as? [[String: Any]])?.first)
    }

    @Test("matches the golden files", arguments: [
        ("failing-rule-anchors.sarif", ReportFixtures.failing, nil as SARIFAnchor?),
        ("failing-github-anchor.sarif", ReportFixtures.failing, githubAnchor),
        ("clean.sarif", ReportFixtures.clean, nil),
    ])
    func golden(name: String, report: RunReport, anchor: SARIFAnchor?) throws {
        try GoldenFile.check(Self.render(report, anchor: anchor), against: name)
    }

    @Test("every produced file is valid against the SARIF 2.1.0 schema", .enabled(if: SchemaValidation.available))
    func schemaValid() throws {
        try SchemaValidation.validate([
            ("failing-rule-anchors.sarif", Self.render(ReportFixtures.failing)),
            ("failing-github-anchor.sarif", Self.render(ReportFixtures.failing, anchor: Self.githubAnchor)),
            ("clean.sarif", Self.render(ReportFixtures.clean)),
            ("capped.sarif", SARIFReport.render(ReportFixtures.failing, runAnchor: nil, maximumResults: 2)),
        ])
    }

    @Test("the schema check rejects what it should (negative control)", .enabled(if: SchemaValidation.available))
    func schemaNegativeControl() throws {
        let broken = Self.render(ReportFixtures.failing).replacingOccurrences(of: "\"level\": \"error\"", with: "\"level\": \"critical\"")
        let folder = NSTemporaryDirectory() + "tollgate-negative-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data(broken.utf8).write(to: URL(fileURLWithPath: folder + "/broken.sarif"))
        let (status, output) = try SchemaValidation.validateExisting([folder + "/broken.sarif"])
        #expect(status == 1)
        #expect(output.contains("'critical' is not one of"))
    }

    @Test("GitHub ingestion rules: every produced file passes")
    func githubAccepts() throws {
        for text in [Self.render(ReportFixtures.failing), Self.render(ReportFixtures.failing, anchor: Self.githubAnchor), Self.render(ReportFixtures.clean)] {
            #expect(GitHubIngestionRules.problems(in: text) == [])
        }
    }

    @Test("GitHub ingestion rules: the checker rejects the shared negative example and accepts the positive ones")
    func githubCheckerControls() throws {
        guard let folder = SchemaValidation.schemaFolder?.appendingPathComponent("examples") else {
            print("skipped: ../shared/schemas/examples is not next to the repository")
            return
        }
        let rejected = try String(contentsOf: folder.appendingPathComponent("runtime-finding-no-location.github-rejects.sarif"), encoding: .utf8)
        #expect(GitHubIngestionRules.problems(in: rejected) == ["runs[0].results[0]: no locations (expected at least one location)"])
        for accepted in ["runtime-finding.sarif", "minimal.sarif"] {
            let text = try String(contentsOf: folder.appendingPathComponent(accepted), encoding: .utf8)
            #expect(GitHubIngestionRules.problems(in: text) == [], "\(accepted)")
        }
    }

    @Test("no result without a physical location, whatever anchors are known")
    func everyResultHasAPhysicalLocation() throws {
        var report = ReportFixtures.failing
        // A rule with no source file and a finding whose rule was never described.
        report.rules[0].sourceFile = nil
        report.findings = FindingLedger(ReportFixtures.findings + [ReportFinding(rule: "Undescribed rule", priority: .error, output: "x", time: ReportFixtures.start, hostname: "h")])
        let results = try #require(try Self.run(Self.render(report))["results"] as? [[String: Any]])
        #expect(!results.isEmpty)
        for result in results {
            let location = try #require((result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
            let uri = (location["artifactLocation"] as? [String: Any])?["uri"] as? String
            #expect(uri?.isEmpty == false)
            #expect((location["region"] as? [String: Any])?["startLine"] as? Int ?? 0 >= 1)
            #expect((result["partialFingerprints"] as? [String: Any])?["primaryLocationLineHash"] != nil)
        }
        #expect(GitHubIngestionRules.problems(in: Self.render(report)) == [])
    }

    @Test("at most 25,000 results; the rest are counted in a notification, most severe kept")
    func resultCap() throws {
        var report = ReportFixtures.clean
        report.findings = FindingLedger((0..<25_010).map { index in
            ReportFinding(
                rule: "Shell spawned by build tool", priority: index == 25_009 ? .critical : .notice,
                output: "finding \(index)", time: ReportFixtures.start + UInt64(index), hostname: "h",
                exe: "/bin/sh", target: "/tmp/\(index)")
        }, maximumGroups: 30_000)
        let text = Self.render(report)
        let run = try Self.run(text)
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == 25_000)
        #expect(results.last?["level"] as? String == "error", "the critical finding, last in time, is kept")
        let notes = try #require((run["invocations"] as? [[String: Any]])?.first?["toolExecutionNotifications"] as? [[String: Any]])
        let omitted = notes.compactMap { ($0["message"] as? [String: Any])?["text"] as? String }.filter { $0.hasPrefix("10 distinct findings were left out") }
        #expect(omitted.count == 1)
        #expect(GitHubIngestionRules.problems(in: text) == [])
    }

    @Test("fingerprints are stable across runs and differ for different targets")
    func fingerprints() throws {
        let first = GitHubIngestionRules.fingerprints(in: Self.render(ReportFixtures.failing))
        // The same job again: other pids, other times, another anchor line.
        var again = ReportFixtures.failing
        again.findings = FindingLedger(ReportFixtures.findings.map { finding in
            var copy = finding
            copy.pid = (finding.pid ?? 0) + 1000
            copy.time += 3_600_000_000_000
            return copy
        })
        let second = GitHubIngestionRules.fingerprints(in: Self.render(again, anchor: SARIFAnchor(path: "x.yml", line: 99, origin: .flag)))
        #expect(first == second)
        #expect(first.count == 5, "two identical connects merge")
        #expect(Set(first).count == first.count, "distinct findings, distinct fingerprints")
        #expect(first.allSatisfy { $0.wholeMatch(of: /[0-9a-f]{16}:1/) != nil })

        let toA = ReportFixtures.connect("203.0.113.7:443", seconds: 1)
        let toB = ReportFixtures.connect("198.51.100.2:80", seconds: 1)
        #expect(FindingGroup.identityHash(of: toA) != FindingGroup.identityHash(of: toB))
        var otherExe = toA
        otherExe.exe = "/usr/bin/wget"
        #expect(FindingGroup.identityHash(of: toA) != FindingGroup.identityHash(of: otherExe))
    }

    @Test("identical findings are merged with a count")
    func merging() throws {
        let results = try #require(try Self.run(Self.render(ReportFixtures.failing))["results"] as? [[String: Any]])
        let connects = results.filter { $0["ruleId"] as? String == "Unexpected outbound connection" }
        let counts = connects.map { ($0["properties"] as? [String: Any])?["count"] as? Int }
        #expect(counts == [2, 1])
    }

    @Test("every loaded rule is a reportingDescriptor with GitHub's display fields")
    func rules() throws {
        let run = try Self.run(Self.render(ReportFixtures.failing))
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "tollgate")
        let rules = try #require(driver["rules"] as? [[String: Any]])
        #expect(rules.compactMap { $0["id"] as? String } == ReportFixtures.rules.map(\.name))
        for (rule, descriptor) in zip(rules, ReportFixtures.rules) {
            let properties = try #require(rule["properties"] as? [String: Any])
            #expect(properties["security-severity"] as? String == descriptor.priority.securitySeverity)
            #expect((properties["tags"] as? [String])?.first == "security")
            for key in ["shortDescription", "fullDescription", "help"] {
                #expect(((rule[key] as? [String: Any])?["text"] as? String)?.isEmpty == false)
            }
        }
        let disabled = try #require(rules.last?["defaultConfiguration"] as? [String: Any])
        #expect(disabled["enabled"] as? Bool == false)
        let results = try #require(run["results"] as? [[String: Any]])
        for result in results {
            let index = try #require(result["ruleIndex"] as? Int)
            #expect(rules[index]["id"] as? String == result["ruleId"] as? String)
        }
        #expect(((run["automationDetails"] as? [String: Any])?["id"] as? String) == "tollgate/build/")
    }

    @Test("security-severity lands in GitHub's intended bands", arguments: Priority.allCases)
    func severityBands(priority: Priority) throws {
        let score = try #require(Double(priority.securitySeverity))
        #expect(score > 0 && score <= 10)
        let band = score > 9 ? "critical" : score >= 7 ? "high" : score >= 4 ? "medium" : "low"
        let expected: [Priority: String] = [.emergency: "critical", .alert: "critical", .critical: "critical", .error: "high",
                                            .warning: "high", .notice: "medium", .informational: "low", .debug: "low"]
        #expect(band == expected[priority])
    }

    @Test("invocation: command, exit code, times, backend and coverage notes")
    func invocation() throws {
        let invocation = try #require((try Self.run(Self.render(ReportFixtures.failing))["invocations"] as? [[String: Any]])?.first)
        #expect(invocation["commandLine"] as? String == "make -j2 test")
        #expect(invocation["exitCode"] as? Int == 0)
        #expect(invocation["executionSuccessful"] as? Bool == true)
        #expect(invocation["startTimeUtc"] as? String == "2026-11-29T16:00:00.000Z")
        #expect(invocation["endTimeUtc"] as? String == "2026-11-29T16:01:01.250Z")
        #expect((invocation["properties"] as? [String: Any])?["backend"] as? String == "seccomp")
        let notes = try #require(invocation["toolExecutionNotifications"] as? [[String: Any]])
        let ids = notes.compactMap { ($0["descriptor"] as? [String: Any])?["id"] as? String }
        #expect(ids == ["tollgate/dropped-events", "tollgate/blind-spot", "tollgate/rule-not-evaluable"])
    }

    @Test("unreadable payloads: an error notification and a count in the properties")
    func unreadablePayloads() throws {
        var report = ReportFixtures.clean
        report.coverage.unreadablePayloads = 5
        let invocation = try #require((try Self.run(Self.render(report))["invocations"] as? [[String: Any]])?.first)
        #expect((invocation["properties"] as? [String: Any])?["unreadablePayloads"] as? Int == 5)
        let notes = try #require(invocation["toolExecutionNotifications"] as? [[String: Any]])
        let note = try #require(notes.first { ($0["descriptor"] as? [String: Any])?["id"] as? String == "tollgate/unreadable-payloads" })
        #expect(note["level"] as? String == "error")
        #expect(((note["message"] as? [String: Any])?["text"] as? String)?.hasPrefix("5 events had a payload") == true)
    }
}
