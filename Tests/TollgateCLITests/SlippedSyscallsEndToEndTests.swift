import Foundation
import Testing

/// Issue 21's "syscalls that slipped through" and "command lines": the attack jobs under
/// `Tests/Fixtures/attacks/` that once ended with exit 0 on every backend (openat2, fcntl
/// F_DUPFD, io_uring, a pool URL past the old 4 KiB command-line cut, a network tool whose
/// command line is longer than any capture copies), each run under `tollgate run` with the
/// default rules on every backend as root, and on ptrace and seccomp as `nobody` too. Each must
/// end with exit 3 and its rule.
@Suite(.serialized)
struct SlippedSyscallsEndToEndTests {
    struct Attack: Sendable, CustomTestStringConvertible {
        let job: String
        let rule: String
        var testDescription: String { job }
    }

    static let attacks: [Attack] = [
        Attack(job: "openat2_read_ssh_key", rule: "CI Read SSH private key"),
        Attack(job: "openat2_write_shell_profile", rule: "CI Shell profile modified"),
        Attack(job: "fcntl_dupfd_reverse_shell", rule: "CI Reverse shell"),
        Attack(job: "io_uring_setup", rule: "CI io_uring set up"),
        Attack(job: "crypto_miner_long_argument", rule: "CI Crypto miner activity"),
        Attack(job: "network_tool_command_line_cut", rule: "CI Network tool with a cut command line"),
    ]

    /// Who runs the gate (and so the job): root on every backend, `nobody` where it can capture.
    enum Runner: String, Sendable, CaseIterable, CustomTestStringConvertible {
        case ebpfAsRoot = "ebpf as root", ptraceAsRoot = "ptrace as root", seccompAsRoot = "seccomp as root"
        case ptraceAsNobody = "ptrace as nobody", seccompAsNobody = "seccomp as nobody"
        var testDescription: String { rawValue }
        var backend: GateBackend {
            switch self {
            case .ebpfAsRoot: .ebpf
            case .ptraceAsRoot, .ptraceAsNobody: .ptrace
            case .seccompAsRoot, .seccompAsNobody: .seccomp
            }
        }
        var asNobody: Bool { self == .ptraceAsNobody || self == .seccompAsNobody }
    }

    @Test(.enabled(if: EndToEnd.isRoot, "needs root: captures as root, and switches to nobody with setpriv"),
          arguments: attacks, Runner.allCases)
    func attackFailsTheGate(_ attack: Attack, _ runner: Runner) throws {
        try EndToEnd.skipUnlessRunnable(runner.backend, needsRoot: false)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-slipped-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o777])
        defer { try? FileManager.default.removeItem(at: scratch) }
        let copy = runner.asNobody ? try TollgateBinary.copyForOtherUsers() : TollgateBinary.url
        defer { if runner.asNobody { try? FileManager.default.removeItem(at: copy.deletingLastPathComponent()) } }
        let json = scratch.appendingPathComponent("findings.json")
        let job = scratch.appendingPathComponent("job")
        let outcome = try GateRun(
            arguments: ["run", "--quiet", "--backend", runner.backend.rawValue, "--json", json.path, "--",
                        "/bin/sh", RulesetFixtures.url("attacks/\(attack.job).sh").path, job.path],
            wrapper: runner.asNobody ? DoctorCommandTests.nobody : [], executable: copy, timeout: 90).run()
        try EndToEnd.skipIfNotImplemented(runner.backend, outcome)
        let text = (try? String(contentsOf: json, encoding: .utf8)) ?? ""
        let rules = Set(text.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["rule"] as? String
        })
        #expect(rules.contains(attack.rule), "\(attack.job) \(runner): '\(attack.rule)' did not fire; fired \(rules.sorted()); stderr: \(outcome.stderr)")
        #expect(outcome.status == 3, "\(attack.job) \(runner): exit \(outcome.status); stderr: \(outcome.stderr)")
    }
}
