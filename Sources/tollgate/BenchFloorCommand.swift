import ArgumentParser
import Foundation
import TollgateCapture
import TollgateEvents

/// `tollgate bench-floor [--backend ebpf|ptrace|seccomp] -- COMMAND` (hidden): runs the command
/// at the floor of a backend, so benchmarks can measure what merely observing costs this
/// machine. eBPF (the default): launched as the gate launches a job, while tollgate's capture
/// hooks are attached with empty BPF programs (the syscall-exit one in the mode a run with the
/// default rules would use, `TOLLGATE_EBPF_HOOKS` included; `FloorProbe`). ptrace and seccomp:
/// under the monitor with the default rules' filter, each stop or notification let go at once
/// (`MonitorFloor`). Exits with the command's status (128+N after signal N), 69 when the
/// backend cannot start.
struct BenchFloorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-floor",
        abstract: "Run a command with tollgate's hooks attached to empty BPF programs (benchmarks).",
        shouldDisplay: false
    )

    @Option(help: ArgumentHelp("Whose floor: ebpf, ptrace or seccomp.", valueName: "backend"))
    var backend: String = BackendKind.ebpf.rawValue

    @Argument(parsing: .postTerminator, help: ArgumentHelp("The command to run, after '--'.", valueName: "command"))
    var command: [String] = []

    func validate() throws {
        guard !command.isEmpty else { throw ValidationError("missing the command to run: tollgate bench-floor -- COMMAND [ARG...]") }
        guard BackendKind(rawValue: backend) != nil else {
            throw ValidationError("unknown backend '\(backend)' for '--backend'; use one of ebpf, ptrace, seccomp")
        }
    }

    func run() throws {
        let syscallNames = try RuleSources.engine(nil).0.neededSyscalls.union(SyscallTable.stateSyscallNames)
        let job = RawCommandLine.job(command)
        let outcome: JobOutcome
        do {
            switch BackendKind(rawValue: backend) ?? .ebpf {
            case .ebpf: outcome = try FloorProbe(syscallNames: syscallNames).run(job)
            case let kind: outcome = try MonitorFloor(kind, syscallNames: syscallNames).run(job).outcome
            }
        } catch let error as CaptureStartError {
            Console(quiet: false).error(error.description)
            throw ExitStatus.noBackend
        }
        if let failure = outcome.execFailure { Console(quiet: false).error(failure.description) }
        let status = outcome.termination.shellStatus
        if status != 0 { throw ExitCode(status) }
    }
}
