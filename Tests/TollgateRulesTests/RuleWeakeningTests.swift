import Testing
@testable import TollgateRules

/// Which later items weaken a rule against its first definition, for the reports' policy list.
@Suite("Rule weakenings")
struct RuleWeakeningTests {
    static let base = """
        - rule: Key read
          desc: d
          condition: evt.type = open
          output: o
          priority: ERROR
        - rule: Born disabled
          desc: d
          condition: evt.type = open
          output: o
          priority: ERROR
          enabled: false
        """

    @Test("changes and what they count as", arguments: [
        ("override enabled", "- rule: Key read\n  enabled: false\n  override: {enabled: replace}\n", ["Key read: disabled at tuning.yaml:1:3"]),
        ("standalone enabled", "- rule: Key read\n  enabled: false\n", ["Key read: disabled at tuning.yaml:1:3"]),
        ("lower priority", "- rule: Key read\n  priority: NOTICE\n  override: {priority: replace}\n",
         ["Key read: priority lowered from ERROR to NOTICE at tuning.yaml:1:3"]),
        ("redefined weaker", "- rule: Key read\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: DEBUG\n  enabled: false\n",
         ["Key read: disabled at tuning.yaml:1:3", "Key read: priority lowered from ERROR to DEBUG at tuning.yaml:1:3"]),
        ("raise priority", "- rule: Key read\n  priority: CRITICAL\n  override: {priority: replace}\n", []),
        ("disable then enable", "- rule: Key read\n  enabled: false\n  override: {enabled: replace}\n- rule: Key read\n  enabled: true\n  override: {enabled: replace}\n", []),
        ("enable a rule born disabled", "- rule: Born disabled\n  enabled: true\n  override: {enabled: replace}\n", []),
        ("append to the condition", "- rule: Key read\n  condition: and proc.name = x\n  override: {condition: append}\n", []),
    ])
    func weakenings(name: String, tuning: String, expected: [String]) throws {
        let result = TestSupport.load([("base.yaml", Self.base), ("tuning.yaml", tuning)])
        let ruleSet = try #require(result.ruleSet, "\(result.diagnostics)")
        #expect(ruleSet.weakenings.map { "\($0.rule): \($0.change) at \($0.location)" } == expected, "\(name)")
    }
}
