import TollgateRules
@testable import TollgateReports

/// Fixed runs the golden files are rendered from: fixed times, hostname and pids.
enum ReportFixtures {
    /// 2026-11-29T16:00:00Z in nanoseconds.
    static let start: UInt64 = 1_795_968_000_000_000_000
    static let hostname = "runner-7"

    static func at(seconds: UInt64, nanos: UInt64 = 0) -> UInt64 { start + seconds * 1_000_000_000 + nanos }

    static let rules: [RuleDescriptor] = [
        RuleDescriptor(
            name: "Read sensitive file untrusted",
            description: "An attempt to read a sensitive file (e.g. /etc/shadow) by a program that is not a known reader. Such reads harvest credentials.",
            priority: .warning, tags: ["filesystem", "mitre_credential_access", "T1555"],
            sourceFile: "rules/read_sensitive_file.yaml", sourceLine: 3),
        RuleDescriptor(
            name: "Unexpected outbound connection",
            description: "A job process connected to a network address outside the allow-list.",
            priority: .critical, tags: ["network", "mitre_exfiltration"],
            sourceFile: "rules/outbound.yaml", sourceLine: 12),
        RuleDescriptor(
            name: "Shell spawned by build tool",
            description: "A shell was started below a build tool.",
            priority: .notice, tags: ["process"],
            sourceFile: "rules/shell.yaml", sourceLine: 1),
        RuleDescriptor(
            name: "Ptrace attach",
            description: "A process attached to another with ptrace.",
            priority: .error, tags: ["process", "mitre_privilege_escalation"],
            sourceFile: "rules/ptrace.yaml", sourceLine: 7),
        RuleDescriptor(
            name: "Clear log activities",
            description: "A log file was truncated.",
            priority: .warning, tags: ["filesystem"],
            sourceFile: "rules/logs.yaml", sourceLine: 20),
        RuleDescriptor(
            name: "Disabled example",
            description: "Never enabled in this ruleset.",
            priority: .informational, tags: [],
            sourceFile: "rules/disabled.yaml", sourceLine: 2, enabled: false),
    ]

    static let chainCurl = [ProcessLink(name: "make", pid: 4100), ProcessLink(name: "sh", pid: 4101), ProcessLink(name: "curl", pid: 4242)]

    static func connect(_ address: String, seconds: UInt64, pid: Int32 = 4242) -> ReportFinding {
        ReportFinding(
            rule: "Unexpected outbound connection", priority: .critical,
            output: "Outbound connection (connection=\(address) process=curl command=curl -fsS https://\(address)/x)",
            outputFields: [
                ReportField("fd.name", .string(address)),
                ReportField("proc.name", .string("curl")),
                ReportField("proc.pid", .integer(Int64(pid))),
                ReportField("proc.cmdline", .string("curl -fsS https://\(address)/x")),
            ],
            tags: ["network", "mitre_exfiltration"], time: at(seconds: seconds, nanos: 123_456_789),
            hostname: hostname, processChain: chainCurl, pid: pid, exe: "/usr/bin/curl",
            cmdline: "curl -fsS https://\(address)/x", syscall: "connect", target: address, containerID: "host")
    }

    static let findings: [ReportFinding] = [
        ReportFinding(
            rule: "Read sensitive file untrusted", priority: .warning,
            output: "Sensitive file opened for reading by non-trusted program (file=/etc/shadow process=cat user=root)",
            outputFields: [
                ReportField("fd.name", .string("/etc/shadow")),
                ReportField("proc.name", .string("cat")),
                ReportField("user.name", .string("root")),
                ReportField("user.loginuid", .integer(-1)),
                ReportField("proc.tty", .unknown),
            ],
            tags: ["filesystem", "mitre_credential_access", "T1555"], time: at(seconds: 3, nanos: 5),
            hostname: hostname,
            processChain: [ProcessLink(name: "make", pid: 4100), ProcessLink(name: "sh", pid: 4103), ProcessLink(name: "cat", pid: 4104)],
            pid: 4104, exe: "/usr/bin/cat", cmdline: "cat /etc/shadow", syscall: "openat", target: "/etc/shadow",
            containerID: "host"),
        connect("203.0.113.7:443", seconds: 5),
        connect("203.0.113.7:443", seconds: 9, pid: 4250),
        connect("198.51.100.2:80", seconds: 11, pid: 4260),
        ReportFinding(
            rule: "Shell spawned by build tool", priority: .notice,
            output: "Shell below build tool (shell=sh parent=make cmdline=sh -c \"echo <b>&amp;</b> | tee x\")",
            outputFields: [ReportField("proc.name", .string("sh")), ReportField("proc.pname", .string("make"))],
            tags: ["process"], time: at(seconds: 2), hostname: hostname,
            processChain: [ProcessLink(name: "make", pid: 4100), ProcessLink(name: "sh", pid: 4101)],
            pid: 4101, exe: "/bin/sh", cmdline: "sh -c \"echo <b>&amp;</b> | tee x\"", syscall: "execve",
            target: "/bin/sh", containerID: "host"),
        // A path that was not UTF-8 (rendered with U+FFFD) and carries control characters.
        ReportFinding(
            rule: "Clear log activities", priority: .warning,
            output: "Log file truncated (file=/var/log/\u{FFFD}\u{1}app|x.log, process=sh)",
            outputFields: [ReportField("fd.name", .string("/var/log/\u{FFFD}\u{1}app|x.log,"))],
            tags: ["filesystem"], time: at(seconds: 14), hostname: hostname,
            processChain: [ProcessLink(name: "make", pid: 4100), ProcessLink(name: "sh", pid: 4300)],
            pid: 4300, exe: "/bin/sh", cmdline: "sh -c ': > /var/log/app.log'", syscall: "openat",
            target: "/var/log/\u{FFFD}\u{1}app|x.log,", containerID: "host"),
    ]

    static let coverage = Coverage(
        events: 182_113, drops: 3, malformed: 0,
        blindSpots: ["io_uring submissions are not traced"],
        notEvaluable: [UnevaluableRule(rule: "Ptrace attach", reason: "the seccomp backend does not see ptrace requests of untraced processes")])

    /// A failing run with findings, drops and a rule the backend cannot evaluate.
    static let failing = RunReport(
        toolVersion: "0.1.0", jobCommand: ["make", "-j2", "test"], jobName: "build",
        hostname: hostname, startTime: start, endTime: at(seconds: 61, nanos: 250_000_000),
        jobExitStatus: 0, gateFailed: true, failOn: .warning, backend: "seccomp",
        coverage: coverage, rules: rules, findings: FindingLedger(findings),
        informationURI: "https://example.invalid/tollgate")

    /// A clean run: no findings, full coverage.
    static let clean = RunReport(
        toolVersion: "0.1.0", jobCommand: ["swift", "test"], jobName: "test",
        hostname: hostname, startTime: start, endTime: at(seconds: 12),
        jobExitStatus: 0, gateFailed: false, failOn: .warning, backend: "ebpf",
        coverage: Coverage(events: 5_000), rules: rules, findings: FindingLedger())
}

extension FindingLedger {
    /// The first finding of every group, in order.
    var firsts: [ReportFinding] { groups.map(\.first) }
}
