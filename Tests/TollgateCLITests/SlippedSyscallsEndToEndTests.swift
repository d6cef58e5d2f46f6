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

    static let sendmmsg = EndToEnd.repository.appendingPathComponent("Tests/Fixtures/attacks/sendmmsg.py")

    /// A datagram's destination given to sendmsg or sendmmsg is the msg_name of a message
    /// header, which every backend once read as if the header were a sockaddr: no rule saw where
    /// the datagram went. A sendmmsg record carries its first message's destination; a vector
    /// whose messages go to several destinations makes the record unreadable, and the run fails
    /// closed (sending the secret to the second destination after a harmless first).
    @Test(arguments: GateBackend.allCases)
    func datagramDestinationsOfSendmsgAndSendmmsgAreSeen(_ backend: GateBackend) throws {
        try EndToEnd.skipUnlessRunnable(backend, needsRoot: false)
        let scratch = try Scratch()
        defer { scratch.remove() }
        let rules = try scratch.write("rules.yaml", """
            - rule: Datagram to the discard port
              desc: a datagram sent to port 9
              condition: evt.type in (sendmsg, sendmmsg) and fd.sport = 9
              output: "%evt.type to %fd.sip:%fd.sport"
              priority: WARNING
            """)
        func gate(_ job: [String]) throws -> GateRun.Outcome {
            try GateRun(arguments: ["run", "--no-config", "--backend", backend.rawValue, "-r", rules.path, "--"] + job, timeout: 60).run()
        }
        let unreadable = "could not be read"
        let message = try gate(["python3", "-c", "import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendmsg([b'x'], [], 0, ('127.0.0.2', 9))"])
        #expect(message.status == 3 && message.stderr.contains("sendmsg to 127.0.0.2:9"), "\(message.stderr)")
        let vector = try gate(["python3", Self.sendmmsg.path, "127.0.0.2:9", "127.0.0.2:9"])
        #expect(vector.status == 3 && vector.stderr.contains("sendmmsg to 127.0.0.2:9"), "\(vector.stderr)")
        #expect(!vector.stderr.contains(unreadable), "\(vector.stderr)")
        let split = try gate(["python3", Self.sendmmsg.path, "127.0.0.2:53", "127.0.0.3:9"])
        #expect(String(decoding: split.stdout, as: UTF8.self) == "sent=2\n", "\(split.stderr)")
        #expect(split.status == 3 && split.stderr.contains(unreadable), "\(split.stderr)")
        #expect(!split.stderr.contains("Datagram to the discard port"), "only the first destination is in the record: \(split.stderr)")
    }

    @Test(.enabled(if: EndToEnd.isRoot, "needs root: captures as root, and switches to nobody with setpriv"),
          arguments: attacks, AttackRunner.allCases)
    func attackFailsTheGate(_ attack: Attack, _ runner: AttackRunner) throws {
        let run = try AttackJobRun(job: attack.job, runner: runner)
        #expect(run.rules.contains(attack.rule), "\(attack.job) \(runner): '\(attack.rule)' did not fire; fired \(run.rules.sorted()); stderr: \(run.outcome.stderr)")
        #expect(run.outcome.status == 3, "\(attack.job) \(runner): exit \(run.outcome.status); stderr: \(run.outcome.stderr)")
    }
}
