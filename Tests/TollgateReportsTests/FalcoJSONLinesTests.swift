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
        let groups = ReportFixtures.failing.findings.groups
        #expect(lines.count == groups.count)
        for (line, group) in zip(lines, groups) {
            let finding = group.first
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let falcoKeys: Set<String> = ["time", "rule", "priority", "output", "output_fields", "source", "tags", "hostname"]
            #expect(Set(object.keys) == (group.count > 1 ? falcoKeys.union(["count"]) : falcoKeys))
            #expect(object["count"] as? Int == (group.count > 1 ? group.count : nil))
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
}
