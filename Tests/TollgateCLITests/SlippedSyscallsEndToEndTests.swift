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

    @Test(.enabled(if: EndToEnd.isRoot, "needs root: captures as root, and switches to nobody with setpriv"),
          arguments: attacks, AttackRunner.allCases)
    func attackFailsTheGate(_ attack: Attack, _ runner: AttackRunner) throws {
        let run = try AttackJobRun(job: attack.job, runner: runner)
        #expect(run.rules.contains(attack.rule), "\(attack.job) \(runner): '\(attack.rule)' did not fire; fired \(run.rules.sorted()); stderr: \(run.outcome.stderr)")
        #expect(run.outcome.status == 3, "\(attack.job) \(runner): exit \(run.outcome.status); stderr: \(run.outcome.stderr)")
    }
}
