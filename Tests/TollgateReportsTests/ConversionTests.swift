import Testing
import TollgateEvents
import TollgateRules
@testable import TollgateReports

/// From the engine's findings and the matching events to report findings, through the real
/// loader, decoder and engine.
@Suite("Conversion from rules and events")
struct ConversionTests {
    static let rules = """
    - rule: Curl connects out
      desc: curl opened a connection.
      condition: evt.type = connect and proc.name = curl
      output: curl connected (connection=%fd.name pid=%proc.pid tty=%proc.tty user=%user.name)
      priority: WARNING
      tags: [network, test]
    - rule: Shadow read
      desc: Something read /etc/shadow.
      condition: evt.type in (open, openat) and fd.name = /etc/shadow
      output: shadow read by %proc.name (file=%fd.name)
      priority: ERROR
    - rule: Off
      desc: Disabled.
      condition: evt.type = connect
      output: never
      priority: DEBUG
      enabled: false
    """

    static func engine() throws -> Engine {
        let result = RuleLoader().load(files: [RuleSource(path: "rules/test.yaml", text: rules)])
        return Engine(try #require(result.ruleSet, "rules load: \(result.diagnostics)"))
    }

    static func sys(_ name: String, pid: Int32, args: [UInt64], ret: Int64, payloads: [PayloadSlot: ByteString] = [:]) -> RawEvent {
        RawEvent(kind: .syscall, timestamp: 2_000, pid: pid, tid: pid, uid: 1000, gid: 1000,
                 syscall: SyscallTable.info(named: name)?.x86_64 ?? -1, args: RawEvent.Arguments(args),
                 returnValue: ret, payloads: payloads)
    }

    static func spawn(_ decoder: EventDecoder, parent: Int32, child: Int32, exe: ByteString, argv: [ByteString]) {
        _ = decoder.decode(RawEvent(kind: .processFork, timestamp: 1_500, pid: parent, tid: parent, uid: 1000, gid: 1000,
                                    args: [0x1200011, UInt64(child)], returnValue: Int64(child)))
        _ = decoder.decode(RawEvent(kind: .processExec, timestamp: 1_600, pid: child, tid: child, uid: 1000, gid: 1000,
                                    args: [0], payloads: [.exePath: exe, .argv: ByteString.joined(argv, separator: 0)]))
    }

    static func decoder() -> EventDecoder {
        let users = UserDatabase(passwdContents: "builder:x:1000:1000::/home/builder:/bin/sh\n", groupContents: "builder:x:1000:\n")
        let decoder = EventDecoder(arch: .x86_64, users: users)
        decoder.seed(pid: 1000, ppid: 1, exePath: "/usr/bin/make", argv: ["make", "test"], env: [],
                     cwd: "/src", uid: 1000, gid: 1000, startTime: 1_000)
        spawn(decoder, parent: 1000, child: 1001, exe: "/bin/sh", argv: ["sh", "-c", "curl https://x"])
        return decoder
    }

    @Test("a connect finding carries the process chain, executable and server address")
    func connectFinding() throws {
        let engine = try Self.engine()
        let decoder = Self.decoder()
        Self.spawn(decoder, parent: 1001, child: 1002, exe: "/usr/bin/curl", argv: ["curl", "-fsS", "https://x"])
        _ = decoder.decode(Self.sys("socket", pid: 1002, args: [2, 1, 0], ret: 3))
        let server = SocketAddress.ipv4(address: 0xCB00_7107, port: 443)  // 203.0.113.7
        let event = try #require(decoder.decode(Self.sys("connect", pid: 1002, args: [3, 0, 16], ret: 0,
                                                         payloads: [.arg(1): ByteString(server.encoded)])))
        let finding = try #require(engine.evaluate(event).first)
        let report = ReportFinding(finding, event: event, hostname: "runner-7")
        #expect(report.rule == "Curl connects out")
        #expect(report.priority == .warning)
        #expect(report.processChainText == "make -> sh -> curl")
        #expect(report.processChain.map(\.pid) == [1000, 1001, 1002])
        #expect(report.pid == 1002)
        #expect(report.exe == "/usr/bin/curl")
        #expect(report.cmdline == "curl -fsS https://x")
        #expect(report.syscall == "connect")
        #expect(report.target == "203.0.113.7:443", "the server side, not the client's ephemeral port")
        #expect(report.containerID == "host")
        #expect(report.hostname == "runner-7")
        #expect(report.tags == ["network", "test"])
        let fields = Dictionary(uniqueKeysWithValues: report.outputFields.map { ($0.name, $0.value) })
        #expect(fields["proc.pid"] == .integer(1002), "numeric fields stay numbers in Falco's JSON")
        #expect(fields["user.name"] == .string("builder"))
        #expect(fields["proc.tty"] != nil)
        let line = FalcoJSONLines.line(for: report)
        #expect(line.contains(#""proc.pid":1002"#))
    }

    @Test("a file finding's target is the opened path")
    func fileFinding() throws {
        let engine = try Self.engine()
        let decoder = Self.decoder()
        Self.spawn(decoder, parent: 1001, child: 1003, exe: "/usr/bin/cat", argv: ["cat", "/etc/shadow"])
        let event = try #require(decoder.decode(Self.sys("openat", pid: 1003, args: [UInt64(bitPattern: -100), 0, 0, 0], ret: 4,
                                                         payloads: [.arg(1): "/etc/shadow"])))
        let finding = try #require(engine.evaluate(event).first)
        let report = ReportFinding(finding, event: event, hostname: "h")
        #expect(report.target == "/etc/shadow")
        #expect(report.processChainText == "make -> sh -> cat")
        #expect(report.output == "shadow read by cat (file=/etc/shadow)")
    }

    @Test("rule descriptors keep the definition file and line, and disabled rules")
    func descriptors() throws {
        let descriptors = RuleDescriptor.all(in: try Self.engine().ruleSet)
        #expect(descriptors.map(\.name) == ["Curl connects out", "Shadow read", "Off"])
        #expect(descriptors.map(\.sourceFile) == ["rules/test.yaml", "rules/test.yaml", "rules/test.yaml"])
        #expect(descriptors.map(\.sourceLine) == [1, 7, 12])
        #expect(descriptors.map(\.enabled) == [true, true, false])
        #expect(descriptors[0].description == "curl opened a connection.")
    }

    @Test("rules the run cannot evaluate: uncaptured fields, or event types the backend does not deliver")
    func unevaluable() throws {
        let yaml = """
        - rule: Needs DNS
          desc: d
          condition: evt.type = connect and fd.sip.name = example.com
          output: o
          priority: WARNING
        - rule: Ptrace only
          desc: d
          condition: evt.type = ptrace
          output: o
          priority: WARNING
        - rule: Opens
          desc: d
          condition: evt.type in (open, openat) and fd.name = /etc/shadow
          output: o
          priority: WARNING
        - rule: Disabled ptrace
          desc: d
          condition: evt.type = ptrace
          output: o
          priority: WARNING
          enabled: false
        """
        let result = RuleLoader().load(files: [RuleSource(path: "r.yaml", text: yaml)])
        let ruleSet = try #require(result.ruleSet, "\(result.diagnostics)")
        let found = UnevaluableRule.find(in: ruleSet, backend: "seccomp", deliverableSyscalls: ["openat", "connect"])
        #expect(found == [
            UnevaluableRule(rule: "Needs DNS", reason: "its condition reads 'fd.sip.name', which is not captured by tollgate"),
            UnevaluableRule(rule: "Ptrace only", reason: "the seccomp backend does not deliver ptrace events"),
        ])
        #expect(UnevaluableRule.find(in: ruleSet, backend: "ebpf", deliverableSyscalls: nil).map(\.rule) == ["Needs DNS"])
    }

    @Test("rules needing a return value are listed only for a backend without exit data")
    func returnValueRules() throws {
        let yaml = """
        - rule: Denied open
          desc: d
          condition: evt.type = openat and evt.res = EACCES
          output: o
          priority: WARNING
        - rule: Shadow open
          desc: d
          condition: evt.type = openat and evt.failed = false and fd.name = /etc/shadow
          output: o
          priority: WARNING
        """
        let result = RuleLoader().load(files: [RuleSource(path: "r.yaml", text: yaml)])
        let ruleSet = try #require(result.ruleSet, "\(result.diagnostics)")
        #expect(UnevaluableRule.find(in: ruleSet, backend: "seccomp", deliverableSyscalls: nil, seesExitData: false) == [
            UnevaluableRule(rule: "Denied open", reason: "its condition needs 'evt.res' from the syscall's return (return value or memory the kernel writes), which the seccomp backend does not see"),
        ])
        #expect(UnevaluableRule.find(in: ruleSet, backend: "ptrace", deliverableSyscalls: nil, seesExitData: true).isEmpty)
    }

    @Test("an exec finding's target is the executable, also for the exec record that names no path")
    func execFinding() throws {
        let yaml = """
        - rule: Exec from shm
          desc: d
          condition: evt.type = execve and proc.exepath startswith /dev/shm/
          output: exec %proc.exepath
          priority: ERROR
        """
        let engine = Engine(try #require(RuleLoader().load(files: [RuleSource(path: "r.yaml", text: yaml)]).ruleSet))
        let decoder = Self.decoder()
        _ = decoder.decode(RawEvent(kind: .processFork, timestamp: 1_500, pid: 1001, tid: 1001, uid: 1000, gid: 1000,
                                    args: [0x1200011, 1004], returnValue: 1004))
        let event = try #require(decoder.decode(RawEvent(
            kind: .processExec, timestamp: 1_600, pid: 1004, tid: 1004, uid: 1000, gid: 1000, args: [0],
            payloads: [.exePath: "/dev/shm/t", .argv: ByteString.joined(["t"], separator: 0)])))
        let finding = try #require(engine.evaluate(event).first)
        let report = ReportFinding(finding, event: event, hostname: "h")
        #expect(report.target == "/dev/shm/t")
        #expect(report.processChainText == "make -> sh -> t")
        // The execve syscall's own exit record, whose filename payload the backend may not carry.
        let syscall = try #require(decoder.decode(Self.sys("execve", pid: 1004, args: [0, 0, 0], ret: 0)))
        let second = try #require(engine.evaluate(syscall).first)
        let secondReport = ReportFinding(second, event: syscall, hostname: "h")
        #expect(secondReport.target == "/dev/shm/t")
        #expect(FindingGroup.identityHash(of: secondReport) == FindingGroup.identityHash(of: report), "one exec, one identity")
    }
}
