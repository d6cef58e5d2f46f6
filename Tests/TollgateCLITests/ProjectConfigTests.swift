import Foundation
import ArgumentParser
import Testing
import TollgateEvents
import TollgateRules
@testable import tollgate

struct ProjectConfigTests {
    @Test func readsEverySettingWithPathsRelativeToTheFile() throws {
        let config = try ProjectConfig.parse("""
            rules: [rules/, more.yaml]
            extra_rules: tuning.yaml
            fail_on: error
            backend: ptrace
            grace: 2.5
            reports:
              json: out/findings.json
              sarif: r.sarif
              sarif_anchor: .github/workflows/ci.yml:12
            commands:
              pre-push: make test
              ci: make -j2 all
            """, path: "project/.tollgate.yaml")
        #expect(config.rules == ["project/rules/", "project/more.yaml"])
        #expect(config.extraRules == ["project/tuning.yaml"])
        #expect(config.failOn == "error")
        #expect(config.backend == "ptrace")
        #expect(config.grace == 2.5)
        #expect(config.reports == ["json": "project/out/findings.json", "sarif": "project/r.sarif",
                                   "sarif_anchor": ".github/workflows/ci.yml:12"])
        #expect(config.commands == ["pre-push": "make test", "ci": "make -j2 all"])
    }

    @Test func anAliasStandsForItsAnchoredValue() throws {
        let config = try ProjectConfig.parse("rules: &shared [rules/, more.yaml]\nextra_rules: *shared\n",
                                             path: "project/.tollgate.yaml")
        #expect(config.rules == ["project/rules/", "project/more.yaml"])
        #expect(config.extraRules == config.rules)
    }

    @Test func anEmptyFileIsAnEmptyConfig() throws {
        #expect(try ProjectConfig.parse("", path: ".tollgate.yaml") == ProjectConfig(path: ".tollgate.yaml"))
        #expect(try ProjectConfig.parse("# nothing yet\n", path: ".tollgate.yaml") == ProjectConfig(path: ".tollgate.yaml", text: "# nothing yet\n"))
    }

    @Test(arguments: [
        ("unknown top-level key", "fail-on: error\n", "c.yaml:1:1: error: unknown key 'fail-on'; did you mean 'fail_on'? [CONFIG_UNKNOWN_KEY]"),
        ("unknown report", "reports:\n  sarf: x\n", "c.yaml:2:3: error: unknown key 'sarf'; did you mean 'sarif'? [CONFIG_UNKNOWN_KEY]"),
        ("bad priority", "fail_on: warnig\n", "c.yaml:1:10: error: unknown priority 'warnig'; did you mean 'warning'? [CONFIG_VALUE]"),
        ("bad backend", "backend: bpf\n", "c.yaml:1:10: error: unknown backend 'bpf'; use one of auto, ebpf, ptrace, seccomp [CONFIG_VALUE]"),
        ("negative grace", "grace: -1\n", "c.yaml:1:8: error: 'grace' takes a number of seconds, at least 0, not '-1' [CONFIG_VALUE]"),
        ("commands not a mapping", "commands: make\n", "c.yaml:1:11: error: 'commands' takes a mapping, found a scalar [CONFIG_VALUE]"),
        ("empty command", "commands:\n  pre-push:\n", "c.yaml:2:12: error: 'pre-push' takes a non-empty string, found null [CONFIG_VALUE]"),
        ("not a mapping", "- rules\n", "c.yaml:1:1: error: expected a mapping of settings, found a sequence [CONFIG_SHAPE]"),
        ("broken YAML", "rules: [a\n", "c.yaml:2:1: error: YAML error:"),
        ("absolute report path", "reports:\n  summary: /etc/motd\n", "c.yaml:2:12: error: report paths in the config stay inside the project: '/etc/motd' is absolute or leaves it; give it with --summary instead [CONFIG_VALUE]"),
        ("report path leaving the project", "reports:\n  json: out/../../x.json\n", "c.yaml:2:9: error: report paths in the config stay inside the project: 'out/../../x.json'"),
        ("alias bomb", "a: &a [x, x]\n" + (1...17).map { "l\($0): &a [*a, *a]\n" }.joined(),
         "c.yaml:15:14: error: YAML error: aliases expand to more than 100000 nodes (an alias bomb?) [CONFIG_YAML]"),
    ])
    func rejectsBadFilesWithTheirPosition(name: String, text: String, expected: String) {
        #expect(throws: ProjectConfig.Problem.self, "\(name)") { try ProjectConfig.parse(text, path: "c.yaml") }
        do {
            _ = try ProjectConfig.parse(text, path: "c.yaml")
        } catch {
            #expect(error.description.hasPrefix(expected), "\(name): \(error.description)")
        }
    }
}

struct RunSettingsTests {
    static let config = ProjectConfig(
        path: ".tollgate.yaml", rules: ["team-rules/"], extraRules: ["tuning.yaml"], failOn: "error",
        backend: "ptrace", grace: 3, reports: ["json": "c.json", "sarif": "c.sarif"],
        commands: ["pre-push": "make test"])

    func settings(_ arguments: [String], config: ProjectConfig? = config) throws -> RunSettings {
        try RunSettings(flags: try RunCommand.parse(arguments), config: config)
    }

    @Test func theConfigFillsWhatTheFlagsLeaveOpen() throws {
        let settings = try settings(["--", "make"])
        #expect(settings.rulePaths == ["team-rules/"])
        #expect(settings.extraRulePaths == ["tuning.yaml"])
        #expect(settings.failOn == .error)
        #expect(settings.backend == .ptrace)
        #expect(settings.grace == 3)
        #expect(settings.reports.jsonPath == "c.json" && settings.reports.sarifPath == "c.sarif")
        #expect(settings.command == ["make"])
    }

    @Test func flagsOverrideTheConfig() throws {
        let settings = try settings(["--rules", "mine.yaml", "--fail-on", "notice", "--backend", "ebpf", "--grace", "0",
                                     "--json", "f.json", "--", "make"])
        #expect(settings.rulePaths == ["mine.yaml"])
        #expect(settings.extraRulePaths == [], "--rules replaces the config's rules and its tuning wholesale")
        #expect(settings.failOn == .notice)
        #expect(settings.backend == .ebpf)
        #expect(settings.grace == 0)
        #expect(settings.reports.jsonPath == "f.json" && settings.reports.sarifPath == "c.sarif")
    }

    @Test func defaultsWithoutAConfig() throws {
        let settings = try settings(["--", "make", "test"], config: nil)
        #expect(settings.rulePaths == nil)
        #expect(settings.failOn == .warning && settings.backend == .auto && settings.grace == 10)
        #expect(settings.command == ["make", "test"])
    }

    @Test func namedCommandsRunThroughTheShell() throws {
        // The job shell: bash where the machine has it (as GitHub's and GitLab's runners), else sh.
        let shell = FileManager.default.isExecutableFile(atPath: "/bin/bash") ? "/bin/bash" : "/bin/sh"
        #expect(try settings(["--named", "pre-push"]).command == [shell, "-c", "make test"])
        #expect(throws: ValidationError.self) { try settings(["--named", "deploy"]) }
        #expect(throws: ValidationError.self) { try settings(["--named", "pre-push"], config: nil) }
    }

    @Test(arguments: [["make"], ["--named", "x", "--", "make"], ["--fail-on", "loud", "--", "make"],
                      ["--grace", "-1", "--", "make"], ["--config", "a", "--no-config", "--", "make"]])
    func usageErrors(arguments: [String]) {
        #expect(throws: (any Error).self) { try RunCommand.parse(arguments) }
    }

    /// The config and the flags take the same values, from the same lists.
    @Test func theConfigAndTheFlagsTakeTheSameValues() throws {
        for choice in BackendChoice.allCases {
            #expect(try ProjectConfig.parse("backend: \(choice.rawValue)\n", path: "c.yaml").backend == choice.rawValue)
            #expect(try settings(["--backend", choice.rawValue, "--", "make"]).backend == choice)
        }
        #expect(Priority.spellings.count == Priority.allCases.count + 1, "every priority, and INFO")
        for spelling in Priority.spellings + Priority.spellings.map({ $0.lowercased() }) {
            let priority = try #require(Priority(parsing: spelling))
            #expect(try settings(["--", "make"], config: try ProjectConfig.parse("fail_on: \(spelling)\n", path: "c.yaml")).failOn == priority)
            #expect(try settings(["--fail-on", spelling, "--kill-on", spelling, "--", "make"]).failOn == priority)
        }
        #expect(throws: (any Error).self) { try ProjectConfig.parse("backend: replay\n", path: "c.yaml") }
        #expect(throws: (any Error).self) { try RunCommand.parse(["--backend", "replay", "--", "make"]) }
    }
}

/// The published JSON Schema (`schemas/tollgate-config.schema.json`, through
/// `scripts/validate-config`) accepts what the parser accepts and refuses what it refuses, so an
/// editor's checks and the gate's agree.
struct ProjectConfigSchemaTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static let valid = [
        "",
        "rules: [rules/, more.yaml]\nextra_rules: tuning.yaml\nfail_on: error\nbackend: ptrace\ngrace: 2.5\n",
        "fail_on: INFO\nreports: {json: out/f.json, sarif: r.sarif, junit: j.xml, summary: s.md, codequality: q.json, sarif_anchor: ci.yml:12}\n",
        "fail_on: Critical\ngrace: 0\ncommands:\n  pre-push: make test\n  ci: make -j2 all\nsecrets: [DEPLOY_HOOK_URL, NPM_TOKEN]\n",
        "rules: &shared [rules/]\nextra_rules: *shared\nsecrets: ONE_SECRET\n",
        "baseline: ci/baseline.yaml\nbaseline_priority: error\n",
    ]

    static let invalid = [
        "fail-on: error\n", "reports:\n  sarf: x\n", "fail_on: warnig\n", "backend: bpf\n", "grace: -1\n",
        "commands: make\n", "commands:\n  pre-push:\n", "- rules\n", "reports:\n  summary: /etc/motd\n",
        "reports:\n  json: out/../../x.json\n", "secrets: [\"\"]\n", "rules: []\nfail_on: \n",
        "baseline_priority: loud\n", "baseline: [a, b]\n",
    ]

    /// Runs the validator on each text; the lines it printed, in order.
    func schemaVerdicts(_ texts: [String]) throws -> [Bool] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-config-schema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var verdicts: [Bool] = []
        for (index, text) in texts.enumerated() {
            let file = folder.appendingPathComponent("\(index).yaml")
            try text.write(to: file, atomically: true, encoding: .utf8)
            let process = Process()
            process.executableURL = Self.repository.appendingPathComponent("scripts/validate-config")
            process.arguments = [file.path]
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            try #require(process.terminationStatus <= 1, "validate-config failed to run: \(printed)")
            verdicts.append(process.terminationStatus == 0 && printed.hasSuffix(": ok\n"))
        }
        return verdicts
    }

    @Test func theSchemaAcceptsWhatTheParserAccepts() throws {
        for text in Self.valid { #expect(throws: Never.self, "\(text)") { try ProjectConfig.parse(text, path: "c.yaml") } }
        #expect(try schemaVerdicts(Self.valid) == Array(repeating: true, count: Self.valid.count))
    }

    @Test func theSchemaRefusesWhatTheParserRefuses() throws {
        for text in Self.invalid {
            #expect(throws: ProjectConfig.Problem.self, "\(text)") { try ProjectConfig.parse(text, path: "c.yaml") }
        }
        let verdicts = try schemaVerdicts(Self.invalid)
        for (text, accepted) in zip(Self.invalid, verdicts) { #expect(!accepted, "the schema accepts \(text)") }
    }
}
