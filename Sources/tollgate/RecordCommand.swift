import ArgumentParser
import Foundation
import TollgateCapture
import TollgateEvents
import TollgateGate

/// `tollgate record -o FILE -- COMMAND`: captures a job into a capture file without evaluating
/// rules; `tollgate analyze` evaluates it later.
struct RecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Run a job under syscall capture and write every event to a capture file; no rules are evaluated.",
        discussion: """
            Without --all-syscalls the kernel keeps the syscalls the rules (--rules, default the \
            built-in ruleset) and state tracking need; analyse later with other rules that need \
            more, and record with --all-syscalls. Environment values are never written unless \
            --capture-env is given (names are kept).
            Exit status: the job's own (128+N after signal N); 64 usage; 65 invalid rules; 69 no \
            capture backend could start; 70 internal error; 74 the capture could not be written.
            """
    )

    @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("The capture file to write.", valueName: "file"))
    var output: String

    @Flag(name: .customLong("all-syscalls"), help: "Capture every syscall the table knows (no in-kernel syscall filter).")
    var allSyscalls = false

    @Option(name: [.customLong("rules"), .customShort("r")], help: ArgumentHelp("Rules whose syscalls to capture (without --all-syscalls); repeatable. Default: the built-in CI ruleset.", valueName: "path"))
    var rulePaths: [String] = []

    @Option(help: ArgumentHelp("Capture backend: auto, ebpf, ptrace or seccomp.", valueName: "backend"))
    var backend: BackendChoice = .auto

    @Option(help: ArgumentHelp("Seconds to wait for descendants after the main process ends before killing them.", valueName: "seconds"))
    var grace: Double = 10

    @Flag(name: .customLong("capture-env"), help: "Also write environment variable values (secrets included!) into the capture.")
    var captureEnvironment = false

    @Flag(help: "Do not print the summary to standard error.")
    var quiet = false

    @Flag(name: [.customShort("v"), .customLong("verbose")], help: "Say at the start how the backend hooks syscalls and why better backends were passed over.")
    var verbose = false

    @Argument(parsing: .postTerminator, help: ArgumentHelp("The job to run, after '--'.", valueName: "command"))
    var command: [String] = []

    func validate() throws {
        guard !command.isEmpty else { throw ValidationError("missing the job to run: tollgate record -o FILE -- COMMAND [ARG...]") }
        guard grace >= 0, grace.isFinite else { throw ValidationError("'--grace' takes a number of seconds, at least 0") }
    }

    /// Every syscall name the table knows (procexit is a lifecycle event, not a syscall).
    static var allSyscallNames: Set<String> {
        Set(SyscallTable.all.map(\.name)).subtracting(["procexit"])
    }

    func run() throws {
        let console = Console(quiet: quiet)
        let syscallNames: Set<String>
        if allSyscalls {
            syscallNames = Self.allSyscallNames
        } else {
            syscallNames = try RuleSources.policy(rulePaths.isEmpty ? nil : rulePaths).engine.neededSyscalls.union(SyscallTable.stateSyscallNames)
        }
        let started: CaptureBackends.Started
        do {
            started = try CaptureBackends.start(backend, syscallNames: syscallNames)
        } catch {
            console.error(error.description)
            throw ExitStatus.noBackend
        }
        console.note(verbose ? started.explanation : started.headline)
        let recorder: CaptureRecorder
        do {
            recorder = try CaptureRecorder(path: output, backend: started.backend.kind, keepEnvironmentValues: captureEnvironment)
        } catch {
            AnalyzeCommand.printLine(error.description)
            throw ExitStatus.cannotWriteReport
        }
        let job = RawCommandLine.job(command)
        var result: CaptureResult?
        var runError: Error?
        do {
            result = try started.backend.run(job, grace: GracePeriod(seconds: grace), sink: recorder)
        } catch {
            runError = error
        }
        do {
            try recorder.finish(result)
        } catch {
            AnalyzeCommand.printLine(error.description)
            throw ExitStatus.cannotWriteReport
        }
        guard let result else {
            console.error("the job could not be run: \(runError.map { "\($0)" } ?? "unknown error")")
            throw ExitStatus.internalError
        }
        let coverage = result.coverage
        if let failure = result.outcome.execFailure { console.error(failure.description) }
        console.note("job \(result.outcome.termination); backend \(coverage.backend.rawValue), \(coverage.events) events, \(coverage.drops) dropped\(coverage.unreadablePayloads > 0 ? ", \(coverage.unreadablePayloads) with unreadable payloads" : ""); written to \(output)")
        if let status = ExitStatus.job(result.outcome.termination.shellStatus) { throw status }
    }
}
