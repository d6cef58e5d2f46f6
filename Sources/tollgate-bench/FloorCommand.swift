import ArgumentParser
import Foundation
import TollgateBenchSupport
import TollgateCapture
import TollgateEvents
import TollgateGate
import TollgateRules

/// `tollgate-bench floor [--backend ebpf|ptrace|seccomp] -- COMMAND`: runs the command
/// at the floor of a backend, so benchmarks can measure what merely observing costs this
/// machine. eBPF (the default): launched as the gate launches a job, while tollgate's capture
/// hooks are attached with empty BPF programs (the syscall-exit one in the mode a run with the
/// default rules would use, `TOLLGATE_EBPF_HOOKS` included; `FloorProbe`). ptrace and seccomp:
/// with the filter a run with the default rules installs, under a bare tracer or notifier that
/// lets each stop or notification go at once (`MonitorFloor`). Exits with the command's status
/// (128+N after signal N), 69 when the backend cannot start.
struct FloorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "floor",
        abstract: "Run a command at a backend's floor: the hooks or the filter in place, nothing recorded."
    )

    @Option(help: ArgumentHelp("Whose floor: ebpf, ptrace or seccomp.", valueName: "backend"))
    var backend: String = BackendKind.ebpf.rawValue

    @Argument(parsing: .postTerminator, help: ArgumentHelp("The command to run, after '--'.", valueName: "command"))
    var command: [String] = []

    func validate() throws {
        guard !command.isEmpty else { throw ValidationError("missing the command to run: tollgate-bench floor -- COMMAND [ARG...]") }
        guard BackendKind(rawValue: backend) != nil else {
            throw ValidationError("unknown backend '\(backend)' for '--backend'; use one of \(BackendKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() throws {
        // The syscalls a run with the built-in rules captures (embedded here as in tollgate).
        guard let ruleSet = RuleFiles.load(RuleFiles.embedded(DefaultRuleFiles.base64)).ruleSet else {
            throw ExitStatus.invalidRules
        }
        let syscallNames = Engine(ruleSet).neededSyscalls.union(SyscallTable.stateSyscallNames)
        let job = RawCommandLine.job(command)
        let outcome: JobOutcome
        do {
            switch BackendKind(rawValue: backend) ?? .ebpf {
            case .ebpf: outcome = try FloorProbe(syscallNames: syscallNames).run(job)
            case let kind: outcome = try MonitorFloor(kind, syscallNames: syscallNames).run(job).outcome
            }
        } catch let error as CaptureStartError {
            TollgateBench.error(error.description)
            throw ExitStatus.noBackend
        }
        if let failure = outcome.execFailure { TollgateBench.error(failure.description) }
        if let status = ExitStatus.job(outcome.termination.shellStatus) { throw status }
    }
}
