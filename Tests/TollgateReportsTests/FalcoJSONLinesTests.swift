import Foundation
import Testing
@testable import TollgateReports

@Suite("Falco JSON lines")
struct FalcoJSONLinesTests {
    @Test("matches the golden file")
    func golden() throws {
        try GoldenFile.check(FalcoJSONLines.render(ReportFixtures.failing.findings), against: "findings.jsonl")
    }

    @Test("no findings is an empty file")
    func empty() {
        #expect(FalcoJSONLines.render(FindingLedger()) == "")
    }

    @Test("every line is a JSON object with exactly Falco's json_output keys and types")
    func falcoShape() throws {
        let lines = FalcoJSONLines.render(ReportFixtures.failing.findings).split(separator: "\n")
        let findings = ReportFixtures.findings
        #expect(lines.count == findings.count)
        for (line, finding) in zip(lines, findings) {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(Set(object.keys) == ["time", "rule", "priority", "output", "output_fields", "source", "tags", "hostname"])
            #expect(object["rule"] as? String == finding.rule)
            #expect(object["priority"] as? String == finding.priority.name)
            #expect(object["source"] as? String == "syscall")
            #expect(object["hostname"] as? String == ReportFixtures.hostname)
            let time = try #require(object["time"] as? String)
            #expect(time.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z/) != nil, "time \(time)")
            let output = try #require(object["output"] as? String)
            #expect(output.hasSuffix(": \(finding.priority.name) \(finding.output)"))
            let fields = try #require(object["output_fields"] as? [String: Any])
            #expect((fields["evt.time"] as? NSNumber)?.uint64Value == finding.time)
        }
    }

    @Test("field values keep their JSON types; unknown is null")
    func fieldTypes() throws {
        let line = FalcoJSONLines.line(for: ReportFixtures.findings[0])
        #expect(line.contains(#""user.loginuid":-1"#))
        #expect(line.contains(#""proc.tty":null"#))
        #expect(line.contains(#""fd.name":"/etc/shadow""#))
        #expect(line.contains(#""time":"2026-11-29T16:00:03.000000005Z""#))
        #expect(line.contains(#""output":"16:00:03.000000005: Warning Sensitive file"#))
    }

    @Test("past the events kept one by one, one line per distinct finding with its count")
    func manyFindings() throws {
        let count = FindingLedger.maximumEvents + 5
        let ledger = FindingLedger((0..<count).map { index in
            ReportFixtures.connect("203.0.113.\(index % 2):443", seconds: UInt64(index))
        })
        #expect(!ledger.keepsEveryEvent)
        let lines = FalcoJSONLines.render(ledger).split(separator: "\n")
        #expect(lines.count == 2)
        let counts = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])["count"] as? Int }
        #expect(counts == [count / 2 + 1, count / 2])
    }
}
