import Testing
import TollgateEvents
@testable import TollgateRules

/// Which rules need the syscall's exit (return value, memory the kernel writes), which the
/// seccomp backend never sees: `CompiledRule.exitDataFields`, from the fields each check reads
/// and what that check says on a real record whose return value is unknown.
struct ExitDataTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var condition: String
        /// The fields the rule cannot do without; empty: evaluable on seccomp.
        var blind: [String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "path of an open", condition: "evt.type = openat and fd.name = /etc/shadow", blind: []),
        Case(name: "fd number of an open is its return value", condition: "evt.type = openat and fd.num > 2", blind: ["fd.num"]),
        // An unknown result is taken for a success (UnknownResult): a check every success passes
        // only widens the rule, as evt.failed=false does.
        Case(name: "a success test on the fd only widens", condition: "evt.type = openat and fd.num >= 0", blind: []),
        Case(name: "so does one on the result", condition: "evt.type = connect and evt.rawres >= 0", blind: []),
        // Each check is probed alone: an errno beside a success test still counts as blind.
        Case(name: "an errno beside it", condition: "evt.type = connect and (evt.rawres >= 0 or evt.res = EINPROGRESS)", blind: ["evt.res"]),
        Case(name: "and a success result", condition: "evt.type = mkdir and evt.res = SUCCESS", blind: []),
        Case(name: "a failed open's fd number is not a success", condition: "evt.type = openat and fd.num = -1", blind: ["fd.num"]),
        Case(name: "success guard only widens the rule", condition: "evt.type = openat and evt.failed = false and fd.name = /x", blind: []),
        Case(name: "needs a failure", condition: "evt.type = openat and evt.failed = true", blind: ["evt.failed"]),
        Case(name: "needs an errno", condition: "evt.type = openat and evt.res = EACCES", blind: ["evt.res"]),
        Case(name: "needs a return number", condition: "evt.type = read and evt.rawres > 0", blind: ["evt.rawres"]),
        Case(name: "not of a success test needs a failure", condition: "evt.type = openat and not evt.res = SUCCESS", blind: ["evt.res"]),
        Case(name: "flags are an entry argument", condition: "evt.type = openat and evt.arg.flags contains O_TRUNC", blind: []),
        Case(name: "openat's fd parameter is the return value", condition: "evt.type = openat and evt.arg.fd > 2", blind: ["evt.arg.fd"]),
        Case(name: "dup2's newfd is an argument", condition: "evt.type = dup2 and evt.arg.newfd = 1", blind: []),
        Case(name: "connect names its peer", condition: "evt.type = connect and fd.rport = 443 and fd.typechar = 4", blind: []),
        Case(name: "accept's peer is written by the kernel", condition: "evt.type = accept and fd.sip = 10.0.0.1", blind: ["fd.sip"]),
        Case(name: "a write's fd name comes from the fd table", condition: "evt.type = write and fd.name = /etc/passwd", blind: ["fd.name"]),
        Case(name: "a socket's protocol is an argument", condition: "evt.type = socket and fd.l4proto = udp", blind: []),
        Case(name: "a socket's number is not", condition: "evt.type = socket and fd.num > 2", blind: ["fd.num"]),
        Case(name: "one branch needs the return value",
             condition: "(evt.type = openat and fd.name = /etc/shadow) or (evt.type = accept and fd.sip = 10.0.0.1)", blind: ["fd.sip"]),
        Case(name: "a macro's check counts only on its branch's types",
             condition: "(evt.type = openat and shadow_path) or (evt.type = accept and fd.sip = 10.0.0.1)", blind: ["fd.sip"]),
        Case(name: "the same macro on a write", condition: "evt.type = write and shadow_path", blind: ["fd.name"]),
        Case(name: "process fields", condition: "evt.type = execve and proc.name = sh", blind: []),
        Case(name: "a failed-open macro", condition: "evt.type = openat and failed_open", blind: ["evt.failed"]),
        Case(name: "the same macro under not only widens", condition: "evt.type = openat and not failed_open and fd.name = /x", blind: []),
    ]

    @Test(arguments: cases)
    func exitDataFields(_ testCase: Case) throws {
        let yaml = """
        - macro: failed_open
          condition: evt.failed = true
        - macro: shadow_path
          condition: fd.name = /etc/shadow
        - rule: Probe
          desc: d
          condition: \(testCase.condition)
          output: o
          priority: WARNING
        """
        let result = TestSupport.load(yaml)
        let rule = try #require(result.ruleSet?.rules.first, "\(result.diagnostics)")
        #expect(rule.exitDataFields == testCase.blind)
    }

    /// Macros are compiled once per load: a second rule using the macro under `not` must see
    /// the cached reads flipped, and the first one unflipped.
    @Test func cachedMacroKeepsEachUsesPolarity() throws {
        let yaml = """
        - macro: failed_open
          condition: evt.failed = true
        - rule: Failures
          desc: d
          condition: evt.type = openat and failed_open
          output: o
          priority: WARNING
        - rule: Successes
          desc: d
          condition: evt.type = openat and not failed_open
          output: o
          priority: WARNING
        """
        let rules = try #require(TestSupport.load(yaml).ruleSet?.rules)
        #expect(rules.map(\.exitDataFields) == [["evt.failed"], []])
    }

    /// The needed syscalls a tracer must follow to their exit: those whose own return value
    /// or kernel-written memory an enabled rule reads, in its condition or its output.
    @Test(arguments: [
        ("fd.name of an open comes from its path", "evt.type in (openat, close) and fd.name = /x", "o", [String]()),
        ("a close's result", "evt.type = close and evt.res = SUCCESS", "o", ["close"]),
        ("a success guard still needs the result", "evt.type = unlinkat and evt.failed = false", "o", ["unlinkat"]),
        ("the result in the output", "evt.type in (close, getppid)", "res=%evt.res", ["close", "getppid"]),
        ("an open's fd number", "evt.type = openat and fd.num > 2", "o", ["openat"]),
        ("a connect's own peer", "evt.type = connect and fd.rport = 443", "o", []),
        ("accept's peer", "evt.type = accept4 and fd.sip = 10.0.0.1", "o", ["accept4"]),
        ("a write's fd comes from earlier calls", "evt.type = write and fd.name = /x", "o", []),
        ("only the branch that reads it", "(evt.type = close and evt.rawres < 0) or (evt.type = openat and fd.name = /x)", "o", ["close"]),
    ])
    func exitSyscalls(_ name: String, _ condition: String, _ output: String, _ expected: [String]) throws {
        let yaml = """
        - rule: Probe
          desc: d
          condition: \(condition)
          output: \(output)
          priority: WARNING
        - rule: Disabled
          desc: d
          condition: evt.type = mkdir and evt.res = SUCCESS
          output: o
          priority: WARNING
          enabled: false
        """
        let result = TestSupport.load(yaml)
        let ruleSet = try #require(result.ruleSet, "\(result.diagnostics)")
        #expect(Engine(ruleSet).exitSyscalls == Set(expected), "\(name)")
    }

    /// On a record whose result is unknown (seccomp), checks every success passes pass, and only
    /// those: the same rules on the same open with a known failure stay quiet.
    @Test func anUnknownResultIsTakenForASuccess() throws {
        let result = TestSupport.load("""
            - rule: Opened
              desc: d
              condition: evt.type = openat and fd.num >= 0 and evt.rawres >= 0 and evt.res = SUCCESS
              output: o
              priority: WARNING
            - rule: Opened above stderr
              desc: d
              condition: evt.type = openat and fd.num > 2
              output: o
              priority: WARNING
            - rule: Exec with an fd
              desc: d
              condition: evt.type = execve and fd.num >= 0
              output: o
              priority: WARNING
            """)
        let engine = Engine(try #require(result.ruleSet, "\(result.diagnostics)"))
        let script = EventScript()
        let openat = try #require(SyscallTable.info(named: "openat")?.number(for: .native))
        let execve = try #require(SyscallTable.info(named: "execve")?.number(for: .native))
        func fired(_ syscall: Int32, result: Int64, flags: RawEvent.Flags) throws -> [String] {
            let event = try #require(script.next(RawEvent(kind: .syscall, timestamp: 0, pid: 100, tid: 100, uid: 1000, gid: 1000,
                                                          syscall: syscall, args: [UInt64(bitPattern: -100), 0, 0, 0],
                                                          returnValue: result, flags: flags, payloads: [.arg(1): "/etc/shadow", .arg(0): "/bin/true"])))
            let findings = engine.evaluate(event)
            #expect(findings.allSatisfy { $0.resultAssumed == flags.contains(.returnValueUnknown) }, "the finding says its result was assumed")
            return findings.map(\.rule)
        }
        #expect(try fired(openat, result: 0, flags: [.returnValueUnknown, .argsReadAtEntry]) == ["Opened"])
        #expect(try fired(openat, result: -13, flags: []) == [])
        #expect(try fired(openat, result: 5, flags: []).sorted() == ["Opened", "Opened above stderr"])
        #expect(try fired(execve, result: 0, flags: [.returnValueUnknown, .argsReadAtEntry]) == [], "execve returns no fd")
    }
}
