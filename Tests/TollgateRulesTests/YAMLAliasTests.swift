import Testing
@testable import TollgateRules

/// Anchors and aliases read as yaml-cpp reads them for Falco (an alias is its anchored node),
/// and their expansion is bounded.
@Suite("YAML anchors and aliases")
struct YAMLAliasTests {
    @Test("an alias reads as its anchored node", arguments: [
        ("sequence", "a: &x [p, q]\nb: *x\n", "[p, q]"),
        ("scalar", "a: &x proc.name = zsh\nb: *x\n", "proc.name = zsh"),
        ("mapping", "a: &x {k: v, l: [w]}\nb: *x\n", "{k: v, l: [w]}"),
        ("nested aliases", "a: &x [p]\nc: &y [*x, *x]\nb: [*y, q]\n", "[[[p], [p]], q]"),
        ("the latest anchor of a name", "a: &x [p]\nc: &x [q]\nb: *x\n", "[q]"),
    ])
    func aliasReadsAsAnchoredNode(_ name: String, _ yaml: String, _ expected: String) throws {
        let (documents, failure) = YAMLTreeReader.read(SourceFile(path: "t.yaml", text: yaml))
        #expect(failure == nil, "\(name): \(failure?.message ?? "")")
        guard case .mapping(let entries, _)? = documents.first else {
            Issue.record("\(name): not a mapping")
            return
        }
        let value = try #require(entries.first { $0.key == "b" }?.value)
        #expect(Self.render(value) == expected, "\(name)")
    }

    @Test("a rules file reuses an anchored list and condition through aliases")
    func rulesFileWithAliases() {
        let yaml = """
            - list: shells
              items: &shells [bash, sh]
            - list: more_shells
              items: *shells
            - macro: spawned
              condition: &spawned evt.type = execve
            - rule: r
              desc: d
              condition: *spawned
              output: o
              priority: INFO
            - rule: s
              desc: d
              condition: evt.type = execve and proc.name in (more_shells, zsh)
              output: o
              priority: INFO
            """
        let result = TestSupport.load(yaml)
        #expect(result.errors.map(\.description) == [])
        let rules = result.ruleSet?.rules ?? []
        #expect(rules.first { $0.name == "r" }?.condition == "evt.type = execve")
        #expect(rules.first { $0.name == "s" }?.condition == "(evt.type = execve and proc.name in (bash, sh, zsh))")
    }

    /// A sequence holding a 100-node anchored sequence, then `aliases` aliases of it, one a
    /// line: they copy 100 nodes each.
    static func expansion(aliases: Int) -> String {
        let anchored = "&a [" + Array(repeating: "x", count: 99).joined(separator: ", ") + "]"
        return "[" + ([anchored] + Array(repeating: "*a", count: aliases)).joined(separator: ",\n ") + "]\n"
    }

    @Test("aliases copying the budget's 100,000 nodes read; one alias more fails at that alias")
    func budgetBoundary() {
        #expect(AliasBudget.limit(forBytes: Self.expansion(aliases: 1_001).utf8.count) == 100_000)
        let atLimit = YAMLTreeReader.read(SourceFile(path: "t.yaml", text: Self.expansion(aliases: 1_000)))
        #expect(atLimit.failure == nil)
        guard case .sequence(let items, _)? = atLimit.documents.first else {
            Issue.record("not a sequence")
            return
        }
        #expect(items.count == 1 + 1_000)
        let over = YAMLTreeReader.read(SourceFile(path: "t.yaml", text: Self.expansion(aliases: 1_001)))
        #expect(over.documents.isEmpty)
        #expect(over.failure?.message == "YAML error: aliases expand to more than 100000 nodes (an alias bomb?)")
        // The last alias, on the last line, after the line of the anchor.
        #expect(over.failure?.location.line == 1 + 1_001)
        #expect(over.failure?.location.column == 2)
    }

    @Test("a big file may copy as many nodes as it has bytes")
    func budgetGrowsWithTheFile() {
        let padding = "# " + String(repeating: "-", count: 199_000) + "\n"
        let text = padding + Self.expansion(aliases: 1_500)
        #expect(AliasBudget.limit(forBytes: text.utf8.count) > 150_000)
        #expect(YAMLTreeReader.read(SourceFile(path: "t.yaml", text: text)).failure == nil)
        #expect(YAMLTreeReader.read(SourceFile(path: "t.yaml", text: Self.expansion(aliases: 1_500))).failure != nil)
    }

    static func render(_ value: YAMLValue) -> String {
        switch value {
        case .null: return "~"
        case .scalar(let scalar): return scalar.string
        case .sequence(let items, _): return "[" + items.map(render).joined(separator: ", ") + "]"
        case .mapping(let entries, _):
            return "{" + entries.map { "\($0.key): \(render($0.value))" }.joined(separator: ", ") + "}"
        }
    }
}
