import ArgumentParser
import Foundation
import TollgateCapture
import TollgateEvents

/// `tollgate bench-floor [--backend ebpf|ptrace|seccomp] -- COMMAND` (hidden): runs the command
/// at the floor of a backend, so benchmarks can measure what merely observing costs this
/// machine. eBPF (the default): a plain child while tollgate's capture hooks are attached with
/// empty BPF programs (the syscall-exit one in the mode a run with the default rules would use,
/// `TOLLGATE_EBPF_HOOKS` included). ptrace and seccomp: under the monitor with the default
/// rules' filter, each stop or notification let go at once (`MonitorFloor`). Exits with the
/// command's status (128+N after signal N), 69 when the backend cannot start.
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
        let kind = BackendKind(rawValue: backend) ?? .ebpf
        let status: Int32
        do {
            if kind == .ebpf {
                let probe = try FloorProbe(syscallNames: syscallNames)
                status = try withExtendedLifetime(probe) { try Self.runChild(command) }
            } else {
                let floor = try MonitorFloor(kind, syscallNames: syscallNames)
                let job = JobSpec(arguments: RawCommandLine.afterTerminator() ?? command.map { Array($0.utf8) },
                                  environmentEntries: RawCommandLine.environment(),
                                  workingDirectory: FileManager.default.currentDirectoryPath)
                status = try floor.run(job).outcome.termination.shellStatus
            }
        } catch let error as CaptureStartError {
            Console(quiet: false).error(error.description)
            throw ExitStatus.noBackend
        }
        if status != 0 { throw ExitCode(status) }
    }

    /// Runs `command` (looked up on PATH when it has no slash) and returns its shell status.
    private static func runChild(_ command: [String]) throws -> Int32 {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: executablePath(command[0]))
        child.arguments = Array(command.dropFirst())
        do {
            try child.run()
        } catch {
            Console(quiet: false).error("cannot run '\(command[0])': \(error.localizedDescription)")
            throw ExitCode(127)
        }
        child.waitUntilExit()
        let status = child.terminationStatus
        return child.terminationReason == .uncaughtSignal ? 128 + status : status
    }

    private static func executablePath(_ name: String) -> String {
        guard !name.contains("/") else { return name }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return name
    }
}
