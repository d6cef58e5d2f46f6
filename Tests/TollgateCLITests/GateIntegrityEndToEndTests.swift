import Foundation
import Testing

/// The job cannot trace the gate or its capture monitor, nor open their memory, when it runs
/// without `CAP_SYS_PTRACE` (as the same user as the gate): both are not dumpable. Under the
/// ptrace and seccomp backends even a root job cannot trace or signal them: its seccomp filter
/// routes calls that may aim at them to the monitor, which refuses those that do. Every such
/// attempt is a finding of `CI Attack on the gate` and the run fails (exit 3); under eBPF the
/// call runs but its caller is killed, and the run fails too.
///
/// Known blind spots, not closed yet (issue #21):
/// - eBPF cannot refuse a call on this kernel (no BPF LSM, fmod_ret or error injection: the
///   lockdown is `integrity`): the first call runs before its caller dies. A `kill -STOP` of
///   the gate leaves it stopped (the run never ends, so never passes); one `process_vm_writev`
///   into the gate's memory happens.
/// - Under eBPF's per-syscall tracepoints (not used on this kernel), the calls aimed at the gate
///   are seen only when the rules want them (the default rules do).
/// - seccomp: a pidfd the monitor checked can be swapped by another thread before the call
///   continues (opening `/proc/<gate>/fd` or a pidfd for it is a finding of its own).
/// - A root job's open of `/proc/<gate>/mem` (or maps, fd, ...) is refused at entry on seccomp
///   (a listed race: the path is looked up before the kernel does); ptrace (at the call's exit)
///   and eBPF kill the caller before the call returns, but a process sharing its descriptor
///   table keeps the fd and can write the gate's memory: its exit status can become 0 (the
///   reports keep the finding; the CI integrations fail such a run with 70).
@Suite(.enabled(if: getuid() == 0, "needs root to switch to the nobody user"))
struct GateIntegrityEndToEndTests {
    /// ExitStatus.blockingFinding (the executable's table; tests cannot import it).
    static let blocking: Int32 = 3
    static let attack = EndToEnd.repository.appendingPathComponent("Tests/Fixtures/gate-attacks/trace_the_gate.py")

    @Test(arguments: [GateBackend.ptrace, .seccomp])
    func aJobCannotTraceTheGateOrReadItsMemory(_ backend: GateBackend) throws {
        try EndToEnd.skipUnlessRunnable(backend, needsRoot: false)
        let copy = try TollgateBinary.copyForOtherUsers()
        let outcome = try GateRun(arguments: ["run", "--no-config", "--backend", backend.rawValue, "--quiet", "--",
                                              "python3", Self.attack.path],
                                  wrapper: DoctorCommandTests.nobody, executable: copy, workingDirectory: URL(fileURLWithPath: "/tmp")).run()
        let line = String(decoding: outcome.stdout, as: UTF8.self)
        let gateProcesses = line.split(separator: "\n").filter { $0.split(separator: ":").dropFirst().first == "tollgate" }
        #expect(gateProcesses.count == 2, "the monitor and the gate are the job's ancestors: \(line) \(outcome.stderr)")
        for entry in gateProcesses {
            #expect(entry.contains("seize=Operation not permitted"), "\(entry)")
            // Not dumpable: the kernel refuses (ptrace); seccomp's monitor refuses first.
            #expect(entry.contains(backend == .seccomp ? "mem=Operation not permitted" : "mem=Permission denied"), "\(entry)")
        }
        #expect(outcome.status == Self.blocking, "each refused attempt is a finding: \(outcome.stderr)")
    }

    @Test(arguments: [GateBackend.ptrace, .seccomp])
    func aRootJobCannotTraceOrSignalTheGate(_ backend: GateBackend) throws {
        try EndToEnd.skipUnlessRunnable(backend, needsRoot: false)
        let traced = try GateRun(arguments: ["run", "--no-config", "--backend", backend.rawValue, "--",
                                             "python3", Self.attack.path], timeout: 60).run()
        let gateProcesses = String(decoding: traced.stdout, as: UTF8.self).split(separator: "\n")
            .filter { $0.split(separator: ":").dropFirst().first == "tollgate" }
        if backend == .seccomp {
            #expect(gateProcesses.count == 2, "\(traced.stderr)")
            for entry in gateProcesses {
                #expect(entry.contains("seize=Operation not permitted"), "\(entry)")
                #expect(entry.contains("mem=Operation not permitted"), "\(entry)")
            }
        } else {
            #expect(gateProcesses.isEmpty, "killed at its first open of a gate's memory: \(traced.stdout)")
            #expect(traced.stderr.contains("job killed by signal 9"), "\(traced.stderr)")
        }
        #expect(traced.status == Self.blocking, "\(traced.stderr)")
        #expect(traced.stderr.contains("CRITICAL CI Attack on the gate: Attack on the gate by python3: ptrace aimed at tollgate"),
                "\(traced.stderr)")
        #expect(traced.stderr.contains("Attack on the gate by python3: openat aimed at tollgate"), "\(traced.stderr)")
        // SIGSTOP to the monitor (the job's parent) and to the gate (its grandparent) is refused.
        let job = """
            monitor=$PPID; gate=$(cut -d' ' -f4 /proc/$monitor/stat)
            kill -STOP $monitor 2>/dev/null; echo "monitor:$?"; kill -STOP $gate 2>/dev/null; echo "gate:$?"
            """
        let signalled = try GateRun(arguments: ["run", "--no-config", "--backend", backend.rawValue, "--",
                                                "/bin/sh", "-c", job], timeout: 60).run()
        #expect(String(decoding: signalled.stdout, as: UTF8.self) == "monitor:1\ngate:1\n", "\(signalled.stderr)")
        #expect(signalled.status == Self.blocking, "nothing was stopped, both attempts fired: \(signalled.stderr)")
        #expect(signalled.stderr.components(separatedBy: "Attack on the gate by sh: kill aimed at tollgate").count == 3,
                "\(signalled.stderr)")
    }

    static let groupAttack = EndToEnd.repository.appendingPathComponent("Tests/Fixtures/gate-attacks/signal_the_gate_group.sh")

    /// The job runs in a process group of its own (its standard streams are no terminal here),
    /// so `kill 0` is its own affair; a signal to the gate's group is refused and a finding.
    @Test(arguments: [GateBackend.ptrace, .seccomp])
    func aSignalToTheGatesGroupIsRefused(_ backend: GateBackend) throws {
        try EndToEnd.skipUnlessRunnable(backend, needsRoot: false)
        let outcome = try GateRun(arguments: ["run", "--no-config", "--backend", backend.rawValue, "--",
                                              "/bin/sh", Self.groupAttack.path], timeout: 60).run()
        let fields = String(decoding: outcome.stdout, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" })
        #expect(fields.count == 3 && fields[0] != "own=" + fields[1].dropFirst(5), "its own group: \(fields)")
        #expect(fields.last == "group:1", "\(outcome.stderr)")
        #expect(outcome.status == Self.blocking, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("Attack on the gate by sh: kill aimed at tollgate"), "\(outcome.stderr)")
    }

    static let untrack = EndToEnd.repository.appendingPathComponent("Tests/Fixtures/gate-attacks/untrack_myself.py")

    /// A root job that finds the eBPF capture's `tracked` map by id and deletes its own pid is
    /// refused (the map is frozen for bpf(2) once the job is in it): the key it then reads is
    /// seen, and its bpf(2) calls are findings too.
    @Test func aRootJobCannotUntrackItselfUnderEBPF() throws {
        try EndToEnd.skipUnlessRunnable(.ebpf, needsRoot: true)
        let scratch = try Scratch()
        defer { scratch.remove() }
        try FileManager.default.createDirectory(at: scratch.url.appendingPathComponent(".ssh"), withIntermediateDirectories: true)
        let key = try scratch.write(".ssh/id_rsa", "not a key\n")
        let outcome = try GateRun(arguments: ["run", "--no-config", "--backend", "ebpf", "--", "python3", Self.untrack.path, key.path],
                                  timeout: 60).run()
        #expect(String(decoding: outcome.stdout, as: UTF8.self) == "delete=Operation not permitted\n", "\(outcome.stderr)")
        #expect(outcome.status == Self.blocking, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("ERROR CI BPF use by the job: bpf(2) BPF_MAP_DELETE_ELEM by python3"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("SSH private key read by python3"), "the job stayed tracked: \(outcome.stderr)")
    }

    static let detachLinks = "Tests/Fixtures/gate-attacks/detach_links.c"

    /// A root job that opens every BPF link by id and asks the kernel to detach it is refused
    /// (tracepoint links cannot be detached: EOPNOTSUPP; the gate holds their fds), so the
    /// capture keeps seeing it: with the bpf(2) rule turned off, the key it reads afterwards is
    /// still a finding.
    @Test func aRootJobCannotDetachTheCaptureUnderEBPF() throws {
        try EndToEnd.skipUnlessRunnable(.ebpf, needsRoot: true)
        let scratch = try Scratch()
        defer { scratch.remove() }
        try FileManager.default.createDirectory(at: scratch.url.appendingPathComponent(".ssh"), withIntermediateDirectories: true)
        let key = try scratch.write(".ssh/id_rsa", "not a key\n")
        let quiet = try scratch.write("no-bpf-rule.yaml", """
            - rule: CI BPF use by the job
              enabled: false
              override:
                enabled: replace
            """)
        let program = try CFixture.compile(Self.detachLinks, to: scratch.url.appendingPathComponent("detach_links"), flags: ["-O1"])
        let rules = EndToEnd.repository.appendingPathComponent("rules").path
        let outcome = try GateRun(arguments: ["run", "--no-config", "--backend", "ebpf", "--rules", rules, "--rules", quiet.path, "--",
                                              program.path, key.path], timeout: 60).run()
        let counts = outcome.stderr.split(separator: "\n").first { $0.hasPrefix("links ") } ?? ""
        #expect(counts.hasSuffix(" detached 0") && !counts.hasPrefix("links 0 "), "every link found, none detached: \(outcome.stderr)")
        #expect(outcome.stderr.contains("read 10"), "\(outcome.stderr)")
        #expect(outcome.status == Self.blocking, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("SSH private key read by detach_links"), "the capture still saw the job: \(outcome.stderr)")
        #expect(!outcome.stderr.contains("CI BPF use by the job"))
    }

    static let memoryOpen = EndToEnd.repository.appendingPathComponent("Tests/Fixtures/gate-attacks/open_the_gate_memory.py")

    /// A root job may open the gate's memory (it has CAP_SYS_PTRACE), then write its verdict
    /// into it, through /proc or a procfs it mounts elsewhere. seccomp refuses the open; ptrace
    /// and eBPF kill the caller before it returns.
    @Test(arguments: GateBackend.allCases, [false, true])
    func aRootJobCannotOpenTheGatesMemory(_ backend: GateBackend, throughItsOwnProcfs: Bool) throws {
        try EndToEnd.skipUnlessRunnable(backend, needsRoot: true)
        let scratch = try Scratch()
        defer { scratch.remove() }
        let job = throughItsOwnProcfs
            ? ["unshare", "-m", "/bin/sh", "-c", "mount -t proc proc \"$0\" && exec python3 \"$1\" \"$0\"", scratch.url.path, Self.memoryOpen.path]
            : ["python3", Self.memoryOpen.path]
        let outcome = try GateRun(arguments: ["run", "--no-config", "--backend", backend.rawValue, "--"] + job, timeout: 60).run()
        let printed = String(decoding: outcome.stdout, as: UTF8.self)
        if backend == .seccomp {
            #expect(printed == "open=Operation not permitted\n", "\(printed) \(outcome.stderr)")
        } else {
            #expect(printed.isEmpty, "the caller dies before the open returns: \(printed)")
            #expect(outcome.stderr.contains("job killed by signal 9"), "\(outcome.stderr)")
        }
        #expect(outcome.status == Self.blocking, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("Attack on the gate by python3: openat aimed at tollgate"), "\(outcome.stderr)")
    }

    static let procDirectorySignal = EndToEnd.repository.appendingPathComponent("Tests/Fixtures/gate-attacks/signal_through_proc_dir.py")

    /// A signal sent through a pidfd names no pid in the call: each backend resolves the fd
    /// (here an opened `/proc/<gate>` directory, which pidfd_send_signal accepts) to its process.
    @Test(arguments: GateBackend.allCases)
    func aSignalThroughAnOpenedProcDirectoryIsAnAttack(_ backend: GateBackend) throws {
        try EndToEnd.skipUnlessRunnable(backend, needsRoot: true)
        let outcome = try GateRun(arguments: ["run", "--no-config", "--backend", backend.rawValue, "--",
                                              "python3", Self.procDirectorySignal.path], timeout: 60).run()
        let printed = String(decoding: outcome.stdout, as: UTF8.self)
        if backend == .ebpf {
            #expect(printed.isEmpty, "the caller dies before it returns: \(printed)")
            #expect(outcome.stderr.contains("job killed by signal 9"), "\(outcome.stderr)")
        } else {
            #expect(printed == "signal=Operation not permitted\n", "refused: \(printed) \(outcome.stderr)")
        }
        #expect(outcome.status == Self.blocking, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("Attack on the gate by python3: pidfd_send_signal aimed at tollgate"), "\(outcome.stderr)")
    }

    /// eBPF cannot refuse the call here, but kills its caller, and the run fails with the finding.
    @Test(arguments: ["trace", "group"])
    func underEBPFTheAttackerDiesAndTheRunFails(_ attack: String) throws {
        try EndToEnd.skipUnlessRunnable(.ebpf, needsRoot: true)
        let command = attack == "trace" ? ["python3", Self.attack.path] : ["/bin/sh", Self.groupAttack.path]
        let outcome = try GateRun(arguments: ["run", "--no-config", "--backend", "ebpf", "--"] + command, timeout: 60).run()
        #expect(outcome.status == Self.blocking, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("CRITICAL CI Attack on the gate"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("job killed by signal 9"), "the attacker was killed: \(outcome.stderr)")
        #expect(!String(decoding: outcome.stdout, as: UTF8.self).contains("group:0"), "\(outcome.stdout)")
    }
}
