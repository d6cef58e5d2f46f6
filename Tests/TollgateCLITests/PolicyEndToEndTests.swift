import Foundation
import Testing

/// The policy cannot be emptied or weakened behind the pipeline's back, and every report says
/// what judged the run.
struct PolicyEndToEndTests {
    static let rule = """
        - rule: Policy marker
          desc: The marker file was read.
          condition: evt.type in (open, openat, openat2) and fd.name endswith "/policy-marker"
          output: marker read by %proc.name
          priority: ERROR
        """

    @Test("zero enabled rules is exit 65, whatever emptied the policy", arguments: [
        ("an empty rules file", ["rules.yaml": ""], ["--rules", "rules.yaml"]),
        ("a folder without *.yaml", ["empty/README": "x"], ["--rules", "empty"]),
        ("rules: [] in the config", [".tollgate.yaml": "rules: []\n"], [String]()),
        ("every rule disabled", ["rules.yaml": rule + "\n- rule: Policy marker\n  enabled: false\n  override: {enabled: replace}\n"], ["--rules", "rules.yaml"]),
    ])
    func noRulesFails(name: String, files: [String: String], flags: [String]) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        for (path, text) in files {
            let url = scratch.url.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        let outcome = try GateRun(arguments: ["run"] + flags + ["--", "/bin/true"], workingDirectory: scratch.url).run()
        #expect(outcome.status == 65, "\(name): \(outcome.stderr)")
        #expect(outcome.stderr.contains("no enabled rule was loaded"), "\(name): \(outcome.stderr)")
        let analyze = try GateRun(arguments: ["analyze"] + flags + ["/nonexistent.tgcap"], workingDirectory: scratch.url).run()
        if flags.isEmpty { return }
        #expect(analyze.status == 65, "\(name), analyze: \(analyze.stderr)")
    }

    /// The working directory's config tries to disable the pipeline's rule and raise fail_on;
    /// `--rules` and `--fail-on` given on the command line win, and the reports list the policy.
    @Test(.enabled(if: getuid() == 0, "needs root: gates a job"))
    func theCommandLineWinsAndReportsListThePolicy() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let rules = try scratch.write("pipeline-rules.yaml", Self.rule + """

            - rule: Module loaded
              desc: Never fires here.
              condition: evt.type = init_module
              output: module loaded
              priority: ERROR
            """)
        _ = try scratch.write("tuning.yaml", "- rule: Policy marker\n  enabled: false\n  override: {enabled: replace}\n")
        let config = try scratch.write(".tollgate.yaml", "rules: [pipeline-rules.yaml]\nextra_rules: [tuning.yaml]\nfail_on: emergency\n")
        let marker = try scratch.write("policy-marker", "x")
        let sarif = scratch.url.appendingPathComponent("r.sarif").path
        let flagged = try GateRun(arguments: ["run", "--rules", rules.path, "--fail-on", "warning", "--sarif", sarif,
                                              "--", "/bin/cat", marker.path], workingDirectory: scratch.url).run()
        #expect(flagged.status == 3, "the config could not weaken the pipeline's policy: \(flagged.stderr)")
        #expect(flagged.stderr.contains("Policy marker"))
        let properties = try Self.invocationProperties(sarif)
        let sources = try #require(properties["policySources"] as? [[String: String]])
        #expect(sources.map { $0["kind"] ?? "" } == ["rules", "config"])
        #expect(sources.map { $0["sha256"] ?? "" } == [try Self.sha256(rules.path), try Self.sha256(config.path)])
        #expect(properties["weakenedRules"] == nil)

        // Without the flags, the config's tuning applies, and every report names the rule it disabled.
        let summary = scratch.url.appendingPathComponent("s.md").path
        let junit = scratch.url.appendingPathComponent("r.xml").path
        let tuned = try GateRun(arguments: ["run", "--summary", summary, "--sarif", sarif, "--junit", junit,
                                            "--", "/bin/cat", marker.path], workingDirectory: scratch.url).run()
        #expect(tuned.status == 0, "\(tuned.stderr)")
        let weakened = "tuning.yaml:1:3: 'Policy marker' disabled"
        #expect(try String(contentsOfFile: summary, encoding: .utf8).contains("Weakened: ./\(weakened)"))
        #expect(try String(contentsOfFile: junit, encoding: .utf8).contains(weakened.replacingOccurrences(of: "'", with: "&apos;")))
        let tunedProperties = try Self.invocationProperties(sarif)
        #expect((tunedProperties["weakenedRules"] as? [[String: String]])?.first?["rule"] == "Policy marker")
        #expect((tunedProperties["policySources"] as? [[String: String]])?.map { $0["kind"] ?? "" } == ["rules", "rules", "config"])
    }

    /// The config's report paths stay in its folder, even when the job turns a folder on the
    /// way into a symlink to somewhere else.
    @Test(.enabled(if: getuid() == 0, "needs root: gates a job"))
    func configReportsStayInTheProject() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let outside = try Scratch()
        defer { outside.remove() }
        let victim = try outside.write("s.md", "precious\n")
        _ = try scratch.write(".tollgate.yaml", "reports: {summary: out/s.md}\n")
        let outcome = try GateRun(arguments: ["run", "--", "/bin/ln", "-s", outside.url.path, "out"], workingDirectory: scratch.url).run()
        #expect(outcome.status == 74, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("the config's report paths stay inside"), "\(outcome.stderr)")
        #expect(try String(contentsOf: victim, encoding: .utf8) == "precious\n")
    }

    static func invocationProperties(_ sarif: String) throws -> [String: Any] {
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: sarif))) as? [String: Any])
        let run = try #require((document["runs"] as? [[String: Any]])?.first)
        return try #require((run["invocations"] as? [[String: Any]])?.first?["properties"] as? [String: Any])
    }

    static func sha256(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(String(decoding: output, as: UTF8.self).prefix(64))
    }
}
