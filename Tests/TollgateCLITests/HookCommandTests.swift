import Foundation
import Testing
@testable import tollgate

/// A throwaway git repository with a bare remote, driven through the real `git` and `tollgate`.
struct HookScratchRepo {
    let root: URL
    var work: URL { root.appendingPathComponent("work") }
    var remote: URL { root.appendingPathComponent("remote.git") }

    struct Outcome {
        let status: Int32
        let output: String
    }

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-hook-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try check(run(["git", "init", "-q", "--bare", remote.path], in: root))
        try check(run(["git", "init", "-q", "-b", "main", work.path], in: root))
        try check(git("remote", "add", "origin", remote.path))
        try write("README", "hello\n")
        try check(git("add", "README"))
        try check(git("commit", "-q", "-m", "first"))
    }

    func write(_ name: String, _ text: String, executable: Bool = false) throws {
        let url = work.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        if executable { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path) }
    }

    func read(_ name: String) -> String? {
        FileManager.default.contents(atPath: work.appendingPathComponent(name).path).map { String(decoding: $0, as: UTF8.self) }
    }

    func git(_ arguments: String...) throws -> Outcome {
        try run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.com"] + arguments, in: work)
    }

    func tollgate(_ arguments: String...) throws -> Outcome {
        try run([TollgateBinary.url.path] + arguments, in: work)
    }

    /// Runs a command with stdout and stderr merged, so failures show everything.
    func run(_ command: [String], in folder: URL) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        process.currentDirectoryURL = folder
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        environment["HOME"] = root.path
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    @discardableResult
    func check(_ outcome: Outcome) throws -> Outcome {
        guard outcome.status == 0 else { throw ScratchFailure(output: outcome.output) }
        return outcome
    }

    struct ScratchFailure: Error { let output: String }

    func remove() { try? FileManager.default.removeItem(at: root) }
}

/// The job shell the hook names for a given command on this machine (bash where present).
let jobShell = JobShell.command("")[0]

struct HookScriptTests {
    @Test(arguments: [
        ("named command", nil as String?, "\"$tollgate\" run --named 'pre-push' < \"$stdin_copy\""),
        ("given command", "make test", "\"$tollgate\" run -- \(jobShell) -c 'make test' < \"$stdin_copy\""),
        ("quote in command", "echo 'hi'", "\"$tollgate\" run -- \(jobShell) -c 'echo '\\''hi'\\''' < \"$stdin_copy\""),
    ])
    func theHookRunsTheGateOnTheRightCommand(name: String, command: String?, expected: String) {
        let text = HookScript(hookName: "pre-push", tollgatePath: "/opt/tollgate", command: command).text
        #expect(text.contains(expected), "\(name)")
        #expect(text.hasPrefix("#!/bin/sh\n\(HookScript.marker)\n"), "\(name)")
        #expect(text.contains("tollgate='/opt/tollgate'"), "\(name)")
    }
}

@Suite(.serialized)
struct HookCommandTests {
    static let rules = """
        - rule: Hook test marker ran
          desc: The pre-push job ran the forbidden marker program.
          condition: evt.type in (execve, execveat) and proc.name = tg-hook-marker
          output: marker ran | process=%proc.name
          priority: ERROR
          tags: [hook-test]

        """

    /// A `.tollgate.yaml` whose `pre-push` command runs `job` under the test's own rules.
    func configure(_ repo: HookScratchRepo, job: String) throws {
        try repo.write("gate/rules.yaml", Self.rules)
        try repo.write(".tollgate.yaml", """
            rules: [gate/rules.yaml]
            fail_on: warning
            commands:
              pre-push: \(job)

            """)
    }

    static let violatingJob = "'cp /bin/true ./tg-hook-marker && ./tg-hook-marker'"

    func hooksFolder(_ repo: HookScratchRepo) throws -> URL {
        let path = try repo.check(repo.git("rev-parse", "--git-path", "hooks")).output.trimmingCharacters(in: .whitespacesAndNewlines)
        return path.hasPrefix("/") ? URL(fileURLWithPath: path) : repo.work.appendingPathComponent(path)
    }

    @Test func installWritesAnExecutableHookAndIsIdempotent() throws {
        let repo = try HookScratchRepo()
        defer { repo.remove() }
        let first = try repo.check(repo.tollgate("hook", "install"))
        #expect(first.output.contains("installed"))
        let hook = try hooksFolder(repo).appendingPathComponent("pre-push")
        let text = try String(contentsOf: hook, encoding: .utf8)
        #expect(text.contains(HookScript.marker) && text.contains("run --named 'pre-push'"))
        let mode = try FileManager.default.attributesOfItem(atPath: hook.path)[.posixPermissions] as? Int
        #expect(mode == 0o755)
        let second = try repo.check(repo.tollgate("hook", "install"))
        #expect(second.output.contains("already installed"))
        #expect(try String(contentsOf: hook, encoding: .utf8) == text)
        let changed = try repo.tollgate("hook", "install", "--command", "make test")
        #expect(changed.status == 64 && changed.output.contains("--force"))
        try repo.check(repo.tollgate("hook", "install", "--command", "make test", "--force"))
        #expect(try String(contentsOf: hook, encoding: .utf8).contains("\(jobShell) -c 'make test'"))
    }

    @Test func installHonoursCoreHooksPath() throws {
        let repo = try HookScratchRepo()
        defer { repo.remove() }
        try repo.check(repo.git("config", "core.hooksPath", "team-hooks"))
        try repo.check(repo.tollgate("hook", "install"))
        #expect(repo.read("team-hooks/pre-push")?.contains(HookScript.marker) == true)
    }

    @Test func aViolationBlocksThePushAndACleanJobLetsItThrough() throws {
        let repo = try HookScratchRepo()
        defer { repo.remove() }
        try configure(repo, job: Self.violatingJob)
        try repo.check(repo.tollgate("hook", "install"))
        let blocked = try repo.git("push", "origin", "main")
        #expect(blocked.status != 0, "\(blocked.output)")
        #expect(blocked.output.contains("Hook test marker ran"), "\(blocked.output)")
        #expect(blocked.output.contains("pre-push blocked (tollgate exit 3)"), "\(blocked.output)")
        let remoteRefs = try repo.run(["git", "--git-dir", repo.remote.path, "show-ref"], in: repo.root)
        #expect(!remoteRefs.output.contains("refs/heads/main"))

        try configure(repo, job: "'true'")
        let allowed = try repo.git("push", "origin", "main")
        #expect(allowed.status == 0, "\(allowed.output)")
        let after = try repo.run(["git", "--git-dir", repo.remote.path, "show-ref"], in: repo.root)
        #expect(after.output.contains("refs/heads/main"))
    }

    @Test func anExistingHookIsChainedWithItsArgumentsAndStdinThenRestored() throws {
        let repo = try HookScratchRepo()
        defer { repo.remove() }
        try configure(repo, job: "'true'")
        let hooks = try hooksFolder(repo)
        let original = """
            #!/bin/sh
            echo "args: $1 $2" > "$(git rev-parse --show-toplevel)/chained.log"
            cat >> "$(git rev-parse --show-toplevel)/chained.log"

            """
        try FileManager.default.createDirectory(at: hooks, withIntermediateDirectories: true)
        let hook = hooks.appendingPathComponent("pre-push")
        try Data(original.utf8).write(to: hook)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hook.path)

        let install = try repo.check(repo.tollgate("hook", "install"))
        #expect(install.output.contains("chaining the existing hook"))
        #expect(try String(contentsOf: hooks.appendingPathComponent("pre-push.tollgate-chained"), encoding: .utf8) == original)

        let head = try repo.check(repo.git("rev-parse", "HEAD")).output.trimmingCharacters(in: .whitespacesAndNewlines)
        let push = try repo.git("push", "origin", "main")
        #expect(push.status == 0, "\(push.output)")
        let log = repo.read("chained.log") ?? ""
        #expect(log.contains("args: origin \(repo.remote.path)"), "\(log)")
        #expect(log.contains("refs/heads/main \(head) refs/heads/main "), "the chained hook read the refs from stdin: \(log)")

        let uninstall = try repo.check(repo.tollgate("hook", "uninstall"))
        #expect(uninstall.output.contains("restored the chained hook"))
        #expect(try String(contentsOf: hook, encoding: .utf8) == original)
        #expect(!FileManager.default.fileExists(atPath: hooks.appendingPathComponent("pre-push.tollgate-chained").path))
    }

    @Test func aFailingChainedHookBlocksBeforeTheGateRuns() throws {
        let repo = try HookScratchRepo()
        defer { repo.remove() }
        try configure(repo, job: "'touch gate-ran'")
        let hooks = try hooksFolder(repo)
        try FileManager.default.createDirectory(at: hooks, withIntermediateDirectories: true)
        let hook = hooks.appendingPathComponent("pre-push")
        try Data("#!/bin/sh\nexit 7\n".utf8).write(to: hook)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hook.path)
        try repo.check(repo.tollgate("hook", "install"))
        let push = try repo.git("push", "origin", "main")
        #expect(push.status != 0)
        #expect(repo.read("gate-ran") == nil)
    }

    @Test func uninstallLeavesAForeignHookAlone() throws {
        let repo = try HookScratchRepo()
        defer { repo.remove() }
        let hooks = try hooksFolder(repo)
        try FileManager.default.createDirectory(at: hooks, withIntermediateDirectories: true)
        let hook = hooks.appendingPathComponent("pre-push")
        try Data("#!/bin/sh\nexit 0\n".utf8).write(to: hook)
        let refused = try repo.tollgate("hook", "uninstall")
        #expect(refused.status == 64 && refused.output.contains("was not written by tollgate"))
        #expect(try String(contentsOf: hook, encoding: .utf8) == "#!/bin/sh\nexit 0\n")
        let outside = try repo.run([TollgateBinary.url.path, "hook", "install"], in: repo.root)
        #expect(outside.status == 64 && outside.output.contains("not in a git repository"))
    }
}
