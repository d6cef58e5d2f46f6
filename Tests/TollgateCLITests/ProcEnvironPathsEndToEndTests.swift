import Foundation
import Testing

/// Reading another process's environment through path forms that fold differently as text
/// than through /proc's symlinks (`/proc/thread-self/../../../PID/environ`,
/// `/proc/self/root/proc/PID/environ`) is still `CI Read another process memory or
/// environment`, on every backend.
@Suite(.enabled(if: getuid() == 0, "needs root for eBPF and to switch to nobody"))
struct ProcEnvironPathsEndToEndTests {
    static let forms = ["/proc/thread-self/../../../$victim/environ", "/proc/self/root/proc/$victim/environ"]
    static let cases: [(GateBackend, Bool)] = [(.ebpf, false), (.ptrace, false), (.seccomp, false), (.ptrace, true), (.seccomp, true)]

    @Test(arguments: cases)
    func anotherProcessEnvironmentThroughFoldedPathsFires(_ backend: GateBackend, asNobody: Bool) throws {
        try EndToEnd.skipUnlessRunnable(backend, needsRoot: false)
        let executable = asNobody ? try TollgateBinary.copyForOtherUsers() : TollgateBinary.url
        for form in Self.forms {
            let job = "sleep 30 & victim=$!; cat \(form) > /dev/null; kill $victim"
            let outcome = try GateRun(arguments: ["run", "--no-config", "--backend", backend.rawValue, "--", "/bin/sh", "-c", job],
                                      wrapper: asNobody ? DoctorCommandTests.nobody : [], executable: executable,
                                      workingDirectory: URL(fileURLWithPath: "/tmp"), timeout: 60).run()
            #expect(outcome.status == 3, "\(backend) \(form): \(outcome.stderr)")
            #expect(outcome.stderr.contains("CI Read another process memory or environment: Memory or environment of another process read by cat"),
                    "\(backend) \(form): \(outcome.stderr)")
        }
    }
}
