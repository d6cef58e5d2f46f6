import ArgumentParser
import Foundation
import TollgateCapture
import TollgateEvents

/// `tollgate bench-floor -- COMMAND` (hidden): runs the command as a plain child while
/// tollgate's capture hooks are attached with empty BPF programs (the syscall-exit one in the
/// mode a run with the default rules would use, `TOLLGATE_EBPF_HOOKS` included), so benchmarks
/// can measure what merely enabling the hooks costs this machine. Exits with the command's status
/// (128+N after signal N), 69 when the hooks cannot be attached.
struct BenchFloorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-floor",
        abstract: "Run a command with tollgate's hooks attached to empty BPF programs (benchmarks).",
        shouldDisplay: false
    )

    @Argument(parsing: .postTerminator, help: ArgumentHelp("The command to run, after '--'.", valueName: "command"))
    var command: [String] = []

    func validate() throws {
        guard !command.isEmpty else { throw ValidationError("missing the command to run: tollgate bench-floor -- COMMAND [ARG...]") }
    }

    func run() throws {
        let probe: FloorProbe
        do {
            let syscallNames = try RuleSources.engine(nil).0.neededSyscalls.union(SyscallTable.stateSyscallNames)
            probe = try FloorProbe(syscallNames: syscallNames)
        } catch let error as CaptureStartError {
            Console(quiet: false).error(error.description)
            throw ExitStatus.noBackend
        }
        let status = try withExtendedLifetime(probe) { try Self.runChild(command) }
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
