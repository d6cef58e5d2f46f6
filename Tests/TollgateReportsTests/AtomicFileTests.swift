import Foundation
import Testing
@testable import TollgateReports

@Suite("Atomic report files")
struct AtomicFileTests {
    /// A fresh folder under the system temp folder.
    static func scratchFolder() throws -> String {
        let path = NSTemporaryDirectory() + "tollgate-atomic-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func entries(_ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    }

    @Test("writes a new file and replaces an old one, leaving no temporary file")
    func writesAndReplaces() throws {
        let folder = try Self.scratchFolder()
        let path = folder + "/report.json"
        try AtomicFile.write("first\n", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "first\n")
        try AtomicFile.write("second, longer\n", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "second, longer\n")
        #expect(Self.entries(folder) == ["report.json"])
    }

    @Test("a relative path with no folder writes into the current directory")
    func relativePath() throws {
        let folder = try Self.scratchFolder()
        let previous = FileManager.default.currentDirectoryPath
        #expect(FileManager.default.changeCurrentDirectoryPath(folder))
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        try AtomicFile.write("x", to: "plain.txt")
        #expect(Self.entries(folder) == ["plain.txt"])
    }

    struct FailingCase: Sendable, CustomTestStringConvertible {
        var name: String
        /// Builds the destination path inside a scratch folder.
        var destination: @Sendable (String) throws -> String
        var reason: String
        var testDescription: String { name }
    }

    static let failingCases: [FailingCase] = [
        FailingCase(name: "missing folder", destination: { $0 + "/no/such/folder/out.sarif" }, reason: "No such file or directory"),
        FailingCase(name: "parent is a file", destination: { folder in
            try Data("x".utf8).write(to: URL(fileURLWithPath: folder + "/file"))
            return folder + "/file/out.sarif"
        }, reason: "Not a directory"),
        FailingCase(name: "destination is a folder", destination: { folder in
            try FileManager.default.createDirectory(atPath: folder + "/out.sarif/inner", withIntermediateDirectories: true)
            return folder + "/out.sarif"
        }, reason: "Is a directory"),
        FailingCase(name: "path ends in a slash", destination: { $0 + "/" }, reason: "Is a directory"),
    ]

    @Test("a write that cannot happen names the path and the reason", arguments: failingCases)
    func failureNamesPathAndReason(_ testCase: FailingCase) throws {
        let folder = try Self.scratchFolder()
        let path = try testCase.destination(folder)
        let before = Self.entries(folder)
        do {
            try AtomicFile.write("data", to: path)
            Issue.record("writing to \(path) should fail")
        } catch {
            #expect(error.path == path)
            #expect(error.reason == testCase.reason)
            #expect(error.description.hasPrefix("cannot write report '\(path)': \(testCase.reason)"))
        }
        #expect(Self.entries(folder) == before, "no temporary file is left behind")
    }

    @Test("an unwritable folder (sysfs refuses new files, even to root)",
          .enabled(if: FileManager.default.fileExists(atPath: "/sys/kernel"), "needs Linux sysfs at /sys"))
    func unwritableFolder() {
        #expect(throws: ReportWriteError(path: "/sys/tollgate-report.sarif", reason: "Permission denied", step: "create a temporary file")) {
            try AtomicFile.write("{}", to: "/sys/tollgate-report.sarif")
        }
    }

    @Test(.enabled(if: getuid() != 0, "root writes into read-only folders; needs an unprivileged user"))
    func readOnlyFolder() throws {
        let folder = try Self.scratchFolder()
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: folder)
        #expect(throws: ReportWriteError(path: folder + "/r.xml", reason: "Permission denied", step: "create a temporary file")) {
            try AtomicFile.write("x", to: folder + "/r.xml")
        }
    }

    @Test("while a report is being written, the destination keeps the old content; a failure mid-write keeps it")
    func interruptedWriteLeavesOldFile() throws {
        let folder = try Self.scratchFolder()
        let path = folder + "/findings.json"
        try AtomicFile.write("old complete report\n", to: path)
        let chunk = String(repeating: "y", count: 100_000)
        var sawTemporaryMidWrite = false
        #expect(throws: ReportWriteError.self) {
            try AtomicFile.write(to: path) { (sink: inout AtomicFile.Sink) throws(ReportWriteError) in
                for _ in 0..<5 { sink.write(chunk) }
                try sink.flush()
                // This is the state a crash here would leave: the half-written bytes live in a
                // temporary file, the destination is still the old report.
                let now = Self.entries(folder)
                sawTemporaryMidWrite = now.count == 2 && now.contains { $0.hasPrefix(".findings.json.tollgate-") && $0.hasSuffix(".tmp") }
                #expect((try? String(contentsOfFile: path, encoding: .utf8)) == "old complete report\n")
                throw ReportWriteError(path: path, reason: "simulated crash", step: "write")
            }
        }
        #expect(sawTemporaryMidWrite)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old complete report\n")
        #expect(Self.entries(folder) == ["findings.json"])
    }

    /// The child half of `killedMidWrite`: starts a report and SIGKILLs itself halfway.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["TOLLGATE_CRASH_WRITE_PATH"] != nil,
                   "runs only as the child process of the killed-mid-write test"))
    func crashChild() throws {
        let path = try #require(ProcessInfo.processInfo.environment["TOLLGATE_CRASH_WRITE_PATH"])
        try AtomicFile.write(to: path) { (sink: inout AtomicFile.Sink) throws(ReportWriteError) in
            for _ in 0..<10 { sink.write(String(repeating: "partial ", count: 10_000)) }
            try sink.flush()
            kill(getpid(), SIGKILL)
        }
    }

    @Test("a process killed mid-write leaves the old report in place, never a partial one",
          .enabled(if: FileManager.default.fileExists(atPath: "/proc/self/exe"), "re-runs the test binary via /proc/self/exe"))
    func killedMidWrite() throws {
        let folder = try Self.scratchFolder()
        let path = folder + "/report.sarif"
        try AtomicFile.write("old complete report\n", to: path)
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        child.arguments = ["--testing-library", "swift-testing", "--filter", "crashChild"]
        child.environment = ProcessInfo.processInfo.environment.merging(["TOLLGATE_CRASH_WRITE_PATH": path]) { $1 }
        child.standardOutput = FileHandle.nullDevice
        child.standardError = FileHandle.nullDevice
        try child.run()
        child.waitUntilExit()
        #expect(child.terminationReason == .uncaughtSignal && child.terminationStatus == SIGKILL)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old complete report\n")
        let leftovers = Self.entries(folder).filter { $0 != "report.sarif" }
        #expect(leftovers.count == 1 && leftovers[0].hasPrefix(".report.sarif.tollgate-"), "the killed write's temporary file: \(leftovers)")
    }

    @Test("large streamed reports arrive complete")
    func largeStreamedWrite() throws {
        let folder = try Self.scratchFolder()
        let path = folder + "/big.jsonl"
        let line = String(repeating: "z", count: 999) + "\n"
        try AtomicFile.write(to: path) { (sink: inout AtomicFile.Sink) throws(ReportWriteError) in
            for _ in 0..<1000 { sink.write(line) }
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.size] as? NSNumber)?.intValue == 1_000_000)
    }

    @Test("append keeps what earlier steps wrote and creates the file when missing")
    func append() throws {
        let folder = try Self.scratchFolder()
        let path = folder + "/summary.md"
        try AtomicFile.append("# first\n", to: path)
        try AtomicFile.append("## second\n", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "# first\n## second\n")
        #expect(Self.entries(folder) == ["summary.md"])
        #expect(throws: ReportWriteError(path: folder + "/none/x.md", reason: "No such file or directory", step: "create a temporary file")) {
            try AtomicFile.append("x", to: folder + "/none/x.md")
        }
    }
}
