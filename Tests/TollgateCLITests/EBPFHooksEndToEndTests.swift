import Foundation
import Testing

/// The eBPF backend's two syscall hooks (`TOLLGATE_EBPF_HOOKS`) under `tollgate run` with the
/// default rules: the run states which it used, and both reach the same findings.
@Suite(.serialized, .enabled(if: getuid() == 0, "needs root: the eBPF backend attaches BPF programs"))
struct EBPFHooksEndToEndTests {
    /// Attack jobs covering files, exec, memfd, sockets, ptrace and permissions (the kernel
    /// module one is left out: this kernel has no tracepoint for it, see the capture tests).
    static let jobs = ["read_shadow", "write_etc", "memfd_exec", "exec_from_dev_shm", "setuid_bit", "ptrace_attach",
                       "reverse_shell", "git_hook_planted", "download_then_execute"]

    @Test(arguments: jobs)
    func bothHooksReachTheSameFindings(_ job: String) throws {
        func findings(_ hooks: String) throws -> [String]? {
            let outcome = try RulesetGateRun.run(job: "attacks/\(job).sh", backend: .ebpf,
                                                 environment: ["TOLLGATE_EBPF_HOOKS": hooks])
            return outcome.map { run in run.findings.map { "\($0.priority) \($0.rule)" }.sorted() }
        }
        guard let perSyscall = try findings("per-syscall"), let tracepoint = try findings("tracepoint") else { return }
        #expect(!perSyscall.isEmpty, "\(job) fired nothing under per-syscall hooks")
        #expect(perSyscall == tracepoint)
    }

    @Test(arguments: [("per-syscall", "per-syscall exit tracepoints"), ("tracepoint", "raw syscall-exit tracepoint")])
    func theRunSaysWhichHooksItUses(_ hooks: String, _ expected: String) throws {
        let outcome = try RulesetGateRun.execute(["run", "--verbose", "--backend", "ebpf", "--", "/bin/true"],
                                                 environment: ["TOLLGATE_EBPF_HOOKS": hooks])
        let stderr = String(decoding: outcome.stderr, as: UTF8.self)
        #expect(outcome.status == 0, "\(stderr)")
        #expect(stderr.contains("tollgate: backend ebpf (asked for); syscalls through "), "\(stderr)")
        #expect(stderr.contains(expected), "\(stderr)")
    }

    /// Without `--verbose` a run starts with one short line: the backend, no hook details.
    @Test func theRunStartsWithOneShortLine() throws {
        let outcome = try RulesetGateRun.execute(["run", "--backend", "ebpf", "--", "/bin/true"])
        let stderr = String(decoding: outcome.stderr, as: UTF8.self)
        #expect(outcome.status == 0, "\(stderr)")
        let first = stderr.split(separator: "\n").first.map(String.init) ?? ""
        #expect(first == "tollgate: backend ebpf", "\(stderr)")
    }

    /// Releasing ~60 per-syscall tracepoints takes the kernel ~4.5 s here; the gate must not
    /// wait for it, nor keep its output pipes open meanwhile (this read waits for their end).
    @Test func perSyscallHooksDoNotDelayTheGatesExit() throws {
        let start = Date()
        let outcome = try RulesetGateRun.execute(["run", "--backend", "ebpf", "--", "/bin/true"],
                                                 environment: ["TOLLGATE_EBPF_HOOKS": "per-syscall"])
        let elapsed = Date().timeIntervalSince(start)
        #expect(outcome.status == 0)
        #expect(elapsed < 3, "tollgate run took \(elapsed) s")
    }

    @Test func anUnknownHookSettingStopsTheRun() throws {
        let outcome = try RulesetGateRun.execute(["run", "--backend", "ebpf", "--", "/bin/true"],
                                                 environment: ["TOLLGATE_EBPF_HOOKS": "fexit"])
        #expect(outcome.status == 69)
        #expect(String(decoding: outcome.stderr, as: UTF8.self).contains("TOLLGATE_EBPF_HOOKS='fexit' is not one of"))
    }

    @Test func doctorSaysWhichHooksTheDefaultRulesGet() throws {
        let outcome = try RulesetGateRun.execute(["doctor"])
        let line = String(decoding: outcome.stdout, as: UTF8.self).split(separator: "\n")
            .first { $0.hasPrefix("BPF syscall hooks") }.map(String.init) ?? ""
        #expect(line.contains("per-syscall exit tracepoints") || line.contains("raw syscall-exit tracepoint"), "\(line)")
        #expect(line.contains("yes") == line.contains("per-syscall exit tracepoints"), "\(line)")
    }
}
