import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import TollgateReports

@Suite("JUnit report")
struct JUnitReportTests {
    static let anchor = SARIFAnchor(path: ".gitlab-ci.yml", line: 8, origin: .gitlabConfig)

    static func suite(_ xml: String) throws -> XMLElement {
        let document = try XMLDocument(xmlString: xml)
        let root = try #require(document.rootElement())
        #expect(root.name == "testsuites")
        return try #require(root.elements(forName: "testsuite").first)
    }

    static func cases(_ suite: XMLElement) -> [XMLElement] { suite.elements(forName: "testcase") }

    static func attribute(_ element: XMLElement, _ name: String) -> String? { element.attribute(forName: name)?.stringValue }

    @Test("matches the golden files", arguments: [
        ("failing-rule-anchors.junit.xml", ReportFixtures.failing, nil as SARIFAnchor?),
        ("failing-gitlab-anchor.junit.xml", ReportFixtures.failing, anchor),
        ("clean.junit.xml", ReportFixtures.clean, nil),
    ])
    func golden(name: String, report: RunReport, anchor: SARIFAnchor?) throws {
        try GoldenFile.check(JUnitReport.render(report, runAnchor: anchor), against: name)
    }

    @Test("every produced file is valid against junit.xsd", .enabled(if: SchemaValidation.available))
    func schemaValid() throws {
        try SchemaValidation.validate([
            ("failing.xml", JUnitReport.render(ReportFixtures.failing, runAnchor: nil)),
            ("failing-anchor.xml", JUnitReport.render(ReportFixtures.failing, runAnchor: Self.anchor)),
            ("clean.xml", JUnitReport.render(ReportFixtures.clean, runAnchor: nil)),
        ])
    }

    @Test("the schema check rejects what it should (negative control)", .enabled(if: SchemaValidation.available))
    func schemaNegativeControl() throws {
        let folder = try #require(SchemaValidation.schemaFolder)
        let (status, output) = try SchemaValidation.validateExisting([folder.appendingPathComponent("examples/invalid-junit.xml").path])
        #expect(status == 1)
        #expect(output.contains("The attribute 'failures' is required but missing"))
    }

    @Test("one testcase per enabled rule plus tracer coverage, with correct counts")
    func shapeAndCounts() throws {
        let suite = try Self.suite(JUnitReport.render(ReportFixtures.failing, runAnchor: nil))
        let cases = Self.cases(suite)
        let enabled = ReportFixtures.rules.filter(\.enabled).map(\.name)
        #expect(cases.compactMap { Self.attribute($0, "name") } == enabled + ["tracer coverage"])
        #expect(Set(cases.compactMap { Self.attribute($0, "classname") }) == ["tollgate.build"])
        let failed = cases.filter { !$0.elements(forName: "failure").isEmpty }.count
        let errored = cases.filter { !$0.elements(forName: "error").isEmpty }.count
        let skipped = cases.filter { !$0.elements(forName: "skipped").isEmpty }.count
        #expect(failed == 4 && errored == 1 && skipped == 1)
        #expect(Self.attribute(suite, "tests") == String(cases.count))
        #expect(Self.attribute(suite, "failures") == String(failed))
        #expect(Self.attribute(suite, "errors") == String(errored))
        #expect(Self.attribute(suite, "skipped") == String(skipped))
        #expect(Self.attribute(suite, "time") == "61.250")
    }

    @Test("a failing rule lists every one of its findings in the failure body")
    func failureBody() throws {
        let suite = try Self.suite(JUnitReport.render(ReportFixtures.failing, runAnchor: nil))
        let connect = try #require(Self.cases(suite).first { Self.attribute($0, "name") == "Unexpected outbound connection" })
        let failure = try #require(connect.elements(forName: "failure").first)
        let body = failure.stringValue ?? ""
        #expect(body.contains("3 findings"))
        #expect(body.contains("203.0.113.7:443") && body.contains("198.51.100.2:80"))
        #expect(body.contains("(2 times, last 2026-11-29T16:00:09.123456789Z)"))
        #expect(body.contains("process: make(4100) -> sh(4101) -> curl(4242)"))
        #expect(Self.attribute(failure, "type") == "CRITICAL")
        #expect(Self.attribute(connect, "file") == "rules/outbound.yaml" && Self.attribute(connect, "line") == "12")
    }

    @Test("skipped when the backend cannot evaluate the rule, with the reason")
    func skippedReason() throws {
        let suite = try Self.suite(JUnitReport.render(ReportFixtures.failing, runAnchor: Self.anchor))
        let ptrace = try #require(Self.cases(suite).first { Self.attribute($0, "name") == "Ptrace attach" })
        let skipped = try #require(ptrace.elements(forName: "skipped").first)
        #expect(skipped.stringValue == "the seccomp backend does not see ptrace requests of untraced processes")
        #expect(Self.attribute(ptrace, "file") == ".gitlab-ci.yml" && Self.attribute(ptrace, "line") == "8")
    }

    @Test("tracer coverage errors on drops, malformed records, unreadable payloads, degradation or failed tracing, and passes otherwise", arguments: [
        (Coverage(events: 10), false),
        (Coverage(events: 10, drops: 1), true),
        (Coverage(events: 10, unreadablePayloads: 4), true),
        (Coverage(events: 10, malformed: 2), true),
        (Coverage(events: 10, degradations: ["fell back from ebpf to ptrace"]), true),
        (Coverage(events: 0, tracingFailed: true), true),
        (Coverage(events: 10, blindSpots: ["io_uring"]), false),
    ])
    func coverageCase(coverage: Coverage, errors: Bool) throws {
        var report = ReportFixtures.clean
        report.coverage = coverage
        let suite = try Self.suite(JUnitReport.render(report, runAnchor: nil))
        let tracer = try #require(Self.cases(suite).last)
        #expect(Self.attribute(tracer, "name") == "tracer coverage")
        #expect(tracer.elements(forName: "error").isEmpty == !errors)
        #expect(Self.attribute(suite, "errors") == (errors ? "1" : "0"))
    }

    @Test("a clean run: every rule passes")
    func clean() throws {
        let suite = try Self.suite(JUnitReport.render(ReportFixtures.clean, runAnchor: nil))
        #expect(Self.attribute(suite, "failures") == "0" && Self.attribute(suite, "errors") == "0" && Self.attribute(suite, "skipped") == "0")
        #expect(Self.cases(suite).allSatisfy { ($0.children ?? []).filter { $0.name != "system-out" }.isEmpty })
    }

    @Test("names and control characters from the job never break the XML")
    func hostileText() throws {
        var report = ReportFixtures.failing
        report.jobName = "build <\"&'>"
        var findings = ReportFixtures.findings
        findings[0].output = "x\u{0}\u{1B}]]><y/>\u{FFFF}"
        report.findings = FindingLedger(findings)
        let xml = JUnitReport.render(report, runAnchor: nil)
        let suite = try Self.suite(xml)
        #expect(Self.attribute(suite, "name") == "tollgate: build <\"&'>")
        #expect(xml.contains("x\\x00\\x1B]]&gt;&lt;y/&gt;\\u{FFFF}"))
    }

    @Test("seconds keep three decimals", arguments: [(0.0, "0.000"), (61.25, "61.250"), (0.0004, "0.000"), (12.3456, "12.346")])
    func seconds(value: Double, text: String) {
        #expect(JUnitReport.seconds(value) == text)
    }
}
