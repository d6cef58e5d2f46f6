import Foundation
import Testing

/// `tollgate run` with report paths that are not regular files, as root, who could replace
/// any of them: devices stay devices, folders are exit 74 with the reason.
@Suite(.enabled(if: getuid() == 0, "needs root: gates a job, and only root could replace /dev/full"))
struct ReportPathsEndToEndTests {
    static func isCharacterDevice(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFCHR
    }

    @Test func aFullDeviceIsExit74AndStaysADevice() throws {
        let outcome = try GateRun(arguments: ["run", "--no-config", "--junit", "/dev/full", "--", "/bin/true"]).run()
        #expect(outcome.status == 74, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("cannot write report '/dev/full': No space left on device"), "\(outcome.stderr)")
        #expect(Self.isCharacterDevice("/dev/full"))
    }

    @Test func aFolderIsExit74WithTheReason() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let outcome = try GateRun(arguments: ["run", "--no-config", "--sarif", scratch.url.path, "--", "/bin/true"]).run()
        #expect(outcome.status == 74, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("Is a directory"), "\(outcome.stderr)")
    }

    @Test func devStdoutReachesTheGatesStandardOutput() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try FileManager.default.createDirectory(at: scratch.url.appendingPathComponent(".ssh"), withIntermediateDirectories: true)
        let key = try scratch.write(".ssh/id_rsa", "not a key\n").path
        let outcome = try GateRun(arguments: ["run", "--no-config", "--json", "/dev/stdout", "--", "/bin/sh", "-c", "cat '\(key)' >/dev/null; echo job-line"]).run()
        #expect(outcome.status == 3, "\(outcome.stderr)")
        let stdout = String(decoding: outcome.stdout, as: UTF8.self)
        #expect(stdout.hasPrefix("job-line\n"), "the job's output stays: \(stdout)")
        #expect(stdout.contains("\"rule\":"), "the findings followed it: \(stdout)")
        #expect(Self.isCharacterDevice("/dev/null"))
    }
}
