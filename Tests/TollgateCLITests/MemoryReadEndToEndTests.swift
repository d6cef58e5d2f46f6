import Foundation
import Testing

/// The ptrace and seccomp backends read the job's memory by another way when
/// `process_vm_readv` is refused, as in a default Docker container, and a payload they cannot
/// read by any way fails the run closed (issue 29). The refusals are real: the gate runs under
/// `scripts/refuse-memory-reads`, a seccomp filter installed on it before it starts and
/// inherited by its monitor and the job.
@Suite(.serialized)
struct MemoryReadEndToEndTests {
    static let refuse = EndToEnd.repository.appendingPathComponent("scripts/refuse-memory-reads").path
    static let keyRead = EndToEnd.repository.appendingPathComponent("Tests/Fixtures/attacks/read_ssh_key.sh").path
    static let monitorBackends: [GateBackend] = [.ptrace, .seccomp]

    struct Fallback: Sendable, CustomTestStringConvertible {
        /// What the filter refuses (`refuse-memory-reads` mode).
        let refused: String
        let backend: GateBackend
        /// The method the monitor falls back to.
        let method: String
        var testDescription: String { "\(backend), \(refused) refused: \(method)" }
    }

    static let fallbacks = [
        Fallback(refused: "vm", backend: .ptrace, method: "/proc/<pid>/mem"),
        Fallback(refused: "vm", backend: .seccomp, method: "/proc/<pid>/mem"),
        Fallback(refused: "mem", backend: .ptrace, method: "PTRACE_PEEKDATA"),
    ]

    /// Case 1: the key read is caught with the right fd.name and proc.name, as without the filter.
    @Test(arguments: fallbacks)
    func keyReadIsCaughtThroughTheFallback(_ fallback: Fallback) throws {
        try EndToEnd.skipUnlessRunnable(fallback.backend, needsRoot: false)
        let scratch = try Scratch()
        defer { scratch.remove() }
        let json = scratch.url.appendingPathComponent("findings.json")
        let outcome = try GateRun(arguments: ["run", "--backend", fallback.backend.rawValue, "--json", json.path, "--",
                                              "/bin/sh", Self.keyRead, scratch.url.path],
                                  wrapper: [Self.refuse, fallback.refused], timeout: 60).run()
        #expect(outcome.status == 3, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("memory reads through \(fallback.method) (process_vm_readv refused: EPERM"),
                "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("could not be read"), "\(outcome.stderr)")
        let lines = try FalcoJSONFile(json).lines(for: "CI Read SSH private key")
        #expect(lines.count == 1, "\(outcome.stderr)")
        let fields = lines.first?.outputFields ?? [:]
        #expect(fields["fd.name"] as? String == scratch.url.path + "/home/.ssh/id_ed25519", "\(fields)")
        #expect(fields["proc.name"] as? String == "cat", "\(fields)")
        #expect(fields["proc.exepath"] as? String == "/usr/bin/cat", "\(fields)")
    }

    /// Case 2: no method works. The backend asked for by name still runs, sees no path, and the
    /// run fails closed with the reason on standard error and in every report, also when
    /// analysed again from its capture; `--tolerate-drops` accepts it.
    @Test(arguments: monitorBackends)
    func everyMethodRefusedFailsClosed(on backend: GateBackend) throws {
        try EndToEnd.skipUnlessRunnable(backend, needsRoot: false)
        let scratch = try Scratch()
        defer { scratch.remove() }
        func report(_ name: String) -> URL { scratch.url.appendingPathComponent(name) }
        let outcome = try GateRun(arguments: ["run", "--backend", backend.rawValue, "--capture", report("run.tgcap").path,
                                              "--junit", report("junit.xml").path, "--sarif", report("run.sarif").path,
                                              "--summary", report("summary.md").path, "--",
                                              "/bin/sh", Self.keyRead, scratch.url.path],
                                  wrapper: [Self.refuse, "all"], timeout: 60).run()
        #expect(outcome.status == 3, "\(outcome.stderr)")
        let reason = /tollgate: error: \d+ events had a payload that could not be read from the job's memory \(values unknown\): this run cannot pass \(use --tolerate-drops to accept it\)\n/
        #expect(outcome.stderr.contains(reason), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("memory reads: none (process_vm_readv refused: EPERM; /proc/<pid>/mem refused: EPERM"),
                "\(outcome.stderr)")
        let sentence = "events had a payload (a path, an address, a command line) that could not be read from the job's memory"
        let junit = (try? String(contentsOf: report("junit.xml"), encoding: .utf8)) ?? ""
        #expect(junit.contains(sentence) && junit.contains("<error type=\"tracer\""), "\(junit)")
        let sarif = (try? String(contentsOf: report("run.sarif"), encoding: .utf8)) ?? ""
        #expect(sarif.contains("tollgate/unreadable-payloads") && sarif.contains(sentence), "\(sarif)")
        let summary = (try? String(contentsOf: report("summary.md"), encoding: .utf8)) ?? ""
        #expect(summary.hasPrefix("## tollgate: failed") && summary.contains(sentence), "\(summary)")

        let analysed = try GateRun(arguments: ["analyze", report("run.tgcap").path], timeout: 60).run()
        #expect(analysed.status == 3, "\(analysed.stderr)")
        #expect(analysed.stderr.contains(reason), "\(analysed.stderr)")

        let tolerated = try GateRun(arguments: ["run", "--backend", backend.rawValue, "--tolerate-drops", "--",
                                                "/bin/sh", Self.keyRead, scratch.url.path],
                                    wrapper: [Self.refuse, "all"], timeout: 60).run()
        // ptrace still names the opened file without the job's memory (from /proc/<tid>/fd at the
        // open's exit), so the key read blocks even when the unreadable payloads are tolerated;
        // seccomp looks the path up from the string it could not read: only the job's status.
        let expected: Int32 = backend == .ptrace ? 3 : 0
        #expect(tolerated.status == expected, "\(tolerated.stderr)")
        #expect((backend == .ptrace) == tolerated.stderr.contains("CI Read SSH private key"), "\(tolerated.stderr)")
        #expect(tolerated.stderr.contains("with unreadable payloads"), "\(tolerated.stderr)")
    }

    /// A call that failed (here with EFAULT: the kernel could not read that memory either) did
    /// nothing: on ptrace, which sees the result, it is not damage; seccomp sees no result, so
    /// it fails closed.
    @Test(arguments: monitorBackends)
    func aCallThatFaultedIsDamageOnlyWhenItsResultIsUnknown(on backend: GateBackend) throws {
        try EndToEnd.skipUnlessRunnable(backend, needsRoot: false)
        let badPointer = "import ctypes; libc = ctypes.CDLL(None); assert libc.open(ctypes.c_void_p(8), 0) == -1"
        let outcome = try GateRun(arguments: ["run", "--backend", backend.rawValue, "--", "python3", "-c", badPointer],
                                  timeout: 60).run()
        #expect(outcome.status == (backend == .ptrace ? 0 : 3), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("1 with unreadable payloads") == (backend == .seccomp), "\(outcome.stderr)")
    }

    // MARK: doctor

    struct DoctorReport: Decodable {
        struct Check: Decodable { let ok: Bool; let detail: String }
        struct Backend: Decodable { let backend: String; let available: Bool; let reason: String }
        let ptraceMemory: Check?
        let seccompMemory: Check?
        let backends: [Backend]
        let automaticBackend: String?
    }

    static func doctor(refusing mode: String?, asNobody: Bool = false) throws -> (TollgateBinary.Outcome, DoctorReport) {
        let executable = asNobody ? try TollgateBinary.copyForOtherUsers() : TollgateBinary.url
        defer { if asNobody { try? FileManager.default.removeItem(at: executable.deletingLastPathComponent()) } }
        let wrapper = (asNobody ? DoctorCommandTests.nobody : []) + (mode.map { [refuse, $0] } ?? [])
        let outcome = try TollgateBinary.run(["doctor", "--json"], through: wrapper, executable: executable)
        return (outcome, try JSONDecoder().decode(DoctorReport.self, from: Data(outcome.stdout.utf8)))
    }

    @Test func doctorSaysWhichMethodReadsTheChildsMemory() throws {
        let (_, plain) = try Self.doctor(refusing: nil)
        #expect(plain.ptraceMemory?.detail == "process_vm_readv" && plain.seccompMemory?.detail == "process_vm_readv",
                "\(plain)")
        let (_, refused) = try Self.doctor(refusing: "vm")
        for check in [refused.ptraceMemory, refused.seccompMemory] {
            #expect(check?.ok == true && check?.detail == "/proc/<pid>/mem (process_vm_readv refused: EPERM)", "\(refused)")
        }
        #expect(refused.backends.filter { $0.backend != "ebpf" }.allSatisfy { $0.available }, "\(refused.backends)")
        let (_, peek) = try Self.doctor(refusing: "mem")
        #expect(peek.ptraceMemory?.detail == "PTRACE_PEEKDATA (process_vm_readv refused: EPERM; /proc/<pid>/mem refused: EPERM)",
                "\(peek)")
        #expect(peek.seccompMemory?.ok == false, "\(peek)")
    }

    @Test func doctorCallsABackendThatReadsNothingUnavailable() throws {
        let (_, report) = try Self.doctor(refusing: "all")
        for backend in ["ptrace", "seccomp"] {
            let status = try #require(report.backends.first { $0.backend == backend })
            #expect(!status.available, "\(status)")
            #expect(status.reason.hasPrefix("reading the job's memory failed: none (process_vm_readv refused: EPERM"), "\(status)")
        }
        #expect(report.automaticBackend != "ptrace" && report.automaticBackend != "seccomp")
    }

    /// As nobody (no CAP_SYS_PTRACE, like a container's non-root user) with process_vm_readv
    /// refused, the probe still reads its child through /proc/<pid>/mem and auto chooses ptrace.
    @Test(.enabled(if: getuid() == 0, "needs root: switches to the nobody user with setpriv"))
    func nobodyReadsThroughProcMem() throws {
        let (outcome, report) = try Self.doctor(refusing: "vm", asNobody: true)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(report.ptraceMemory?.detail == "/proc/<pid>/mem (process_vm_readv refused: EPERM)", "\(report)")
        #expect(report.seccompMemory?.detail == "/proc/<pid>/mem (process_vm_readv refused: EPERM)", "\(report)")
        #expect(report.automaticBackend == "ptrace", "\(report)")
    }

    /// Without eBPF (as nobody) and with every read refused, `auto` has nothing to choose: doctor
    /// and run exit 69 rather than run blind.
    @Test(.enabled(if: getuid() == 0, "needs root: switches to the nobody user with setpriv"))
    func autoDoesNotChooseABackendThatReadsNothing() throws {
        let (outcome, report) = try Self.doctor(refusing: "all", asNobody: true)
        #expect(report.automaticBackend == nil, "\(report)")
        #expect(outcome.status == 69)
        let copy = try TollgateBinary.copyForOtherUsers()
        defer { try? FileManager.default.removeItem(at: copy.deletingLastPathComponent()) }
        let run = try TollgateBinary.run(["run", "--", "/bin/true"], through: DoctorCommandTests.nobody + [Self.refuse, "all"],
                                         executable: copy)
        #expect(run.status == 69, "\(run.stderr)")
        #expect(run.stderr.contains("ptrace unavailable: no way of reading the job's memory works here"), "\(run.stderr)")
    }
}
