import Foundation
import Testing

/// Our own reproductions of Falco's event-generator actions that apply on a bare Linux host
/// (reference §3.6 and §4), each run under `tollgate run` with Falco's stable ruleset on every
/// capture backend. A case names the rules that must fire (exact name in the `--json` lines and
/// on stderr, with Falco's priority) and the gate's exit status. Rules that need a container
/// must stay quiet on the host, as in Falco; those cases add a *witness* rule (loaded after the
/// stable file, INFO, never blocking) with the same condition minus `container`, which proves
/// the gate did see the event.
@Suite(.serialized)
struct FalcoReproductionTests {
    @Test(arguments: Reproduction.all, GateBackend.allCases)
    func reproductionFiresTheFalcoRule(_ reproduction: Reproduction, on backend: GateBackend) throws {
        try EndToEnd.skipUnlessRunnable(backend, needsRoot: reproduction.needsRoot)
        if let reason = reproduction.notEvaluable[backend] {
            try Self.verifyReportedNotEvaluable(reproduction, on: backend, reason: reason)
            return
        }
        try Self.verify(reproduction, backendOption: backend.rawValue)
    }

    /// Where a backend cannot evaluate the reproduction's rules, the gate itself must say so:
    /// each is a skipped JUnit testcase with a reason, and none fires (quiet is not a pass).
    static func verifyReportedNotEvaluable(_ reproduction: Reproduction, on backend: GateBackend, reason: String) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let junit = scratch.url.appendingPathComponent("report.xml")
        var arguments = ["run", "--backend", backend.rawValue, "--grace", "5", "--rules", EndToEnd.falcoStableRules.path]
        if reproduction.alsoIncubating { arguments += ["--rules", EndToEnd.falcoIncubatingRules.path] }
        arguments += ["--junit", junit.path, "--"] + (try reproduction.job.command(in: scratch))
        let outcome = try GateRun(arguments: arguments, timeout: 90).run()
        try EndToEnd.skipIfNotImplemented(backend, outcome)
        let report = try String(contentsOf: junit, encoding: .utf8)
        for expected in reproduction.fires {
            let testcase = try #require(ExitDataEndToEndTests.testcase(expected.rule, in: report),
                                        "no testcase for '\(expected.rule)' in:\n\(report)")
            #expect(testcase.contains("<skipped message=\""),
                    "'\(expected.rule)' is not evaluable on \(backend) (\(reason)), but the report does not say so:\n\(testcase)")
            #expect(!testcase.contains("<failure"), "'\(expected.rule)' fired on \(backend):\n\(testcase)")
        }
        #expect(outcome.stderr.contains("rules not evaluable on this backend"), "\(outcome.stderr)")
    }

    /// Issue 5: the same reproductions with the gate itself running as `nobody` without
    /// capabilities, where `--backend auto` must choose ptrace.
    @Test(.enabled(if: EndToEnd.isRoot, "needs root: switches to the nobody user with setpriv"),
          arguments: Reproduction.all.filter { !$0.needsRoot })
    func reproductionAsNobodyChoosesPtrace(_ reproduction: Reproduction) throws {
        try EndToEnd.skipUnlessRunnable(.ptrace, needsRoot: false)
        try Self.skipIfNotEvaluable(reproduction, on: .ptrace)
        let copy = try TollgateBinary.copyForOtherUsers()
        defer { try? FileManager.default.removeItem(at: copy.deletingLastPathComponent()) }
        let outcome = try Self.verify(reproduction, backendOption: "auto",
                                      wrapper: DoctorCommandTests.nobody, executable: copy)
        #expect(outcome.stderr.contains("tollgate: backend ptrace"), "auto did not choose ptrace:\n\(outcome.stderr)")
    }

    static func skipIfNotEvaluable(_ reproduction: Reproduction, on backend: GateBackend) throws {
        if let reason = reproduction.notEvaluable[backend] {
            print("skipped '\(reproduction.name)' on \(backend): \(reason)")
            try Test.cancel("not evaluable on \(backend): \(reason)")
        }
    }

    /// Runs the reproduction's job under the gate and checks the rules, stderr and exit status.
    @discardableResult
    static func verify(_ reproduction: Reproduction, backendOption: String,
                       wrapper: [String] = [], executable: URL = TollgateBinary.url) throws -> GateRun.Outcome {
        let backend = GateBackend(rawValue: backendOption)
        let scratch = try Scratch()
        defer { scratch.remove() }
        if !wrapper.isEmpty { chmod(scratch.url.path, 0o777) }  // the job and the gate run as another user
        let command = try reproduction.job.command(in: scratch)
        var arguments = ["run", "--backend", backendOption, "--grace", "5",
                         "--rules", EndToEnd.falcoStableRules.path]
        if reproduction.alsoIncubating { arguments += ["--rules", EndToEnd.falcoIncubatingRules.path] }
        if let witness = reproduction.witness {
            arguments += ["--rules", try scratch.write("witness.yaml", witness.ruleFile).path]
        }
        let json = scratch.url.appendingPathComponent("findings.json")
        arguments += ["--json", json.path, "--"] + command
        let outcome = try GateRun(arguments: arguments, wrapper: wrapper, executable: executable, timeout: 90).run()
        if let backend { try EndToEnd.skipIfNotImplemented(backend, outcome) }

        let findings = try FalcoJSONFile(json)
        for expected in reproduction.fires + (reproduction.witness.map { [$0.expected] } ?? []) {
            let lines = findings.lines(for: expected.rule)
            #expect(!lines.isEmpty, "'\(expected.rule)' did not fire; rules seen: \(findings.ruleNames); stderr:\n\(outcome.stderr)")
            #expect(lines.allSatisfy { $0.priority == expected.priority.falcoName },
                    "'\(expected.rule)' priority: \(lines.map(\.priority))")
            #expect(outcome.stderr.contains("tollgate: \(expected.priority.consoleWord) \(expected.rule): "),
                    "no stderr line for '\(expected.rule)':\n\(outcome.stderr)")
        }
        for rule in reproduction.staysQuiet {
            #expect(findings.lines(for: rule).isEmpty, "'\(rule)' must stay quiet on the host")
            #expect(!outcome.stderr.contains(" \(rule): "), "'\(rule)' printed on stderr")
        }
        #expect(outcome.status == reproduction.exit, "gate exit \(outcome.status); stderr:\n\(outcome.stderr)")
        for field in reproduction.fields {
            let seen = findings.lines(for: field.rule).map { FieldCheck.text($0.outputFields[field.field]) }
            let expected = field.expected(scratch: scratch.url.path, backend: backend ?? .ptrace)
            #expect(seen.contains { field.matches($0, expected) },
                    "'\(field.rule)' \(field.field): expected '\(expected)', seen \(seen)")
        }
        return outcome
    }
}

/// One Falco reproduction: a job, the stable rules it must fire and the gate's exit status.
struct Reproduction: Sendable, CustomTestStringConvertible {
    /// A rule that must fire, with Falco's priority.
    struct Expected: Sendable {
        let rule: String
        let priority: FalcoPriority
    }

    /// An extra rule (same condition as a container-only Falco rule, without `container`)
    /// that proves the gate saw the event the Falco rule stays quiet about.
    struct Witness: Sendable {
        /// Short name; the rule is called "Witness <name>".
        let name: String
        let condition: String
        var expected: Expected { Expected(rule: "Witness \(name)", priority: .informational) }
        var ruleFile: String {
            """
            - rule: \(expected.rule)
              desc: Fires where the container-only rule would fire inside a container.
              condition: >
                \(condition)
              output: witness seen | process=%proc.name command=%proc.cmdline
              priority: INFORMATIONAL

            """
        }
    }

    let name: String
    let job: JobFixture
    var fires: [Expected] = []
    var staysQuiet: [String] = []
    var witness: Witness? = nil
    /// The gate's exit status: 3 when a fired rule is at or above WARNING, else the job's.
    var exit: Int32 = 3
    var needsRoot = false
    /// Load Falco's incubating ruleset after the stable one.
    var alsoIncubating = false
    /// Backends that cannot evaluate the rule, and why: there the gate must report the fired
    /// rules as not evaluable (`verifyReportedNotEvaluable`).
    var notEvaluable: [GateBackend: String] = [:]
    /// Output fields of the fired rules that must carry Falco's value.
    var fields: [FieldCheck] = []

    var testDescription: String { name }
}

extension Reproduction {
    static let all: [Reproduction] = [
        // Read sensitive file untrusted: open_read (openat O_RDONLY, fd.num>=0) and
        // sensitive_files (fd.name=/etc/shadow) and proc_name_exists (cat) and cat is on no
        // allow-list. Root: only root may open /etc/shadow.
        Reproduction(name: "read /etc/shadow", job: .script("read_sensitive_file.sh"),
                     fires: [.init(rule: "Read sensitive file untrusted", priority: .warning)],
                     needsRoot: true,
                     fields: [
                         .init(rule: "Read sensitive file untrusted", field: "fd.name", value: "/etc/shadow"),
                         .init(rule: "Read sensitive file untrusted", field: "proc.cmdline", value: "cat /etc/shadow"),
                         .init(rule: "Read sensitive file untrusted", field: "evt.type", value: "openat"),
                         .init(rule: "Read sensitive file untrusted", field: "user.loginuid", value: "$LOGINUID")]),
        // Directory traversal monitored file read: open_read, etc_dir (fd.name=/etc/shadow),
        // directory_traversal (fd.nameraw=/etc/../etc/../etc/shadow matches '*../*../*') and the
        // parent of cat is the gate, not a shell. Read sensitive file untrusted fires as well.
        Reproduction(name: "directory traversal read of /etc/shadow", job: .script("directory_traversal_read.sh"),
                     fires: [.init(rule: "Directory traversal monitored file read", priority: .warning),
                             .init(rule: "Read sensitive file untrusted", priority: .warning)],
                     needsRoot: true,
                     fields: [
                         .init(rule: "Directory traversal monitored file read", field: "fd.nameraw", value: "/etc/../etc/../etc/shadow"),
                         .init(rule: "Directory traversal monitored file read", field: "fd.name", value: "/etc/shadow")]),
        // Directory traversal monitored file read, failed attempt: open_file_failed (openat,
        // fd.typechar='f', fd.num=-1, evt.res=EACCES), etc_dir, directory_traversal; cat runs as
        // daemon (setpriv execs it: its parent is the gate). The job's status 1 gives way to 3.
        Reproduction(name: "directory traversal read of /etc/shadow denied", job: .script("directory_traversal_denied.sh"),
                     fires: [.init(rule: "Directory traversal monitored file read", priority: .warning)],
                     needsRoot: true),
        // Create Symlink Over Sensitive Files: symlinkat with evt.arg.target=/etc, which is in
        // sensitive_directory_names.
        Reproduction(name: "symlink to /etc", job: .script("symlink_over_sensitive_dir.sh"),
                     fires: [.init(rule: "Create Symlink Over Sensitive Files", priority: .warning)],
                     fields: [
                         .init(rule: "Create Symlink Over Sensitive Files", field: "evt.arg.target", value: "/etc"),
                         .init(rule: "Create Symlink Over Sensitive Files", field: "evt.arg.linkpath", value: "$SCRATCH/etc_link")]),
        // Create Hardlink Over Sensitive Files: linkat with evt.arg.oldpath=/etc/shadow (in
        // sensitive_file_names). Root: fs.protected_hardlinks refuses others.
        Reproduction(name: "hardlink to /etc/shadow", job: .script("hardlink_over_sensitive_file.sh"),
                     fires: [.init(rule: "Create Hardlink Over Sensitive Files", priority: .warning)],
                     needsRoot: true,
                     fields: [
                         .init(rule: "Create Hardlink Over Sensitive Files", field: "evt.arg.oldpath", value: "/etc/shadow"),
                         .init(rule: "Create Hardlink Over Sensitive Files", field: "evt.arg.newpath", value: "$SCRATCH/shadow_link")]),
        // Clear Log Activities: open_write of a file whose fd.filename is syslog (log_files)
        // with evt.arg.flags containing O_TRUNC.
        Reproduction(name: "truncate a syslog file", job: .script("clear_log_file.sh"),
                     fires: [.init(rule: "Clear Log Activities", priority: .warning)],
                     fields: [
                         .init(rule: "Clear Log Activities", field: "fd.name", value: "$SCRATCH/syslog")]),
        // Remove Bulk Data from Disk: spawned_process with proc.name=shred (data_remove_commands).
        Reproduction(name: "shred a file", job: .script("shred_file.sh"),
                     fires: [.init(rule: "Remove Bulk Data from Disk", priority: .warning)],
                     fields: [
                         .init(rule: "Remove Bulk Data from Disk", field: "proc.cmdline", value: "shred -u $SCRATCH/bulk")]),
        // PTRACE attached to process: evt.type=ptrace, evt.arg.request contains PTRACE_ATTACH,
        // proc.name=ptrace_attach exists and is not in known_ptrace_binaries.
        Reproduction(name: "ptrace attach", job: .compiled("ptrace_attach"),
                     fires: [.init(rule: "PTRACE attached to process", priority: .warning)],
                     fields: [
                         .init(rule: "PTRACE attached to process", field: "proc.name", value: "ptrace_attach")]),
        // PTRACE anti-debug attempt: evt.type=ptrace, evt.arg.request contains PTRACE_TRACEME,
        // proc_name_exists. NOTICE is below the default --fail-on warning: the job's 0 passes.
        Reproduction(name: "ptrace traceme", job: .compiled("ptrace_traceme"),
                     fires: [.init(rule: "PTRACE anti-debug attempt", priority: .notice)], exit: 0),
        // Fileless execution via memfd_create: spawned_process with proc.is_exe_from_memfd=true
        // (execve of /proc/self/fd/N where N is a memfd); proc.name is not runc.
        Reproduction(name: "memfd exec", job: .compiled("memfd_exec"),
                     fires: [.init(rule: "Fileless execution via memfd_create", priority: .critical)],
                     fields: [
                         // Falco's: the memfd is its creator's, so writable by it; seccomp cannot
                         // tell writability (the credentials the exec gives).
                         .init(rule: "Fileless execution via memfd_create", field: "evt.arg.flags", value: "EXE_WRITABLE|EXE_FROM_MEMFD",
                               onBackend: [.seccomp: "EXE_FROM_MEMFD"]),
                         .init(rule: "Fileless execution via memfd_create", field: "proc.exepath", value: "memfd:payload")]),
        // Execution from /dev/shm: spawned_process, shell_procs (sh) and proc.args startswith
        // "-c /dev/shm"; the script's own exec has proc.exe startswith "/dev/shm/".
        Reproduction(name: "exec from /dev/shm", job: .script("exec_from_dev_shm.sh"),
                     fires: [.init(rule: "Execution from /dev/shm", priority: .warning)],
                     fields: [
                         .init(rule: "Execution from /dev/shm", field: "proc.cmdline", value: "sh -c /dev/shm/tollgate-e2e-", match: .prefix),
                         .init(rule: "Execution from /dev/shm", field: "proc.pcmdline", value: "exec_from_dev_s $FIXTURES/exec_from_dev_shm.sh $SCRATCH")]),
        // Search Private Keys or Passwords: spawned_process, proc.name=find and proc.args
        // contains id_rsa.
        Reproduction(name: "find id_rsa", job: .script("find_private_keys.sh"),
                     fires: [.init(rule: "Search Private Keys or Passwords", priority: .warning)],
                     fields: [
                         .init(rule: "Search Private Keys or Passwords", field: "proc.cmdline", value: "find $SCRATCH -maxdepth 1 -iname id_rsa")]),
        // Search Private Keys or Passwords: grep_commands and proc.args icontains "BEGIN RSA PRIVATE".
        Reproduction(name: "grep for a private key header", job: .script("grep_private_keys.sh"),
                     fires: [.init(rule: "Search Private Keys or Passwords", priority: .warning)]),
        // Find AWS Credentials: proc.name=find and proc.args endswith ".aws/credentials".
        Reproduction(name: "find .aws/credentials", job: .script("find_aws_credentials.sh"),
                     fires: [.init(rule: "Find AWS Credentials", priority: .warning)]),
        // Find AWS Credentials: grep_commands and proc.args icontains "aws_secret_access_key".
        Reproduction(name: "grep for aws_secret_access_key", job: .script("grep_aws_credentials.sh"),
                     fires: [.init(rule: "Find AWS Credentials", priority: .warning)]),
        // Run shell untrusted: spawned_process, shell_procs (sh), proc.pname exists (httpd),
        // protected_shell_spawner (proc.aname=httpd, in http_server_binaries), the parent is not a
        // shell by name, the cmdline is not on known_shell_spawn_cmdlines. NOTICE: job's 0 passes.
        Reproduction(name: "shell below httpd", job: .script("shell_below_httpd.sh"),
                     fires: [.init(rule: "Run shell untrusted", priority: .notice)], exit: 0,
                     fields: [
                         .init(rule: "Run shell untrusted", field: "proc.pname", value: "httpd"),
                         .init(rule: "Run shell untrusted", field: "proc.pexe", value: "$SCRATCH/httpd"),
                         .init(rule: "Run shell untrusted", field: "proc.pexepath", value: "$SH_CANONICAL")]),
        // Read sensitive file trusted after startup: open_read of /etc/shadow by proc.name=httpd
        // (server_procs) whose proc.duration > 5 s (not proc_is_new). The untrusted rule fires too.
        Reproduction(name: "httpd reads /etc/shadow after startup", job: .script("httpd_reads_shadow_late.sh"),
                     fires: [.init(rule: "Read sensitive file trusted after startup", priority: .warning),
                             .init(rule: "Read sensitive file untrusted", priority: .warning)],
                     needsRoot: true),
        // System user interactive: spawned_process, system_users (user.name=daemon from the
        // passwd database) and interactive (proc.name=login). INFO: job's 0 passes.
        Reproduction(name: "system user runs login", job: .script("system_user_login.sh"),
                     fires: [.init(rule: "System user interactive", priority: .informational)], exit: 0,
                     needsRoot: true,
                     fields: [
                         .init(rule: "System user interactive", field: "user.name", value: "daemon"),
                         .init(rule: "System user interactive", field: "user.uid", value: "1")]),
        // Disallowed SSH Connection Non Standard Port: outbound (connect, ipv4, 198.51.100.7 is
        // neither loopback nor RFC 1918, evt.res=EINPROGRESS), proc.exe endswith ssh,
        // fd.l4proto=tcp, fd.sport=443. NOTICE: the job's 0 passes.
        Reproduction(name: "ssh to port 443", job: .script("ssh_non_standard_port.sh"),
                     fires: [.init(rule: "Disallowed SSH Connection Non Standard Port", priority: .notice)], exit: 0,
                     notEvaluable: [.seccomp: "outbound needs evt.rawres/evt.res (EINPROGRESS), a return value seccomp notification cannot see"],
                     fields: [
                         .init(rule: "Disallowed SSH Connection Non Standard Port", field: "fd.rport", value: "443"),
                         .init(rule: "Disallowed SSH Connection Non Standard Port", field: "fd.l4proto", value: "tcp"),
                         .init(rule: "Disallowed SSH Connection Non Standard Port", field: "fd.lport", match: .known)]),

        // Container-only rules: `container` (container.id != host) is false on the host.
        // Netcat Remote Code Execution in Container: spawned_process, container, proc.name=nc
        // and proc.cmdline contains " -e".
        Reproduction(name: "nc -e /bin/sh stays quiet on the host", job: .script("netcat_exec_shell.sh"),
                     staysQuiet: ["Netcat Remote Code Execution in Container"],
                     witness: .init(name: "nc -e", condition: "spawned_process and proc.name = nc and proc.cmdline contains \" -e\""),
                     exit: 0),
        // Drop and execute new binary in container: spawned_process, container,
        // proc.is_exe_upper_layer=true (overlayfs upper layer; there is none on the host).
        Reproduction(name: "drop and execute stays quiet on the host", job: .script("drop_and_exec_binary.sh"),
                     staysQuiet: ["Drop and execute new binary in container"],
                     witness: .init(name: "dropped binary", condition: "spawned_process and proc.name = dropped"), exit: 0),
        // Packet socket created in container: evt.type=socket, container,
        // evt.arg.domain contains AF_PACKET. Root: CAP_NET_RAW.
        Reproduction(name: "packet socket stays quiet on the host", job: .compiled("packet_socket"),
                     staysQuiet: ["Packet socket created in container"],
                     witness: .init(name: "AF_PACKET socket", condition: "evt.type=socket and evt.arg.domain contains AF_PACKET"), exit: 0,
                     needsRoot: true),
        // Redirect STDOUT/STDIN to Network Connection in Container: dup2 of a TCP socket onto
        // fd 1 (evt.rawres=1, fd.type=ipv4), container.
        Reproduction(name: "socket dup2 onto stdout stays quiet on the host", job: .compiled("dup_socket_to_stdout"),
                     staysQuiet: ["Redirect STDOUT/STDIN to Network Connection in Container"],
                     witness: .init(name: "socket onto stdout", condition: "dup and evt.rawres in (0, 1, 2) and fd.type in (\"ipv4\", \"ipv6\")"), exit: 0,
                     notEvaluable: [.seccomp: "evt.rawres is dup's return value, which seccomp notification cannot see"]),
        // Linux Kernel Module Injection Detected: finit_module, container, CAP_SYS_MODULE in
        // thread.cap_effective (the witness keeps that check: root has it).
        Reproduction(name: "finit_module stays quiet on the host", job: .compiled("load_kernel_module"),
                     staysQuiet: ["Linux Kernel Module Injection Detected"],
                     witness: .init(name: "finit_module", condition: "kernel_module_load and thread.cap_effective icontains sys_module"),
                     exit: 0, needsRoot: true),
        // Debugfs Launched in Privileged Container: spawned_process, container,
        // container.privileged=true, proc.name=debugfs.
        Reproduction(name: "debugfs stays quiet on the host", job: .script("debugfs_version.sh"),
                     staysQuiet: ["Debugfs Launched in Privileged Container"],
                     witness: .init(name: "debugfs", condition: "spawned_process and proc.name=debugfs"), exit: 0),
        // Detect release_agent File Container Escapes: open_write, container,
        // fd.name endswith release_agent, uid 0 or CAP_DAC_OVERRIDE, and CAP_SYS_ADMIN in
        // thread.cap_effective (the witness keeps those checks: root has them).
        Reproduction(name: "release_agent write stays quiet on the host", job: .script("write_release_agent.sh"),
                     staysQuiet: ["Detect release_agent File Container Escapes"],
                     witness: .init(name: "release_agent", condition: """
                         open_write and fd.name endswith release_agent and (user.uid=0 or thread.cap_effective contains CAP_DAC_OVERRIDE) \
                         and thread.cap_effective contains CAP_SYS_ADMIN
                         """), exit: 0, needsRoot: true),

        // Incubating rules (loaded after the stable file) for the disabled-by-default actions.
        // Launch Package Management Process in Container: spawned_process, container,
        // package_mgmt_procs (apt-get), user.name is not _apt.
        Reproduction(name: "apt-get stays quiet on the host", job: .script("apt_get_version.sh"),
                     staysQuiet: ["Launch Package Management Process in Container"],
                     witness: .init(name: "package manager", condition: "spawned_process and proc.name in (package_mgmt_binaries)"),
                     exit: 0, alsoIncubating: true),
        // Delete or rename shell history: modify_shell_history (unlinkat with evt.arg.name
        // endswith ash_history); the `: >` that created it also matches truncate_shell_history.
        Reproduction(name: "delete shell history", job: .script("delete_shell_history.sh"),
                     fires: [.init(rule: "Delete or rename shell history", priority: .warning)], alsoIncubating: true),
        // Set Setuid or Setgid bit: chmod family (fchmodat) with evt.arg.mode containing S_ISUID.
        Reproduction(name: "chmod u+s", job: .script("set_setuid_bit.sh"),
                     fires: [.init(rule: "Set Setuid or Setgid bit", priority: .notice)], exit: 0, alsoIncubating: true),
        // Launch Suspicious Network Tool on Host: spawned_process, not container,
        // network_tool_procs (proc.name=nmap).
        Reproduction(name: "nmap on the host", job: .script("network_tool_on_host.sh"),
                     fires: [.init(rule: "Launch Suspicious Network Tool on Host", priority: .notice)], exit: 0,
                     alsoIncubating: true),
    ]
}

/// One output field of a fired rule and the value Falco gives it ("$SCRATCH" stands for the
/// case's scratch folder, "$FIXTURES" for Tests/Fixtures/jobs, "$LOGINUID" for the audit login
/// uid, "$SH_CANONICAL" for /bin/sh with symlinks resolved). Some line of the rule must match.
struct FieldCheck: Sendable {
    enum Match: Sendable { case equals, prefix, known }
    let rule: String
    let field: String
    var value = ""
    var match = Match.equals
    /// The value where a backend's limit (docs/fields.md) makes it differ from Falco's.
    var onBackend: [GateBackend: String] = [:]

    func expected(scratch: String, backend: GateBackend) -> String {
        (onBackend[backend] ?? value).replacingOccurrences(of: "$SCRATCH", with: scratch)
            .replacingOccurrences(of: "$FIXTURES", with: Fixtures.folder.path)
            .replacingOccurrences(of: "$LOGINUID", with: Self.loginUID)
            .replacingOccurrences(of: "$SH_CANONICAL", with: URL(fileURLWithPath: "/bin/sh").resolvingSymlinksInPath().path)
    }

    func matches(_ seen: String, _ expected: String) -> Bool {
        switch match {
        case .equals: seen == expected
        case .prefix: seen.hasPrefix(expected)
        case .known: seen != "<NA>"
        }
    }

    /// This process's audit login uid as Falco prints user.loginuid: -1 when unset.
    static var loginUID: String {
        let text = ((try? String(contentsOfFile: "/proc/self/loginuid", encoding: .utf8)) ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return text == "4294967295" ? "-1" : text
    }

    /// A JSON output field value as Falco prints it in `output`.
    static func text(_ value: Any?) -> String {
        switch value {
        case let text as String: text
        case let number as NSNumber: number.stringValue
        default: "<NA>"
        }
    }
}

/// A job fixture from Tests/Fixtures/jobs.
enum JobFixture: Sendable {
    /// A shell script, given the scratch folder as its only argument.
    case script(String)
    /// A C program compiled into the scratch folder, run without arguments.
    case compiled(String)

    func command(in scratch: Scratch) throws -> [String] {
        switch self {
        case .script(let name): return [Fixtures.url(name).path, scratch.url.path]
        case .compiled(let name): return [try Fixtures.compile(name, into: scratch).path]
        }
    }
}

/// Falco's priorities as the JSON lines (`priority`) and the console (`tollgate: WORD`) spell them.
enum FalcoPriority: Sendable {
    case critical, error, warning, notice, informational

    var falcoName: String {
        switch self {
        case .critical: "Critical"
        case .error: "Error"
        case .warning: "Warning"
        case .notice: "Notice"
        case .informational: "Informational"
        }
    }

    var consoleWord: String { self == .informational ? "INFO" : falcoName.uppercased() }
}

/// The `--json` file: Falco json_output lines, one object per line.
struct FalcoJSONFile {
    struct Line {
        let object: [String: Any]
        var rule: String { object["rule"] as? String ?? "" }
        var priority: String { object["priority"] as? String ?? "" }
        var outputFields: [String: Any] { object["output_fields"] as? [String: Any] ?? [:] }
    }

    let lines: [Line]

    /// Parses every line; a line that is not a JSON object is a test failure.
    init(_ url: URL) throws {
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        var lines: [Line] = []
        for raw in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let object = try JSONSerialization.jsonObject(with: Data(raw.utf8))
            guard let dictionary = object as? [String: Any] else {
                Issue.record("--json line is not an object: \(raw)")
                continue
            }
            lines.append(Line(object: dictionary))
        }
        self.lines = lines
    }

    func lines(for rule: String) -> [Line] { lines.filter { $0.rule == rule } }
    var ruleNames: [String] { Array(Set(lines.map(\.rule))).sorted() }
}

/// Paths and checks shared by the end-to-end suites.
enum EndToEnd {
    /// The repository root (this file is Tests/TollgateCLITests/FalcoReproductionTests.swift).
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// Falco's stable ruleset, kept beside the repository in ../shared/falco-rules.
    static let falcoStableRules = repository.deletingLastPathComponent()
        .appendingPathComponent("shared/falco-rules/falco_rules.yaml")

    /// Falco's incubating ruleset, loaded after the stable one where a case asks for it.
    static let falcoIncubatingRules = falcoStableRules.deletingLastPathComponent()
        .appendingPathComponent("falco-incubating_rules.yaml")

    static var isRoot: Bool { getuid() == 0 }

    /// Cancels (skips) the current test case, with a printed reason, when the backend is not
    /// available on this machine (per `tollgate doctor --json`) or root is needed and missing.
    static func skipUnlessRunnable(_ backend: GateBackend, needsRoot: Bool) throws {
        if needsRoot && !isRoot {
            print("skipped: needs root (the job reads or links root-only files)")
            try Test.cancel("needs root")
        }
        if let reason = BackendAvailability.shared.unavailable[backend] {
            print("skipped on \(backend): \(reason)")
            try Test.cancel("backend \(backend) unavailable: \(reason)")
        }
    }

    /// Cancels (skips) the test case when the gate said the backend is not implemented yet.
    static func skipIfNotImplemented(_ backend: GateBackend, _ outcome: GateRun.Outcome) throws {
        if outcome.status == 69 && outcome.stderr.contains("not implemented") {
            print("skipped on \(backend): \(outcome.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
            try Test.cancel("backend \(backend) not implemented yet")
        }
    }
}

/// The capture backends of `tollgate run --backend`.
enum GateBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case ebpf, ptrace, seccomp
    var testDescription: String { rawValue }
}

/// Which backends `tollgate doctor --json` says are unavailable here, and why (asked once).
struct BackendAvailability: Sendable {
    let unavailable: [GateBackend: String]

    static let shared = BackendAvailability()

    private init() {
        struct Report: Decodable {
            struct Entry: Decodable { let backend: String; let available: Bool; let reason: String }
            let backends: [Entry]
        }
        var unavailable: [GateBackend: String] = [:]
        do {
            let outcome = try GateRun(arguments: ["doctor", "--json"], timeout: 60).run()
            let report = try JSONDecoder().decode(Report.self, from: outcome.stdout)
            for entry in report.backends where !entry.available {
                if let backend = GateBackend(rawValue: entry.backend) { unavailable[backend] = entry.reason }
            }
        } catch {
            for backend in GateBackend.allCases { unavailable[backend] = "tollgate doctor --json failed: \(error)" }
        }
        self.unavailable = unavailable
    }
}

/// A fresh folder under the temporary directory, removed by `remove()`.
final class Scratch: Sendable {
    let url: URL

    init() throws {
        var template = Array((NSTemporaryDirectory() + "/tollgate-e2e-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        url = URL(fileURLWithPath: String(cString: made)).resolvingSymlinksInPath()
    }

    /// Writes `text` to `name` in the folder and returns its URL.
    func write(_ name: String, _ text: String) throws -> URL {
        let file = url.appendingPathComponent(name)
        try Data(text.utf8).write(to: file)
        return file
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// The job fixtures in Tests/Fixtures/jobs.
enum Fixtures {
    static let folder = EndToEnd.repository.appendingPathComponent("Tests/Fixtures/jobs")

    static func url(_ name: String) -> URL { folder.appendingPathComponent(name) }

    /// Compiles `name.c` with `cc` into the scratch folder; the binary is called `name`.
    static func compile(_ name: String, into scratch: Scratch) throws -> URL {
        let output = scratch.url.appendingPathComponent(name)
        let compiler = Process()
        compiler.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        compiler.arguments = ["cc", "-O1", "-o", output.path, url(name + ".c").path]
        try compiler.run()
        compiler.waitUntilExit()
        guard compiler.terminationStatus == 0 else {
            throw FixtureError(message: "cc failed (\(compiler.terminationStatus)) for \(name).c")
        }
        return output
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
