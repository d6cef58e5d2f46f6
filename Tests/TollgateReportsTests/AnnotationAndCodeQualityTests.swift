import Foundation
import Testing
@testable import TollgateReports

@Suite("GitHub annotations")
struct GitHubAnnotationsTests {
    static let anchor = SARIFAnchor(path: ".github/workflows/ci, main.yml", line: 23, origin: .githubWorkflow)

    @Test("matches the golden file")
    func golden() throws {
        let text = GitHubAnnotations.lines(ReportFixtures.failing, runAnchor: Self.anchor).joined(separator: "\n") + "\n"
        try GoldenFile.check(text, against: "failing.annotations.txt")
    }

    @Test("only blocking findings, most severe first, one per distinct finding")
    func blockingOnly() {
        let lines = GitHubAnnotations.lines(ReportFixtures.failing, runAnchor: Self.anchor)
        #expect(lines.count == 4, "2 distinct connects, the shadow read, the log truncation; the NOTICE shell does not block")
        #expect(lines.allSatisfy { $0.hasPrefix("::error file=.github/workflows/ci%2C main.yml,line=23,title=tollgate%3A ") })
        #expect(lines[0].contains("Unexpected outbound connection (CRITICAL)::Outbound connection"))
        #expect(lines[0].contains(" (2 times)%0Aprocess: make -> sh -> curl"))
        #expect(GitHubAnnotations.lines(ReportFixtures.clean, runAnchor: Self.anchor).isEmpty)
    }

    @Test("escaping of message data and properties", arguments: [
        ("100% done\r\nnext", "100%25 done%0D%0Anext", "100%25 done%0D%0Anext"),
        ("a:b,c", "a:b,c", "a%3Ab%2Cc"),
        ("nul\u{0}esc\u{1B}", "nul\u{FFFD}esc\u{FFFD}", "nul\u{FFFD}esc\u{FFFD}"),
    ])
    func escaping(input: String, data: String, property: String) {
        #expect(GitHubAnnotations.data(input) == data)
        #expect(GitHubAnnotations.property(input) == property)
    }

    @Test("at most 10 annotations: 9 findings and one line counting the rest")
    func cap() {
        var report = ReportFixtures.failing
        report.findings = FindingLedger((0..<25).map { ReportFixtures.connect("203.0.113.\($0):443", seconds: UInt64($0)) })
        let lines = GitHubAnnotations.lines(report, runAnchor: nil)
        #expect(lines.count == 10)
        #expect(lines.last == "::error title=tollgate%3A 16 more blocking findings::16 more blocking findings are not annotated; see the job summary or the SARIF report.")
        #expect(lines.first?.hasPrefix("::error file=rules/outbound.yaml,line=12,") == true)
        report.findings = FindingLedger(report.findings.firsts.dropLast(15))
        #expect(GitHubAnnotations.lines(report, runAnchor: nil).count == 10, "exactly 10 fit without a summary line")
    }
}

@Suite("GitLab Code Quality")
struct GitLabCodeQualityTests {
    static let anchor = SARIFAnchor(path: ".gitlab-ci.yml", line: 8, origin: .gitlabConfig)

    @Test("matches the golden files", arguments: [
        ("failing.codequality.json", ReportFixtures.failing),
        ("clean.codequality.json", ReportFixtures.clean),
    ])
    func golden(name: String, report: RunReport) throws {
        try GoldenFile.check(GitLabCodeQuality.render(report, runAnchor: Self.anchor), against: name)
    }

    @Test("issues have GitLab's required keys, unique fingerprints and known severities")
    func shape() throws {
        let text = GitLabCodeQuality.render(ReportFixtures.failing, runAnchor: Self.anchor)
        let issues = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        #expect(issues.count == 5)
        let fingerprints = issues.compactMap { $0["fingerprint"] as? String }
        #expect(Set(fingerprints).count == issues.count)
        for issue in issues {
            #expect((issue["description"] as? String)?.isEmpty == false)
            #expect((issue["check_name"] as? String)?.isEmpty == false)
            #expect(["info", "minor", "major", "critical", "blocker"].contains(issue["severity"] as? String ?? ""))
            let location = try #require(issue["location"] as? [String: Any])
            #expect(location["path"] as? String == ".gitlab-ci.yml")
            #expect((location["lines"] as? [String: Any])?["begin"] as? Int == 8)
        }
        // Stable across runs: the same findings at other times and pids give the same fingerprints.
        var again = ReportFixtures.failing
        again.findings = FindingLedger(ReportFixtures.findings.map { var copy = $0; copy.time += 1; copy.pid = 1; return copy })
        let second = try #require(try JSONSerialization.jsonObject(with: Data(GitLabCodeQuality.render(again, runAnchor: nil).utf8)) as? [[String: Any]])
        #expect(second.compactMap { $0["fingerprint"] as? String } == fingerprints)
    }

    @Test("no findings is an empty array")
    func empty() {
        #expect(GitLabCodeQuality.render(ReportFixtures.clean, runAnchor: nil) == "[]\n")
    }
}
