import CTollgate
import Foundation
import Testing
import TollgateEvents
@testable import TollgateCapture

/// Real jobs under the backends that need no privileges (ptrace and seccomp), so these run
/// everywhere. Each case runs under both; `SeccompBackendTests` has what differs.
enum UnprivilegedJobs {
    static let names = SyscallTable.stateSyscallNames.union(["openat", "open", "getppid"])

    static func backend(_ kind: BackendKind, names: Set<String> = names) throws -> CaptureBackend {
        switch kind {
        case .ptrace: try PtraceBackend(syscallNames: names)
        case .seccomp: try SeccompBackend(syscallNames: names)
        case .ebpf: try EBPFBackend(syscallNames: names)
        }
    }

    static func run(_ kind: BackendKind, _ command: [String], grace: Double = 10,
                    names: Set<String> = names) throws -> (CaptureResult, RecordingSink) {
        let sink = RecordingSink()
        let job = JobSpec(command: command, environment: ["PATH=/usr/bin:/bin", "TOLLGATE_TEST=1"],
                          workingDirectory: FileManager.default.currentDirectoryPath)
        let result = try backend(kind, names: names).run(job, grace: GracePeriod(seconds: grace), sink: sink)
        return (result, sink)
    }

    static func sh(_ kind: BackendKind, _ script: String, grace: Double = 10) throws -> (CaptureResult, RecordingSink) {
        try run(kind, ["/bin/sh", "-c", script], grace: grace)
    }

    static func argv(_ event: RawEvent) -> [String]? {
        event.payload(.argv).map { $0.bytes.split(separator: 0).map { String(decoding: $0, as: UTF8.self) } }
    }
}

/// The two unprivileged backends, for tables of cases.
let unprivilegedBackends: [BackendKind] = [.ptrace, .seccomp]

@Suite(.serialized)
struct PtraceBackendTests {
    @Test(arguments: unprivilegedBackends)
    func capturesOpensExecsForksAndTheExitStatus(_ kind: BackendKind) throws {
        let (result, sink) = try UnprivilegedJobs.sh(kind, "cat /etc/hostname > /dev/null; exit 7")
        #expect(result.outcome.termination == .exited(7))
        #expect(result.coverage.malformed == 0)
        #expect(sink.opened("/etc/hostname"))
        let cat = try #require(sink.execs(of: "/usr/bin/cat").first ?? sink.execs(of: "/bin/cat").first)
        #expect(UnprivilegedJobs.argv(cat) == ["cat", "/etc/hostname"])
        #expect(cat.payload(.env)?.string?.contains("TOLLGATE_TEST=1") == true)
        #expect(!sink.syscalls(named: "getppid").isEmpty, "sh reads its PPID with getppid()")
        #expect(sink.events.contains { $0.kind == .processFork && $0.pid == sink.startedPid })
        #expect(sink.events.contains { $0.kind == .processExit && $0.pid == sink.startedPid })
        #expect(sink.events.allSatisfy { $0.kind != .syscall || UnprivilegedJobs.names.contains(SyscallTable.info(arch: .native, number: $0.syscall)?.name ?? "") })
        #expect(sink.events.count == Int(result.coverage.events))
        let execves = Set(SyscallTable.numbers(forNames: ["execve", "execveat"]))
        #expect(!sink.events.contains { $0.kind == .syscall && execves.contains($0.syscall) && $0.pid == cat.pid },
                "a successful exec is told once, by its exec record")
    }

    /// Paths are read in a short first piece, then the rest: both pieces must arrive.
    @Test(arguments: unprivilegedBackends, [10, 255, 256, 300, 4000, 5000])
    func pathsOfEveryLengthAreReadWhole(_ kind: BackendKind, length: Int) throws {
        let path = "/nonexistent/" + String(repeating: "p", count: length)
        let (_, sink) = try UnprivilegedJobs.sh(kind, "cat '\(path)' 2>/dev/null; exit 0")
        let expected = String(path.prefix(4095))
        let opens = sink.syscalls(named: "openat").filter { $0.payload(.arg(1))?.string?.hasPrefix("/nonexistent/pp") == true }
        #expect(!opens.isEmpty)
        #expect(opens.allSatisfy { $0.payload(.arg(1))?.string == expected }, "\(opens.map { $0.payload(.arg(1))?.count ?? -1 })")
        #expect(opens.allSatisfy { $0.flags.contains(.payloadTruncated) == (path.utf8.count >= 4096) })
    }

    @Test(arguments: unprivilegedBackends)
    func aFailedExecIsStatus127(_ kind: BackendKind) throws {
        let (result, _) = try UnprivilegedJobs.run(kind, ["/nonexistent/tool"], grace: 1)
        #expect(result.outcome.termination == .exited(127))
    }

    @Test(arguments: unprivilegedBackends)
    func aDaemonThatOutlivesTheMainProcessIsSeen(_ kind: BackendKind) throws {
        let (result, sink) = try UnprivilegedJobs.sh(kind, "setsid sh -c 'sleep 0.3; cat /etc/hostname > /dev/null' & exit 0")
        #expect(result.outcome.termination == .exited(0))
        #expect(sink.opened("/etc/hostname"))
        #expect(result.outcome.killedDescendants.isEmpty)
    }

    @Test(arguments: unprivilegedBackends)
    func descendantsStillRunningAfterTheGraceAreKilled(_ kind: BackendKind) throws {
        let started = ContinuousClock.now
        let (result, _) = try UnprivilegedJobs.sh(kind, "sleep 30 & exit 0", grace: 0.3)
        #expect(result.outcome.termination == .exited(0))
        #expect(result.outcome.killedDescendants.count == 1)
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test(arguments: unprivilegedBackends)
    func aThousandChildrenAreAllAttributed(_ kind: BackendKind) throws {
        let (result, sink) = try UnprivilegedJobs.sh(kind, "i=0; while [ $i -lt 1000 ]; do /bin/true; i=$((i+1)); done")
        #expect(result.outcome.termination == .exited(0))
        let truePids = Set(sink.execs(of: "/bin/true").map(\.pid))
        #expect(truePids.count == 1000)
    }

    @Test(arguments: unprivilegedBackends)
    func syscallsOutsideTheSetAreNeverDelivered(_ kind: BackendKind) throws {
        let (_, sink) = try UnprivilegedJobs.run(kind, ["/bin/sh", "-c", "cat /etc/hostname >/dev/null"], grace: 1,
                                                 names: SyscallTable.stateSyscallNames)
        #expect(!SyscallTable.stateSyscallNames.contains("getppid"))
        #expect(sink.syscalls(named: "getppid").isEmpty, "sh calls getppid(), but it was not asked for")
        #expect(sink.events.allSatisfy { $0.kind != .syscall || SyscallTable.stateSyscallNames.contains(SyscallTable.info(arch: .native, number: $0.syscall)?.name ?? "") })
        #expect(!sink.events.isEmpty)
    }

    @Test(arguments: unprivilegedBackends)
    func threadsAreAttributedToTheirProcess(_ kind: BackendKind) throws {
        let script = """
        import threading
        def work(i):
            for _ in range(20):
                open("/etc/hostname").close()
        threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
        [t.start() for t in threads]
        [t.join() for t in threads]
        """
        let (result, sink) = try UnprivilegedJobs.run(kind, ["/usr/bin/env", "python3", "-c", script])
        #expect(result.outcome.termination == .exited(0))
        let python = try #require(sink.events.last { $0.kind == .processExec && UnprivilegedJobs.argv($0)?.first?.hasPrefix("python3") == true })
        let threadForks = sink.events.filter { $0.kind == .processFork && $0.args[0] & 0x10000 != 0 && $0.pid == python.pid }
        #expect(threadForks.count >= 4)
        let opens = sink.syscalls(named: "openat").filter { $0.payload(.arg(1))?.string == "/etc/hostname" }
        #expect(opens.count == 80)
        #expect(opens.allSatisfy { $0.pid == python.pid })
        #expect(Set(opens.map(\.tid)).isSubset(of: Set(threadForks.map { Int32($0.returnValue) })))
    }

    @Test(arguments: unprivilegedBackends)
    func anExecFromAThreadBecomesTheProcess(_ kind: BackendKind) throws {
        let script = "import os, threading, time\nthreading.Thread(target=lambda: os.execv('/bin/sh', ['sh', '-c', 'exit 5'])).start()\ntime.sleep(10)"
        let (result, sink) = try UnprivilegedJobs.run(kind, ["/usr/bin/env", "python3", "-c", script])
        #expect(result.outcome.termination == .exited(5))
        let exec = try #require(sink.execs(of: "/bin/sh").first)
        #expect(exec.pid == exec.tid, "after exec the thread has the leader's tid")
        #expect(UnprivilegedJobs.argv(exec) == ["sh", "-c", "exit 5"])
    }

    /// What a shell prints for each case when nothing observes it. (Not measured with a bare
    /// Foundation `Process`: that inherits the test runner's blocked signals.) A stopped tracee
    /// reads as 't' (tracing stop) in /proc rather than 'T': the one difference ptrace shows.
    static let signalCases: [(script: String, output: Set<String>)] = [
        ("trap 'echo got' USR1; kill -USR1 $$; echo after", ["got\nafter\n"]),
        ("sleep 5 & p=$!; kill -STOP $p; sleep 0.2; ps -o stat= -p $p | cut -c1; kill -CONT $p; sleep 0.1; ps -o stat= -p $p | cut -c1; kill $p; wait $p; echo $?",
         ["T\nS\n143\n", "t\nS\n143\n"]),
        ("(exit 3); echo $?; sh -c 'kill -TERM $$'; echo $?", ["3\n143\n"]),
    ]

    /// The job's output and status are those of an untraced run. (The job opens its output
    /// file itself: a descriptor inherited from this test process can be marked close-on-exec
    /// by a concurrent Foundation `Process` launch.)
    @Test(arguments: unprivilegedBackends, signalCases.indices)
    func signalsAndStopsBehaveAsUntraced(_ kind: BackendKind, case index: Int) throws {
        let (script, expected) = Self.signalCases[index]
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-\(kind)-\(UUID().uuidString)").path
        defer { unlink(path) }
        let (result, _) = try UnprivilegedJobs.run(kind, ["/bin/sh", "-c", "exec 1>'\(path)'; \(script)"])
        let output = try String(contentsOfFile: path, encoding: .utf8)
        #expect(expected.contains(output), "\(script)")
        #expect(result.outcome.termination == .exited(0))
    }

    /// A gate that goes away mid-run leaves no job running unobserved, and no hang.
    @Test(arguments: unprivilegedBackends)
    func closingTheMonitorMidRunEndsTheJob(_ kind: BackendKind) throws {
        var config = BPFCaptureConfig.make(syscallNames: UnprivilegedJobs.names)
        var error = [CChar](repeating: 0, count: 256)
        let argv = [strdup("/bin/sleep"), strdup("30"), nil]
        defer { argv.forEach { free($0) } }
        let envp: [UnsafeMutablePointer<CChar>?] = [nil]
        let mode = kind == .seccomp ? TG_MONITOR_SECCOMP : TG_MONITOR_PTRACE
        let monitor = try #require(tg_monitor_start(mode, "/bin/sleep", argv, envp, &config, nil, nil, 10, &error, error.count))
        let pid = tg_monitor_summary(monitor).pointee.job_pid
        #expect(tg_monitor_release(monitor) == 0)
        _ = tg_monitor_poll(monitor, 200, nil, nil)
        #expect(kill(pid, 0) == 0, "the job runs")
        let started = ContinuousClock.now
        tg_monitor_close(monitor)
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(kill(pid, 0) != 0, "the job was killed and reaped with the monitor")
    }
}

/// The same suites with the gate running as `nobody` without capabilities, as on a locked
/// down runner: the test binary re-runs itself under setpriv.
struct UnprivilegedBackendsAsNobodyTests {
    static let setpriv = ["/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--inh-caps=-all"]
    static var testBinary: String { URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path }

    static func runAsNobody(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: setpriv[0])
        child.arguments = Array(setpriv.dropFirst()) + arguments
        child.currentDirectoryURL = URL(fileURLWithPath: "/tmp")
        let pipe = Pipe()
        child.standardOutput = pipe
        child.standardError = pipe
        try child.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        child.waitUntilExit()
        return (child.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    /// Root can switch to nobody, and nobody can run this test binary (its folders allow it).
    static var possible: Bool {
        getuid() == 0 && FileManager.default.isExecutableFile(atPath: setpriv[0])
            && (try? runAsNobody(["/bin/sh", "-c", "test -x '\(testBinary)'"]).status) == 0
    }

    @Test(.enabled(if: possible, "needs root to switch to nobody, setpriv, and a test binary nobody may run"))
    func theUnprivilegedSuitesPassAsNobody() throws {
        let (status, output) = try Self.runAsNobody([Self.testBinary, "--testing-library", "swift-testing",
                                                     "--filter", "PtraceBackendTests|SeccompBackendTests"])
        let issues = output.split(separator: "\n").filter { $0.contains("recorded an issue") || $0.contains("tollgate: ") }
        #expect(status == 0, "issues:\n\(issues.joined(separator: "\n"))\nend of the output:\n\(output.suffix(3000))")
        #expect(output.contains("PtraceBackendTests"), "the nested run ran the suites")
    }
}
