import ArgumentParser
import Foundation
import TollgateGate
import TollgateReports

/// `tollgate hook install|uninstall`: a git hook (pre-push by default) that runs the project's
/// command under the gate and blocks the push on a violation. An existing hook is kept under
/// `<name>.tollgate-chained` and run first with the same arguments and stdin; never clobbered.
struct HookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hook",
        abstract: "Install or remove a git hook that runs a command under the gate.",
        subcommands: [HookInstallCommand.self, HookUninstallCommand.self]
    )
}

struct HookInstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Write a git hook that runs 'tollgate run --named NAME' (or --command) and blocks on a violation.",
        discussion: """
            The hook goes in the repository's hooks folder (core.hooksPath is honoured). An existing \
            hook is renamed to NAME.tollgate-chained and run first with the same arguments and stdin. \
            Installing again with the same settings changes nothing.
            """
    )

    @Option(help: "The git hook to write.")
    var name = "pre-push"

    @Option(help: ArgumentHelp("A shell command to gate instead of the config's named command NAME.", valueName: "shell-line"))
    var command: String?

    @Flag(help: "Replace a tollgate hook installed earlier with different settings.")
    var force = false

    func run() throws {
        try GitHooksFolder.reportingFailures {
            let hooks = try GitHooksFolder.locate(name: name)
            let script = HookScript(hookName: name, tollgatePath: HookScript.currentExecutable(), command: command).text
            print("tollgate hook: \(try hooks.install(script, force: force)) (\(hooks.hookPath))")
        }
    }
}

struct HookUninstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "uninstall",
        abstract: "Remove the tollgate git hook and restore the hook it chained, if any."
    )

    @Option(help: "The git hook to remove.")
    var name = "pre-push"

    func run() throws {
        try GitHooksFolder.reportingFailures {
            let hooks = try GitHooksFolder.locate(name: name)
            print("tollgate hook: \(try hooks.uninstall()) (\(hooks.hookPath))")
        }
    }
}

/// The shell text of a tollgate hook. Pure: the same inputs give the same bytes, which is what
/// makes `install` idempotent.
struct HookScript: Equatable {
    /// Every tollgate hook carries this line; a hook without it is someone else's.
    static let marker = "# tollgate-managed-hook"
    static let chainedSuffix = ".tollgate-chained"

    var hookName: String
    var tollgatePath: String
    var command: String?

    var gateInvocation: String {
        if let command {
            let shell = JobShell.command(command)
            return "\"$tollgate\" run -- \(shell[0]) \(shell[1]) \(ShellQuoting.singleQuoted(shell[2]))"
        }
        return "\"$tollgate\" run --named \(ShellQuoting.singleQuoted(hookName))"
    }

    var text: String {
        """
        #!/bin/sh
        \(Self.marker)
        # Written by `tollgate hook install`; `tollgate hook uninstall --name \(hookName)` removes it and
        # restores the hook it chained. Runs the chained hook first with the same arguments and
        # stdin, then the gate; any failure blocks. `git push --no-verify` skips it.
        tollgate=\(ShellQuoting.singleQuoted(tollgatePath))
        [ -x "$tollgate" ] || tollgate=tollgate
        stdin_copy=$(mktemp) || exit 1
        trap 'rm -f "$stdin_copy"' EXIT
        cat > "$stdin_copy"
        chained="$(dirname "$0")/\(hookName)\(Self.chainedSuffix)"
        if [ -x "$chained" ]; then
            "$chained" "$@" < "$stdin_copy" || exit $?
        fi
        \(gateInvocation) < "$stdin_copy"
        status=$?
        if [ "$status" -ne 0 ]; then
            echo "tollgate hook: \(hookName) blocked (tollgate exit $status); fix the findings or push with --no-verify" >&2
        fi
        exit "$status"

        """
    }

    /// The absolute path of the running tollgate, so the hook works without tollgate on PATH.
    static func currentExecutable() -> String {
        let link = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return (link as NSString).standardizingPath
    }
}

/// One hook in a repository's hooks folder, and the chained hook beside it.
struct GitHooksFolder {
    let folder: String
    let name: String
    var hookPath: String { (folder as NSString).appendingPathComponent(name) }
    var chainedPath: String { hookPath + HookScript.chainedSuffix }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The hooks folder of the repository around the working directory (`git rev-parse
    /// --git-path hooks` at the top level, so core.hooksPath counts).
    static func locate(name: String) throws -> GitHooksFolder {
        guard !name.isEmpty, !name.contains("/") else {
            throw ValidationError("'\(name)' is not a git hook name; use e.g. 'pre-push'")
        }
        let top = try git(["rev-parse", "--show-toplevel"], in: FileManager.default.currentDirectoryPath)
        let hooks = try git(["rev-parse", "--git-path", "hooks"], in: top)
        let folder = hooks.hasPrefix("/") ? hooks : (top as NSString).appendingPathComponent(hooks)
        return GitHooksFolder(folder: (folder as NSString).standardizingPath, name: name)
    }

    /// Runs `body`, printing a `Failure` to stderr and exiting 64 instead of a stack of "Error:".
    static func reportingFailures(_ body: () throws -> Void) throws {
        do { try body() } catch let failure as Failure {
            FileHandle.standardError.write(Data("tollgate hook: \(failure.description)\n".utf8))
            throw ExitStatus.usage
        }
    }

    func install(_ script: String, force: Bool) throws -> String {
        let files = FileManager.default
        try files.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var outcome = "installed"
        if let existing = Self.contents(hookPath) {
            if existing == script { return "already installed" }
            if existing.contains(HookScript.marker) {
                guard force else {
                    throw Failure(description: "error: '\(hookPath)' is a tollgate hook with other settings; add --force to replace it")
                }
                outcome = "replaced"
            } else {
                guard !exists(chainedPath) else {
                    throw Failure(description: "error: '\(hookPath)' exists and so does '\(chainedPath)'; move one of them away, then install again")
                }
                try files.moveItem(atPath: hookPath, toPath: chainedPath)
                outcome = "installed, chaining the existing hook (now '\((chainedPath as NSString).lastPathComponent)')"
            }
        }
        try write(script)
        return outcome
    }

    func uninstall() throws -> String {
        guard let existing = Self.contents(hookPath) else {
            return exists(hookPath) ? "left '\(name)' alone: it is not a tollgate hook" : "no \(name) hook to remove"
        }
        guard existing.contains(HookScript.marker) else {
            throw Failure(description: "error: '\(hookPath)' was not written by tollgate; left untouched")
        }
        try FileManager.default.removeItem(atPath: hookPath)
        guard exists(chainedPath) else { return "removed" }
        try FileManager.default.moveItem(atPath: chainedPath, toPath: hookPath)
        return "removed, restored the chained hook"
    }

    private func write(_ script: String) throws {
        let temporary = hookPath + ".tollgate-new"
        try Data(script.utf8).write(to: URL(fileURLWithPath: temporary))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: temporary)
        // rename(2): the hook is replaced atomically, and created when it did not exist.
        guard rename(temporary, hookPath) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw Failure(description: "error: cannot write '\(hookPath)': \(reason)")
        }
    }

    private func exists(_ path: String) -> Bool {
        (try? FileManager.default.attributesOfItem(atPath: path)) != nil
    }

    private static func contents(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    private static func git(_ arguments: [String], in folder: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", folder] + arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch {
            throw Failure(description: "error: cannot run git: \(error.localizedDescription)")
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let reason = String(decoding: stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw Failure(description: "error: not in a git repository ('git \(arguments.joined(separator: " "))': \(reason))")
        }
        return String(decoding: stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
