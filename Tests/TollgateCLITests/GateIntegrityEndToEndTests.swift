import Foundation
import Testing

/// The job cannot trace the gate or its capture monitor, nor open their memory, when it runs
/// without `CAP_SYS_PTRACE` (as the same user as the gate): both are not dumpable. Under the
/// ptrace and seccomp backends even a root job cannot trace or signal them: its seccomp filter
/// refuses calls aimed at their pids.
///
/// Known blind spots, not closed yet (issue #21): a root job opening `/proc/<gate>/mem`
/// (CAP_SYS_PTRACE; the filter cannot read paths), `tkill` of a gate thread other than the main
/// one, a signal to the whole process group (`kill 0`, the job shares the gate's), and every
/// such attack under the eBPF backend, which installs no filter.
@Suite(.enabled(if: getuid() == 0, "needs root to switch to the nobody user"))
struct GateIntegrityEndToEndTests {
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
            #expect(entry.contains("mem=Permission denied"), "\(entry)")
        }
    }

    @Test(arguments: [GateBackend.ptrace, .seccomp])
    func aRootJobCannotTraceOrSignalTheGate(_ backend: GateBackend) throws {
        try EndToEnd.skipUnlessRunnable(backend, needsRoot: false)
        let traced = try GateRun(arguments: ["run", "--no-config", "--backend", backend.rawValue, "--quiet", "--",
                                             "python3", Self.attack.path], timeout: 60).run()
        let gateProcesses = String(decoding: traced.stdout, as: UTF8.self).split(separator: "\n")
            .filter { $0.split(separator: ":").dropFirst().first == "tollgate" }
        #expect(gateProcesses.count == 2, "\(traced.stderr)")
        for entry in gateProcesses {
            #expect(entry.contains("seize=Operation not permitted"), "\(entry)")
        }
        // SIGSTOP to the monitor (the job's parent) and to the gate (its grandparent) is refused.
        let job = """
            monitor=$PPID; gate=$(cut -d' ' -f4 /proc/$monitor/stat)
            kill -STOP $monitor 2>/dev/null; echo "monitor:$?"; kill -STOP $gate 2>/dev/null; echo "gate:$?"
            """
        let signalled = try GateRun(arguments: ["run", "--no-config", "--backend", backend.rawValue, "--quiet", "--",
                                                "/bin/sh", "-c", job], timeout: 60).run()
        #expect(String(decoding: signalled.stdout, as: UTF8.self) == "monitor:1\ngate:1\n", "\(signalled.stderr)")
        #expect(signalled.status == 0, "nothing was stopped, nothing fired: \(signalled.stderr)")
    }
}
