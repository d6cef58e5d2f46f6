import Foundation
import Testing

/// Statuses that fail closed (issue 22): a job that cannot be executed is 126 and one that is
/// not found 127, as in a shell, on every backend.
@Suite(.serialized)
struct FailClosedEndToEndTests {
    // MARK: Jobs that cannot run

    struct ExecCase: Sendable, CustomTestStringConvertible {
        let name: String
        /// The command, given the scratch folder.
        let command: @Sendable (Scratch) throws -> String
        let status: Int32
        let reason: String
        var testDescription: String { name }
    }

    static let execCases = [
        ExecCase(name: "a folder: 126", command: { $0.url.path }, status: 126, reason: "Permission denied (it is a folder)"),
        ExecCase(name: "not executable: 126", command: { scratch in
            let file = try scratch.write("not-executable", "#!/bin/sh\nexit 0\n")
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file.path)
            return file.path
        }, status: 126, reason: "Permission denied"),
        ExecCase(name: "missing path: 127", command: { $0.url.appendingPathComponent("absent").path }, status: 127,
                 reason: "No such file or directory"),
        ExecCase(name: "not in PATH: 127", command: { _ in "tollgate-e2e-no-such-command" }, status: 127,
                 reason: "No such file or directory"),
    ]

    @Test(arguments: execCases, GateBackend.allCases)
    func jobThatCannotRunExitsLikeAShell(_ job: ExecCase, on backend: GateBackend) throws {
        try EndToEnd.skipUnlessRunnable(backend, needsRoot: false)
        let scratch = try Scratch()
        defer { scratch.remove() }
        let command = try job.command(scratch)
        let outcome = try GateRun(arguments: ["run", "--quiet", "--backend", backend.rawValue, "--", command],
                                  timeout: 60).run()
        try EndToEnd.skipIfNotImplemented(backend, outcome)
        #expect(outcome.status == job.status, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("tollgate: cannot run '\(command)': \(job.reason)\n"), "\(outcome.stderr)")
    }
}
