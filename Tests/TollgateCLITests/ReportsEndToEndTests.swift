import Foundation
import Testing

/// A real job with a violation under `tollgate run --sarif --junit --summary --json`: all four
/// reports are written, agree with each other, and SARIF and JUnit pass their schemas.
@Suite(.enabled(if: getuid() == 0, "needs root: gates a job with the eBPF backend"))
struct ReportsEndToEndTests {
    static let repositoryRoot: URL = {
        var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while folder.path != "/", !FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
            folder.deleteLastPathComponent()
        }
        return folder
    }()

    @Test func allFourReportsDescribeTheSameViolation() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-reports-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("home/.ssh"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let key = folder.appendingPathComponent("home/.ssh/id_rsa").path
        try Data("not a key".utf8).write(to: URL(fileURLWithPath: key))
        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
        // A rules file of the test's own, so the test does not follow the default ruleset's names.
        try Data("""
            - rule: Read SSH private key
              desc: A private key below .ssh was read.
              condition: evt.type in (open, openat, openat2) and evt.is_open_read=true and fd.directory endswith "/.ssh" and fd.filename startswith "id_"
              output: SSH private key read by %proc.name (file=%fd.name pid=%proc.pid)
              priority: ERROR
              tags: [credential_access, T1552.004]
            - rule: Kernel module loaded
              desc: Never fires here; must still be a passing testcase.
              condition: evt.type in (init_module, finit_module)
              output: module loaded by %proc.name
              priority: CRITICAL
            """.utf8).write(to: URL(fileURLWithPath: path("rules.yaml")))

        let outcome = try TollgateBinary.run([
            "run", "--no-config", "--backend", "ebpf", "--rules", path("rules.yaml"), "--sarif", path("r.sarif"), "--junit", path("r.xml"),
            "--summary", path("s.md"), "--json", path("f.json"), "--", "/bin/sh", "-c", "cat '\(key)' > /dev/null",
        ])
        #expect(outcome.status == 3, "\(outcome.stderr)")

        // Falco JSON lines: one finding, the SSH key rule, with Falco's keys.
        let lines = try String(contentsOfFile: path("f.json"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(Set(json.keys) == ["time", "rule", "priority", "output", "output_fields", "source", "tags", "hostname"])
        #expect(json["rule"] as? String == "Read SSH private key")
        #expect((json["output_fields"] as? [String: Any])?["fd.name"] as? String == key)

        // SARIF: one result for that rule, with a location, and the run's invocation.
        let sarif = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path("r.sarif")))) as? [String: Any])
        let run = try #require((sarif["runs"] as? [[String: Any]])?.first)
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == 1)
        #expect(results.first?["ruleId"] as? String == "Read SSH private key")
        #expect((results.first?["locations"] as? [Any])?.isEmpty == false)
        let invocation = try #require((run["invocations"] as? [[String: Any]])?.first)
        #expect(invocation["exitCode"] as? Int == 0)

        // JUnit: the rule's testcase failed, others passed, the tracer coverage case passed.
        let junit = try String(contentsOfFile: path("r.xml"), encoding: .utf8)
        #expect(junit.contains("name=\"Read SSH private key\""))
        #expect(junit.contains("<failure"))
        #expect(junit.contains("name=\"Kernel module loaded\""))
        #expect(junit.components(separatedBy: "<failure").count == 2, "only the rule that fired fails")
        #expect(junit.contains("tracer coverage"))

        // Markdown: the verdict and the process chain leading to the finding.
        let summary = try String(contentsOfFile: path("s.md"), encoding: .utf8)
        #expect(summary.contains("failed"))
        #expect(summary.contains("sh -> cat"))

        try Self.expectValidReports([path("r.sarif"), path("r.xml")])
    }

    /// Validates SARIF and JUnit files against `../shared/schemas` with `scripts/validate-reports`
    /// (skipped with a note when the schemas are not next to the repository).
    static func expectValidReports(_ paths: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let validation = Process()
        validation.executableURL = repositoryRoot.appendingPathComponent("scripts/validate-reports")
        let schemas = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/schemas")
        guard FileManager.default.fileExists(atPath: schemas.path) else {
            print("skipped schema validation: ../shared/schemas is not next to the repository")
            return
        }
        validation.arguments = ["--schemas", schemas.path] + paths
        try validation.run()
        validation.waitUntilExit()
        #expect(validation.terminationStatus == 0, "\(paths) do not validate", sourceLocation: sourceLocation)
    }
}
