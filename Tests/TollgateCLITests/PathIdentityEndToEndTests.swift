import Foundation
import Testing

/// Issue 21's "path identity": rules see the file actually opened, not the name the job passed.
/// Each attack job under `Tests/Fixtures/attacks/` reaches the SSH key under another name (a
/// symlink, `/proc/self/fd/N/id_rsa`, a bind mount in a mount namespace of its own, a file
/// handle), writes below /etc through a symlinked folder, or gives the key another name (hard
/// link, rename); each once ended with exit 0 on every backend. Run with the default rules on
/// every backend as root, and on ptrace and seccomp as `nobody` too; each must end with exit 3
/// and its rule.
@Suite(.serialized)
struct PathIdentityEndToEndTests {
    struct Attack: Sendable, CustomTestStringConvertible {
        let job: String
        let rule: String
        /// Why the attack itself cannot run as `nobody` (so there is nothing to catch), or nil.
        var rootOnly: String? = nil
        var testDescription: String { job }
    }

    static let attacks: [Attack] = [
        Attack(job: "symlink_read_ssh_key", rule: "CI Read SSH private key"),
        Attack(job: "proc_fd_read_ssh_key", rule: "CI Read SSH private key"),
        // As nobody the job makes a user namespace of its own (unshare -Urm) to mount in.
        Attack(job: "bind_mount_read_ssh_key", rule: "CI Read SSH private key"),
        Attack(job: "open_by_handle_read_ssh_key", rule: "CI Read SSH private key",
               rootOnly: "open_by_handle_at needs CAP_DAC_READ_SEARCH: as nobody the job's call fails with EPERM"),
        // A file created through a symlinked folder: seccomp names the folder it finds plus the new name.
        Attack(job: "write_etc_through_symlink", rule: "CI Write below /etc",
               rootOnly: "nobody cannot create files below /etc"),
        Attack(job: "hard_link_ssh_key", rule: "CI Link or rename of a credential file"),
        Attack(job: "rename_ssh_key", rule: "CI Link or rename of a credential file"),
    ]

    @Test(.enabled(if: EndToEnd.isRoot, "needs root: captures as root, and switches to nobody with setpriv"),
          arguments: attacks, AttackRunner.allCases)
    func keyUnderAnotherNameFailsTheGate(_ attack: Attack, _ runner: AttackRunner) throws {
        if runner.asNobody, let reason = attack.rootOnly {
            try Test.cancel(Comment(rawValue: reason))
        }
        let run = try AttackJobRun(job: attack.job, runner: runner)
        #expect(run.rules.contains(attack.rule), "\(attack.job) \(runner): '\(attack.rule)' did not fire; fired \(run.rules.sorted()); stderr: \(run.outcome.stderr)")
        #expect(run.outcome.status == 3, "\(attack.job) \(runner): exit \(run.outcome.status); stderr: \(run.outcome.stderr)")
    }

    /// A file no folder names (a pipe reopened through /proc/self/fd/N) has no resolved name:
    /// fd.name falls back to the path as passed, never "/" or a pipe's "pipe:[N]".
    @Test(.enabled(if: EndToEnd.isRoot, "needs root: captures with eBPF"), arguments: GateBackend.allCases)
    func aPipeReopenedThroughProcKeepsThePassedName(_ backend: GateBackend) throws {
        try EndToEnd.skipUnlessRunnable(backend, needsRoot: true)
        let scratch = try Scratch()
        defer { scratch.remove() }
        let rules = try scratch.write("pipes.yaml", """
            - rule: reopened pipe
              desc: an open of /proc/self/fd/N
              condition: evt.type in (open, openat) and evt.arg.name startswith /proc/self/fd/
              output: "name=%fd.name"
              priority: WARNING
            """)
        let job = "echo hi | python3 -c 'open(\"/proc/self/fd/0\").read()'"
        let outcome = try GateRun(arguments: ["run", "--no-config", "--rules", rules.path, "--backend", backend.rawValue,
                                              "--", "/bin/sh", "-c", job]).run()
        try EndToEnd.skipIfNotImplemented(backend, outcome)
        #expect(outcome.status == 3, "\(backend): \(outcome.stderr)")
        #expect(outcome.stderr.contains("name=/proc/self/fd/0"), "\(backend): \(outcome.stderr)")
    }
}
