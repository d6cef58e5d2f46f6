import Testing
import TollgateEvents
@testable import TollgateRules

/// What the engine shares within one event (field values, macro results) and what it folds
/// away per event type must never change a verdict.
@Suite("Evaluation sharing and specialization")
struct EvaluationSharingTests {
    static func parse(_ text: String) throws -> ConditionNode {
        try ConditionParser.parse(text).get()
    }

    @Test("specializing for an event type folds what the type decides", arguments: [
        ("evt.type = openat and fd.name = /etc/shadow", "openat", "fd.name = /etc/shadow"),
        ("evt.type = openat and fd.name = /etc/shadow", "execve", "false"),
        ("evt.type in (open, openat) or proc.name = sh", "openat", "true"),
        ("evt.type in (open, openat) or proc.name = sh", "execve", "proc.name = sh"),
        ("evt.type != execve and fd.num >= 0", "openat", "fd.num >= 0"),
        ("not evt.type = openat", "openat", "false"),
        ("evt.type in (execve, execveat) and evt.dir = < and proc.name = sh", "execve", "proc.name = sh"),
        ("evt.dir = > or fd.num = 3", "openat", "fd.num = 3"),
        ("evt.num = 0 or fd.num = 3", "openat", "fd.num = 3"),
        ("(evt.type = rename and fd.name = a) or (evt.type = openat and fd.name = b)", "openat", "fd.name = b"),
        ("proc.name = sh and not (evt.type = openat and fd.num = 1)", "execve", "proc.name = sh"),
    ])
    func specialization(_ condition: String, _ type: String, _ expected: String) throws {
        let result = ConditionSpecialization.specialize(try Self.parse(condition), for: type)
        switch result {
        case .constant(let value): #expect(String(value) == expected)
        case .node(let node): #expect(node.description == expected)
        }
    }

    @Test("specialized predicates agree with the general ones on every rule and event")
    func specializedAgrees() throws {
        var files = try TestSupport.falcoFiles.map { try TestSupport.falcoSource($0) }
        files.append(try TestSupport.source(TestSupport.repositoryRoot.appendingPathComponent("rules/tollgate-ci.yaml")))
        let ruleSet = try #require(RuleLoader().load(files: files).ruleSet)
        let engine = Engine(ruleSet)
        let workload = SyntheticWorkload.make(count: 4_000)
        var compared = 0
        var disagreements: [String] = []
        for event in workload.events {
            for position in engine.candidatePositions(for: event.type) {
                let rule = ruleSet.rules[position]
                let general = rule.predicate(event)
                if general != engine.ruleMatches(rule, event) { disagreements.append("\(rule.name) on \(event.name) #\(event.number)") }
                compared += 1
            }
        }
        #expect(compared > 50_000)
        #expect(ruleSet.rules.contains { !$0.specialized.isEmpty })
        #expect(disagreements.isEmpty, "\(disagreements.prefix(5))")
    }

    @Test("a cached value belongs to one event number")
    func valueCache() {
        let cache = EventValueCache()
        var computed = 0
        func value(_ event: UInt64, _ slot: Int = 3) -> ByteString? {
            cache.string(slot, event: event) { computed += 1; return ByteString("v\(event)") }
        }
        #expect(value(1) == "v1")
        #expect(value(1) == "v1")
        #expect(computed == 1)
        #expect(value(2) == "v2")
        #expect(computed == 2)
        // A slot far beyond the initial storage grows it and keeps the others.
        #expect(value(2, 5_000) == "v2")
        #expect(value(2) == "v2")
        #expect(computed == 3)
        var results = 0
        #expect(cache.result(700, event: 9) { results += 1; return true })
        #expect(cache.result(700, event: 9) { results += 1; return false })
        #expect(!cache.result(700, event: 10) { results += 1; return false })
        #expect(results == 2)
    }

    @Test("identical macro bodies share one result slot, different bodies do not")
    func macroSlots() throws {
        let a = EvaluationSlots.macro("(fd.num >= 0)")
        #expect(EvaluationSlots.macro("(fd.num >= 0)") == a)
        #expect(EvaluationSlots.macro("(fd.num >= 1)") != a)
        #expect(EvaluationSlots.field("fd.name") == EvaluationSlots.field("fd.name"))
    }
}
