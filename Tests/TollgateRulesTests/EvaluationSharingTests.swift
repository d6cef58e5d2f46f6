import Testing
import TollgateEvents
@testable import TollgateRules
import TollgateBenchSupport

/// What the engine shares within one event (field values, macro results) and what it folds
/// away per event type must never change a verdict.
@Suite("Evaluation sharing and specialization")
struct EvaluationSharingTests {
    static func parse(_ text: String) throws -> ConditionNode {
        try ConditionParser.parse(text).get()
    }

    /// tollgate's default ruleset, `rules/tollgate-ci.yaml`.
    static func defaultRules() throws -> RuleSource {
        try TestSupport.source(TestSupport.repositoryRoot.appendingPathComponent("rules/tollgate-ci.yaml"))
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
        #expect(Self.text(ConditionSpecialization.specialize(try Self.parse(condition), for: type)) == expected)
    }

    /// A specialization as the table writes it: `true`, `false` or the folded condition.
    static func text(_ result: ConditionSpecialization.Result) -> String {
        switch result {
        case .constant(let value): return String(value)
        case .node(let node): return node.description
        }
    }

    @Test("specializing for a failed call also folds the checks of the result", arguments: [
        ("evt.type = openat and evt.failed = false and fd.name = a", "openat", "false"),
        ("evt.type = openat and evt.failed = true and fd.name = a", "openat", "fd.name = a"),
        ("evt.type = openat and evt.failed != true", "openat", "false"),
        ("evt.type = openat and fd.num >= 0", "openat", "false"),
        ("evt.type = openat and fd.num > -1", "openat", "false"),
        ("evt.type = openat and fd.num = -1", "openat", "true"),
        ("evt.type = openat and fd.num < 0", "openat", "true"),
        ("evt.type = close and fd.num >= 0", "close", "fd.num >= 0"),
        ("evt.type = socket and fd.num >= 0", "socket", "fd.num >= 0"),
        ("evt.res = SUCCESS", "openat", "false"),
        ("evt.res != SUCCESS", "openat", "true"),
        ("evt.res = ENOENT", "openat", "evt.res = ENOENT"),
        ("evt.rawres >= 0", "connect", "false"),
        ("evt.rawres < 0", "connect", "true"),
        ("evt.rawres = -2", "connect", "evt.rawres = -2"),
        ("evt.rawres > -5000", "connect", "true"),
        ("not evt.failed = true or proc.name = sh", "openat", "proc.name = sh"),
        ("evt.failed in (false)", "openat", "evt.failed in (false)"),
    ])
    func failedSpecialization(_ condition: String, _ type: String, _ expected: String) throws {
        #expect(Self.text(ConditionSpecialization.specializeFailed(try Self.parse(condition), for: type)) == expected)
        if case .constant = ConditionSpecialization.specialize(try Self.parse(condition), for: type) {
            Issue.record("without the failure known, the result checks stay")
        }
    }

    @Test("a rule judged unable to match a type's failed calls matches none of them")
    func failureTypesAreSound() throws {
        let ruleSet = try #require(RuleLoader().load(files: TestSupport.falcoFiles.map(TestSupport.falcoSource) + [Self.defaultRules()]).ruleSet)
        let engine = Engine(ruleSet)
        let workload = SyntheticWorkload.make(count: 4_000)
        let decoder = SyntheticWorkload.decoder()
        var excluded = 0
        var wrong: [String] = []
        for event in workload.events {
            // Each succeeded call again as a failure (ENOENT, EACCES) in the same state first:
            // a failure changes no state, so the original then decodes as it did.
            if event.raw.kind == .syscall, event.raw.returnValue >= 0 {
                for errno in [-2, -13] as [Int64] {
                    var failed = event.raw
                    failed.returnValue = errno
                    guard let twin = decoder.decode(failed) else { continue }
                    for position in engine.candidatePositions(for: twin.type) {
                        let rule = ruleSet.rules[position]
                        guard let types = rule.failureTypes, !types.contains(twin.type) else { continue }
                        excluded += 1
                        if rule.predicate(twin) { wrong.append("\(rule.name) on a failed \(twin.name)") }
                    }
                }
            }
            _ = decoder.decode(event.raw)
        }
        #expect(excluded > 10_000, "the workload's failed twins exercise excluded rules")
        #expect(wrong.isEmpty, "\(Set(wrong).sorted().prefix(5))")
    }

    @Test("the default ruleset needs no failed open; state needs failed connects")
    func failureSyscallsOfTheDefaults() throws {
        let engine = Engine(try #require(RuleLoader().load(files: [Self.defaultRules()]).ruleSet))
        #expect(engine.neededSyscalls.contains("openat"))
        #expect(!engine.failureSyscalls.contains("openat"), "every default rule on openat requires it to succeed")
        #expect(engine.failureSyscalls.isSubset(of: engine.neededSyscalls))
        #expect(SyscallTable.failureStateSyscallNames == ["connect"])
    }

    @Test("a condition splits into its first conjunct and the rest", arguments: [
        ("fd.num = 3", "fd.num = 3", nil),
        ("fd.num = 3 or fd.num = 4", "(fd.num = 3 or fd.num = 4)", nil),
        ("fd.num = 3 and proc.name = sh", "fd.num = 3", "proc.name = sh"),
        ("fd.num = 3 and proc.name = sh and not fd.name = a", "fd.num = 3", "(proc.name = sh and not fd.name = a)"),
        ("(fd.num = 3 and proc.name = sh) and not fd.name = a", "fd.num = 3", "(proc.name = sh and not fd.name = a)"),
        ("((fd.num = 3 and proc.name = sh and fd.name = b)) and fd.name = a", "fd.num = 3", "(proc.name = sh and fd.name = b and fd.name = a)"),
        ("(fd.num = 3) and proc.name = sh", "fd.num = 3", "proc.name = sh"),
    ] as [(String, String, String?)])
    func leadingConjunct(_ condition: String, _ first: String, _ rest: String?) throws {
        let split = LeadingConjunct(try Self.parse(condition))
        #expect(split.first.description == first)
        #expect(split.key == first)
        #expect(split.rest?.description == rest)
    }

    @Test("specialized predicates and grouped candidates agree with the general predicates on every rule and event")
    func specializedAgrees() throws {
        let ruleSet = try #require(RuleLoader().load(files: TestSupport.falcoFiles.map(TestSupport.falcoSource) + [Self.defaultRules()]).ruleSet)
        let engine = Engine(ruleSet)
        let workload = SyntheticWorkload.make(count: 4_000)
        var compared = 0
        var disagreements: [String] = []
        var matches = 0
        for event in workload.events {
            var expected: [String] = []
            for position in engine.candidatePositions(for: event.type) {
                let rule = ruleSet.rules[position]
                let general = rule.predicate(event)
                if general != engine.ruleMatches(rule, event) { disagreements.append("\(rule.name) on \(event.name) #\(event.number)") }
                if general { expected.append(rule.name) }
                compared += 1
            }
            let fired = engine.evaluate(event).map(\.rule)
            if fired != expected { disagreements.append("\(event.name) #\(event.number) fired \(fired), expected \(expected)") }
            matches += expected.count
        }
        #expect(compared > 50_000)
        #expect(matches > 100)
        #expect(ruleSet.rules.contains { !$0.specialized.isEmpty })
        #expect(engine.sharedTests(for: try #require(EventType(named: "openat"))) > 5)
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

    @Test("borrowed bytes belong to one event and never outlive the arena they were lent from")
    func borrowedBytes() {
        let cache = EventValueCache()
        var computed = 0
        func bytes(_ event: UInt64, _ slot: Int, _ value: ByteString? = nil) -> [UInt8]? {
            cache.withBytes(slot, event: event, {
                computed += 1
                return value ?? ByteString("e\(event)s\(slot)")
            }) { $0.map(Array.init) }
        }
        #expect(bytes(1, 0) == Array("e1s0".utf8))
        #expect(bytes(1, 1) == Array("e1s1".utf8))
        #expect(bytes(1, 0) == Array("e1s0".utf8))
        #expect(computed == 2)
        // Another event reuses the arena (its value overwrites where event 1's were): event
        // 1's slot 1 is stale even where no store replaced it, and comes back recomputed.
        #expect(bytes(2, 0, ByteString(String(repeating: "x", count: 16))) == Array(repeating: UInt8(ascii: "x"), count: 16))
        #expect(bytes(1, 1) == Array("e1s1".utf8))
        #expect(computed == 4)
        // The string path and the bytes path agree on one slot.
        #expect(cache.string(1, event: 1) { Issue.record("recomputed"); return nil } == "e1s1")
        // A slot that held a kept value for one event and only bytes for the next gives the
        // next event's value, not the older kept one.
        #expect(cache.string(9, event: 5) { "kept" } == "kept")
        #expect(cache.withBytes(9, event: 6, { "lent" }) { $0.map(Array.init) } == Array("lent".utf8))
        #expect(cache.string(9, event: 6) { Issue.record("recomputed"); return nil } == "lent")
        // An unknown value is nil; an empty one is empty, not unknown.
        #expect(cache.withBytes(2, event: 1, { nil }) { $0 == nil })
        #expect(cache.withBytes(3, event: 1, { ByteString.empty }) { $0?.count == 0 })
        // A value larger than the arena gets a chunk of its own; earlier bytes stay put.
        let large = ByteString([UInt8](repeating: 0x61, count: 100_000))
        #expect(bytes(1, 4, large)?.count == 100_000)
        #expect(bytes(1, 0) == Array("e1s0".utf8))
        #expect(bytes(1, 4, large) == Array(large.bytes))
        // A slot beyond the initial storage grows both halves of the slot table.
        #expect(bytes(1, 3_000) == Array("e1s3000".utf8))
        #expect(cache.string(3_000, event: 1) { nil } == "e1s3000")
    }

    @Test("identical macro bodies share one result slot, different bodies do not")
    func macroSlots() throws {
        let a = EvaluationSlots.macro("(fd.num >= 0)")
        #expect(EvaluationSlots.macro("(fd.num >= 0)") == a)
        #expect(EvaluationSlots.macro("(fd.num >= 1)") != a)
        #expect(EvaluationSlots.field("fd.name") == EvaluationSlots.field("fd.name"))
    }

    /// Conditions whose runs of checks on one field are grouped, each with a reference whose
    /// runs are broken by a check that does not change its value (`evt.num = 0` is never true).
    static let groupedConditions = [
        ("fd.name startswith /etc or fd.name glob \"*/.ssh/*\" or fd.name = /tmp/x",
         "fd.name startswith /etc or evt.num = 0 or fd.name glob \"*/.ssh/*\" or evt.num = 0 or fd.name = /tmp/x"),
        ("not fd.name startswith /etc and not fd.name contains ssh",
         "not fd.name startswith /etc and not evt.num = 0 and not fd.name contains ssh"),
        ("fd.name contains a and fd.name endswith .c", "fd.name contains a and not evt.num = 0 and fd.name endswith .c"),
        ("not fd.name = /tmp/x or not fd.name startswith /tmp",
         "not fd.name = /tmp/x or evt.num = 0 or not fd.name startswith /tmp"),
        ("proc.name in (sh, bash) or proc.name startswith ma", "proc.name in (sh, bash) or evt.num = 0 or proc.name startswith ma"),
        ("fd.num = 3 or fd.num = 4", "fd.num = 3 or evt.num = 0 or fd.num = 4"),
        // Four or more alternatives: split by the value's last byte (`LastByteDispatch`).
        ("fd.name glob \"*/.aws/credentials\" or fd.name endswith .pem or fd.name = /tmp/x or fd.name in (/etc/shadow, /etc/passwd) or fd.name startswith /home",
         "fd.name glob \"*/.aws/credentials\" or evt.num = 0 or fd.name endswith .pem or evt.num = 0 or fd.name = /tmp/x or evt.num = 0 or fd.name in (/etc/shadow, /etc/passwd) or evt.num = 0 or fd.name startswith /home"),
        ("not fd.name glob \"*/.ssh/*\" and not fd.name glob \"/etc/pass?d\" and not fd.name endswith .c and not fd.name = /tmp/y and not fd.name contains aws",
         "not fd.name glob \"*/.ssh/*\" and not evt.num = 0 and not fd.name glob \"/etc/pass?d\" and not evt.num = 0 and not fd.name endswith .c and not evt.num = 0 and not fd.name = /tmp/y and not evt.num = 0 and not fd.name contains aws"),
        ("proc.name = make or proc.name = sh or proc.name endswith ke or proc.name glob \"ma*\"",
         "proc.name = make or evt.num = 0 or proc.name = sh or evt.num = 0 or proc.name endswith ke or evt.num = 0 or proc.name glob \"ma*\""),
    ]

    @Test("runs of checks on one field mean what the checks mean one by one, also on unknown fields")
    func sameFieldRuns() throws {
        var yaml = ""
        for (index, (grouped, reference)) in Self.groupedConditions.enumerated() {
            for (kind, condition) in [("grouped", grouped), ("reference", reference)] {
                yaml += "- rule: \(kind) \(index)\n  desc: d\n  condition: evt.type in (openat, execve) and (\(condition))\n  output: o\n  priority: WARNING\n"
            }
        }
        let result = TestSupport.load(yaml)
        let engine = Engine(try #require(result.ruleSet, "\(result.diagnostics)"))
        let script = EventScript()
        var events = [try #require(script.spawn(200, exe: "/usr/bin/make", argv: ["make"]))]
        for (fd, path) in [(3, "/etc/passwd"), (4, "/home/u/.ssh/id"), (5, "/tmp/x"), (6, "/src/a.c"), (7, "/tmp/y"),
                           (8, "/home/u/.aws/credentials"), (9, "/srv/key.pem"), (10, "/etc/shadow"), (11, "/opt/aws/x")] {
            events.append(try #require(script.open(200, ByteString(path), fd: Int64(fd))))
        }
        var fired = 0
        for event in events {
            let names = Set(engine.evaluate(event).map(\.rule))
            fired += names.count
            for index in Self.groupedConditions.indices {
                #expect(names.contains("grouped \(index)") == names.contains("reference \(index)"), "condition \(index) on \(event.name) #\(event.number)")
            }
        }
        #expect(fired > 10)
    }
}
