import Foundation
import Testing
@testable import TollgateRules

@Suite("Falco's rulesets")
struct FalcoRulesetTests {
    static let combinations: [[String]] = [
        ["falco_rules.yaml"],
        ["falco-incubating_rules.yaml"],
        ["falco-sandbox_rules.yaml"],
        ["falco_rules.yaml", "falco-incubating_rules.yaml"],
        ["falco_rules.yaml", "falco-sandbox_rules.yaml"],
        ["falco_rules.yaml", "falco-incubating_rules.yaml", "falco-sandbox_rules.yaml"],
    ]

    @Test("load alone and together with zero errors and zero warnings", arguments: combinations)
    func loadsCleanly(_ names: [String]) throws {
        let result = RuleLoader().load(files: try names.map(TestSupport.falcoSource))
        #expect(result.diagnostics.map(\.description) == [])
        #expect(result.ruleSet != nil)
    }

    @Test("rule counts per file")
    func ruleCounts() throws {
        let expected = ["falco_rules.yaml": 25, "falco-incubating_rules.yaml": 31, "falco-sandbox_rules.yaml": 37]
        for (name, count) in expected {
            let rules = RuleLoader().load(files: [try TestSupport.falcoSource(name)]).ruleSet?.rules ?? []
            #expect(rules.count == count, "\(name)")
        }
        let sandbox = RuleLoader().load(files: [try TestSupport.falcoSource("falco-sandbox_rules.yaml")]).ruleSet?.rules ?? []
        #expect(sandbox.filter { !$0.enabled }.count == 12)
    }

    /// Reference §3.5: every rule with its event-type set, parsed from the reference table.
    @Test("event types per rule match the reference table")
    func eventTypes() throws {
        let table = try EventTypeTable.load()
        #expect(table.count == 93)
        let all = RuleLoader().load(files: try TestSupport.falcoFiles.map(TestSupport.falcoSource))
        let rules = Dictionary(uniqueKeysWithValues: (all.ruleSet?.rules ?? []).map { ($0.name, $0) })
        for row in table {
            let rule = try #require(rules[row.rule], "missing rule \(row.rule)")
            #expect(rule.eventTypes == row.eventTypes, "\(row.rule)")
            #expect(rule.enabled == row.enabled, "\(row.rule)")
            #expect(rule.priority == row.priority, "\(row.rule)")
        }
    }

    @Test("the engine needs exactly the union of the rules' event types")
    func neededSyscalls() throws {
        let result = RuleLoader().load(files: [try TestSupport.falcoSource("falco_rules.yaml")])
        let engine = Engine(try #require(result.ruleSet))
        let stable: Set<String> = [
            "connect", "dup", "dup2", "dup3", "execve", "execveat", "finit_module", "init_module", "link", "linkat",
            "open", "openat", "openat2", "ptrace", "sendmsg", "sendto", "socket", "symlink", "symlinkat",
        ]
        #expect(engine.neededSyscalls == stable)
    }
}

/// Rows of the reference's §3.5 table (file, rule, priority, enabled, event types).
struct EventTypeTable {
    struct Row {
        var rule: String
        var priority: Priority
        var enabled: Bool
        var eventTypes: [String]
    }

    static func load() throws -> [Row] {
        let reference = TestSupport.falcoRules.deletingLastPathComponent().appendingPathComponent("reference/falco-rule-language.md")
        let text = try String(contentsOf: reference, encoding: .utf8)
        guard let start = text.range(of: "### 3.5"), let end = text.range(of: "### 3.6") else { return [] }
        var rows: [Row] = []
        for line in text[start.upperBound..<end.lowerBound].split(separator: "\n") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 6, ["stable", "incubating", "sandbox"].contains(cells[1]),
                  let priority = Priority(parsing: cells[3]) else { continue }
            rows.append(Row(rule: cells[2], priority: priority, enabled: cells[4] == "yes",
                            eventTypes: cells[5].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.sorted()))
        }
        return rows
    }
}
