import Testing
import TollgateEvents
@testable import TollgateRules
import TollgateBenchSupport

/// Builds decoded events for engine tests (x86_64-independent: numbers come from the table).
final class EventScript {
    let decoder: EventDecoder
    var time: UInt64 = 5_000_000_000
    let arch = Architecture.native

    init() {
        let users = UserDatabase(passwdContents: "root:x:0:0:root:/root:/bin/bash\nbuilder:x:1000:1000:CI:/home/builder:/bin/sh\n",
                                 groupContents: "root:x:0:\nbuilder:x:1000:\n")
        decoder = EventDecoder(arch: .native, users: users, bootTimeOffset: 1_764_000_000_000_000_000)
        decoder.seed(pid: 100, ppid: 1, exePath: "/usr/bin/make", argv: ["make", "test"], env: ["HOME=/home/builder"],
                     cwd: "/home/builder/src", uid: 1000, gid: 1000, startTime: 1_000)
    }

    func next(_ raw: RawEvent) -> Event? {
        time += 1_000_000
        var stamped = raw
        stamped.timestamp = time
        return decoder.decode(stamped)
    }

    func spawn(_ pid: Int32, parent: Int32 = 100, exe: ByteString, argv: [ByteString]) -> Event? {
        _ = next(RawEvent(kind: .processFork, timestamp: 0, pid: parent, tid: parent, uid: 1000, gid: 1000,
                          args: [0x1200011, UInt64(pid)], returnValue: Int64(pid)))
        return next(RawEvent(kind: .processExec, timestamp: 0, pid: pid, tid: pid, ppid: parent, uid: 1000, gid: 1000,
                             args: [0], payloads: [.exePath: exe, .argv: ByteString.joined(argv, separator: 0), .cwd: "/home/builder/src"]))
    }

    func open(_ pid: Int32, _ path: ByteString, flags: UInt64 = 0, fd: Int64 = 3) -> Event? {
        let number = SyscallTable.info(named: "openat")?.number(for: arch) ?? -1
        return next(RawEvent(kind: .syscall, timestamp: 0, pid: pid, tid: pid, uid: 1000, gid: 1000, syscall: number,
                             args: [UInt64(bitPattern: -100), 0, flags, 0], returnValue: fd, payloads: [.arg(1): path]))
    }
}

@Suite("Engine")
struct EngineTests {
    static let rules = """
    - macro: open_read
      condition: evt.type in (open, openat, openat2) and evt.is_open_read=true and fd.typechar='f' and fd.num>=0
    - list: secrets
      items: [/etc/shadow, /etc/sudoers]
    - rule: Read secret
      desc: a secret file was read
      condition: open_read and fd.name in (secrets)
      output: "%proc.name read %fd.name (parent=%proc.pname gp=%proc.aname[2] sip=%fd.sip)"
      priority: WARNING
      tags: [secrets, T1552, filesystem]
    - rule: Any etc read
      desc: glob crosses slashes
      condition: open_read and fd.name glob '/etc/*'
      output: "%evt.type by %user.name uid=%user.uid"
      priority: NOTICE
    - rule: Disabled read
      desc: never evaluated
      condition: open_read
      output: x
      priority: DEBUG
      enabled: false
    - rule: Curl under make
      desc: ancestry
      condition: evt.type = execve and proc.name = curl and proc.aname in (make) and proc.args icontains FSSL and proc.cmdline startswith "curl "
      output: "%proc.cmdline"
      priority: ERROR
    - rule: Temp writes
      desc: pmatch and endswith
      condition: open_read and fd.name pmatch (/home/builder/src) and not fd.filename endswith .c and fd.directory != /tmp
      output: "%fd.name"
      priority: INFO
    """

    func engine() throws -> Engine {
        let result = TestSupport.load(Self.rules)
        #expect(result.diagnostics.map(\.description) == [])
        return Engine(try #require(result.ruleSet))
    }

    @Test("every matching rule fires; quiet events produce nothing")
    func allMatchingRulesFire() throws {
        let engine = try engine()
        let script = EventScript()
        _ = script.spawn(200, exe: "/usr/bin/cat", argv: ["cat", "/etc/shadow"])
        let shadow = try #require(script.open(200, "/etc/shadow"))
        #expect(engine.evaluate(shadow).map(\.rule) == ["Read secret", "Any etc read"])
        let hosts = try #require(script.open(200, "/etc/hosts", fd: 4))
        #expect(engine.evaluate(hosts).map(\.rule) == ["Any etc read"])
        let source = try #require(script.open(200, "/home/builder/src/main.c", fd: 5))
        #expect(engine.evaluate(source).isEmpty)
        let header = try #require(script.open(200, "/home/builder/src/include/a.h", fd: 6))
        #expect(engine.evaluate(header).map(\.rule) == ["Temp writes"])
        let write = try #require(script.open(200, "/etc/shadow", flags: 0x241, fd: 7))
        #expect(engine.evaluate(write).isEmpty, "a write is not a read")
    }

    @Test("findings carry rendered output, fields, tags, priority and the rule's location")
    func findingContents() throws {
        let engine = try engine()
        let script = EventScript()
        _ = script.spawn(200, exe: "/bin/sh", argv: ["sh", "-c", "cat /etc/shadow"])
        _ = script.spawn(201, parent: 200, exe: "/usr/bin/cat", argv: ["cat", "/etc/shadow"])
        let event = try #require(script.open(201, "/etc/shadow"))
        let finding = try #require(engine.evaluate(event).first)
        #expect(finding.rule == "Read secret")
        #expect(finding.priority == .warning)
        #expect(finding.output == "cat read /etc/shadow (parent=sh gp=make sip=<NA>)")
        #expect(finding.outputFields == [
            OutputField(name: "proc.name", value: "cat"), OutputField(name: "fd.name", value: "/etc/shadow"),
            OutputField(name: "proc.pname", value: "sh"), OutputField(name: "proc.aname[2]", value: "make"),
            OutputField(name: "fd.sip", value: nil),
        ])
        #expect(finding.tags == ["T1552", "filesystem", "secrets"])
        #expect(finding.ruleLocation == SourceLocation(file: "test.yaml", line: 5, column: 3))
        #expect(finding.source == "syscall")
        #expect(finding.eventType == "openat")
        #expect(finding.pid == 201)
        #expect(finding.time == event.wallClockTime)
        let second = try #require(engine.evaluate(event).last)
        #expect(second.output == "openat by builder uid=1000")
    }

    @Test("ancestors, args and cmdline")
    func processFields() throws {
        let engine = try engine()
        let script = EventScript()
        let curl = try #require(script.spawn(300, exe: "/usr/bin/curl", argv: ["curl", "-fsSL", "https://x"]))
        #expect(engine.evaluate(curl).map(\.rule) == ["Curl under make"])
        #expect(engine.evaluate(curl).first?.output == "curl -fsSL https://x")
        let wget = try #require(script.spawn(301, exe: "/usr/bin/wget", argv: ["wget", "https://x"]))
        #expect(engine.evaluate(wget).isEmpty)
    }

    @Test("rules sharing a first conjunct are tested as a group and still fire in definition order")
    func sharedFirstConjunct() throws {
        let result = TestSupport.load("""
        - macro: open_read
          condition: evt.type in (open, openat, openat2) and evt.is_open_read=true and fd.typechar='f' and fd.num>=0
        - rule: Etc read
          desc: first of the open_read group
          condition: open_read and fd.name startswith /etc/
          output: x
          priority: WARNING
        - rule: Cat opens
          desc: defined between the group's rules, tested on its own
          condition: evt.type = openat and proc.name = cat
          output: x
          priority: WARNING
        - rule: Shadow read
          desc: second of the open_read group
          condition: (open_read and fd.name = /etc/shadow) and not proc.name = sudo
          output: x
          priority: WARNING
        """)
        #expect(result.diagnostics.map(\.description) == [])
        let engine = Engine(try #require(result.ruleSet))
        #expect(engine.sharedTests(for: try #require(EventType(named: "openat"))) == 1)
        let script = EventScript()
        _ = script.spawn(200, exe: "/usr/bin/cat", argv: ["cat", "/etc/shadow"])
        let shadow = try #require(script.open(200, "/etc/shadow"))
        #expect(engine.evaluate(shadow).map(\.rule) == ["Etc read", "Cat opens", "Shadow read"])
        let write = try #require(script.open(200, "/etc/shadow", flags: 0x241, fd: 4))
        #expect(engine.evaluate(write).map(\.rule) == ["Cat opens"], "a false open_read skips its whole group")
        _ = script.spawn(201, exe: "/usr/bin/sudo", argv: ["sudo", "cat"])
        let bySudo = try #require(script.open(201, "/etc/shadow"))
        #expect(engine.evaluate(bySudo).map(\.rule) == ["Etc read"])
    }

    @Test("index and needed syscalls: disabled rules are not evaluated")
    func indexing() throws {
        let engine = try engine()
        #expect(engine.neededSyscalls == ["open", "openat", "openat2", "execve"])
        let openat = try #require(EventType(named: "openat"))
        #expect(engine.rules(for: openat).map(\.name) == ["Read secret", "Any etc read", "Temp writes"])
        let rule = engine.ruleSet.rules.first { $0.name == "Disabled read" }
        #expect(rule?.enabled == false)
        #expect(rule?.eventTypes == ["open", "openat", "openat2"])
    }

    @Test("the synthetic workload triggers Falco's stable rules only where it should")
    func syntheticWorkload() throws {
        let result = RuleLoader().load(files: [try TestSupport.falcoSource("falco_rules.yaml")])
        let engine = Engine(try #require(result.ruleSet))
        let workload = SyntheticWorkload.make(count: 2_000)
        var fired: [String: Int] = [:]
        for event in workload.events {
            for finding in engine.evaluate(event) { fired[finding.rule, default: 0] += 1 }
        }
        // Only the rare `cat /etc/shadow` cycle is suspicious.
        #expect(Set(fired.keys) == ["Read sensitive file untrusted"])
        #expect((fired["Read sensitive file untrusted"] ?? 0) >= 1)
    }
}

@Suite("Matchers")
struct MatcherTests {
    @Test("glob is fnmatch without flags", arguments: [
        ("/var/*", "/var/run/file.txt", true), ("/home/*/.ssh/*", "/home/u/.ssh/id_rsa", true),
        ("*../*../*", "/etc/../etc/../shadow", true), ("/proc/*/environ", "/proc/1/environ", true),
        ("a?c", "abc", true), ("a?c", "ac", false), ("[a-c]x", "bx", true), ("[!a-c]x", "bx", false),
        ("\\*", "*", true), ("\\*", "a", false), ("*.conf", "/etc/x.confx", false), ("", "", true),
    ])
    func glob(_ pattern: String, _ value: String, _ expected: Bool) {
        #expect(GlobMatcher(Array(pattern.utf8)).matches(Array(value.utf8)) == expected)
    }

    @Test("iglob folds ASCII case on both sides", arguments: [
        ("*/.AWS/credentials", "/home/u/.aws/CREDENTIALS", true), ("/Home/*", "/home/x", true),
        ("*.conf", "/etc/X.CONFX", false),
    ])
    func iglob(_ pattern: String, _ value: String, _ expected: Bool) {
        #expect(GlobMatcher(Array(pattern.utf8), caseFold: true).matches(Array(value.utf8)) == expected)
    }

    @Test("the segment matcher agrees with backtracking on 20,000 random star patterns")
    func globSegmentsAgree() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = Array("ab/.".utf8)
        func word(_ length: Int, extra: [UInt8] = []) -> [UInt8] {
            (0..<length).map { _ in (alphabet + extra).randomElement(using: &generator)! }
        }
        var disagreements: [String] = []
        for _ in 0..<20_000 {
            let pattern = word(Int.random(in: 0...7, using: &generator), extra: [UInt8(ascii: "*"), UInt8(ascii: "*")])
            let value = word(Int.random(in: 0...10, using: &generator))
            for fold in [false, true] {
                let matcher = GlobMatcher(pattern, caseFold: fold)
                if matcher.matches(value) != matcher.matchesByBacktracking(value) {
                    disagreements.append("\(String(decoding: pattern, as: UTF8.self)) ~ \(String(decoding: value, as: UTF8.self))")
                }
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(5))")
    }

    @Test("pmatch matches whole path components", arguments: [
        ("/tmp/hello", true), ("/tmp/hello/x", true), ("/tmp/hello_world", false), ("/tmp", false),
        ("/var/lib/a/cache", true), ("/var/lib/a/cachex", false), ("/opt/x", false),
    ])
    func pmatch(_ path: String, _ expected: Bool) {
        let set = PathPrefixSet([Array("/tmp/hello".utf8), Array("/var/lib/*/cache".utf8)])
        #expect(set.matches(Array(path.utf8)) == expected)
    }

    @Test("byte-string sets, small and hashed")
    func sets() {
        let small = ByteStringSet([[1, 2], [3]])
        #expect(small.contains(ByteString([3])))
        #expect(!small.contains(ByteString([1])))
        let words = (0..<100).map { Array("word\($0)".utf8) }
        let large = ByteStringSet(words)
        #expect(words.allSatisfy { large.contains(ByteString($0)) })
        #expect(!large.contains(ByteString("word100")))
    }

    @Test("networks and addresses")
    func networks() throws {
        let net = try #require(IPNetwork(parsing: "10.0.0.0/8"))
        #expect(net.contains(.v4(0x0A01_0203)))
        #expect(!net.contains(.v4(0x0B00_0001)))
        let v6 = try #require(IPNetwork(parsing: "fd00::/8"))
        #expect(v6.contains(try #require(IPAddressValue(parsing: "fd12::1"))))
        #expect(IPAddressValue(parsing: "::ffff:1.2.3.4") == .v4(0x0102_0304))
        #expect(IPAddressValue(parsing: "1.2.3") == nil)
    }

    @Test("time formatting in UTC")
    func time() {
        #expect(Timestamps.rfc3339Nanoseconds(1_700_000_000_123_456_789) == "2023-11-14T22:13:20.123456789Z")
        #expect(Timestamps.timeOfDay(1_700_000_000_123_456_789) == "22:13:20.123456789")
        #expect(Timestamps.dateTime(0, withNanoseconds: false) == "1970-01-01 00:00:00")
    }

    @Test("did-you-mean hints")
    func suggestions() {
        #expect(Suggestion.closest(to: "proc.nmae", in: ["proc.name", "proc.pname"]) == "proc.name")
        #expect(Suggestion.closest(to: "zzzzzz", in: ["proc.name"]) == nil)
    }
}

/// The `ci.*` fields: one per value of `CIContext`, each documented.
struct CIFieldTests {
    @Test func everyCIFieldIsRegisteredWithItsMeaning() {
        for (name, _) in CIContext.fieldKeyPaths {
            let field = FieldRegistry.shared.fields[name]
            #expect(field != nil, "\(name) is not a field")
            #expect(!(field?.doc.isEmpty ?? true), "\(name) has no description")
        }
    }
}
