import Foundation
import Testing

/// The CI context (issue 26): GitHub's and GitLab's runner variables become `ci.*` fields that
/// rules can be scoped with, and appear in every report: JSON `output_fields`, SARIF
/// `versionControlProvenance` and run properties, JUnit suite properties and the summary.
@Suite(.serialized)
struct CIContextEndToEndTests {
    struct Provider: Sendable, CustomTestStringConvertible {
        let name: String
        /// What the provider's runner sets (its documented variables).
        let environment: [String: String]
        /// `ci.*` field name (without `ci.`) to the value the gate must derive.
        let fields: [String: String]
        let repositoryURL: String
        let summary: String
        var testDescription: String { name }
    }

    static let providers = [
        Provider(name: "GitHub Actions, pull request", environment: [
            "CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "octo/app",
            "GITHUB_REF": "refs/pull/7/merge", "GITHUB_SHA": "0123456789abcdef0123456789abcdef01234567",
            "GITHUB_EVENT_NAME": "pull_request", "GITHUB_WORKFLOW": "CI", "GITHUB_JOB": "test", "GITHUB_ACTION": "gate",
            "GITHUB_RUN_ID": "4242", "GITHUB_RUN_ATTEMPT": "2", "GITHUB_ACTOR": "octocat", "RUNNER_ENVIRONMENT": "github-hosted",
        ], fields: [
            "provider": "github", "repository": "octo/app", "ref": "refs/pull/7/merge", "sha": "0123456789abcdef0123456789abcdef01234567",
            "event": "pull_request", "pr": "7", "workflow": "CI", "job": "test", "step": "gate", "run_id": "4242",
            "run_attempt": "2", "actor": "octocat", "runner": "hosted",
        ], repositoryURL: "https://github.com/octo/app",
        summary: "| CI | github: octo/app refs/pull/7/merge (pull\\_request \\#7), CI / test / gate, run 4242 attempt 2, by octocat, hosted runner |"),
        Provider(name: "GitLab CI, merge request", environment: [
            "CI": "true", "GITLAB_CI": "true", "CI_PROJECT_PATH": "group/app", "CI_PROJECT_URL": "https://gitlab.com/group/app",
            "CI_COMMIT_SHA": "fedcba9876543210fedcba9876543210fedcba98", "CI_COMMIT_REF_NAME": "feature",
            "CI_MERGE_REQUEST_REF_PATH": "refs/merge-requests/9/head", "CI_MERGE_REQUEST_IID": "9",
            "CI_PIPELINE_SOURCE": "merge_request_event", "CI_PIPELINE_NAME": "MR pipeline", "CI_JOB_NAME": "test",
            "CI_PIPELINE_ID": "1234", "GITLAB_USER_LOGIN": "alice", "CI_RUNNER_TAGS": "[\"saas-linux-small-amd64\"]",
        ], fields: [
            "provider": "gitlab", "repository": "group/app", "ref": "refs/merge-requests/9/head",
            "sha": "fedcba9876543210fedcba9876543210fedcba98", "event": "merge_request_event", "pr": "9",
            "workflow": "MR pipeline", "job": "test", "run_id": "1234", "actor": "alice", "runner": "hosted",
        ], repositoryURL: "https://gitlab.com/group/app",
        summary: "| CI | gitlab: group/app refs/merge-requests/9/head (merge\\_request\\_event \\#9), MR pipeline / test, run 1234, by alice, hosted runner |"),
    ]

    /// GitHub's job-control files may be written by the step's own shell and the shell scripts
    /// it runs; a program (here python, as an install script would) or a shell a program
    /// started is a finding of `CI Job control file written by a program` (issue 26), with the
    /// default rules, on every backend.
    @Test(arguments: GateBackend.allCases)
    func onlyTheStepsShellWritesTheJobControlFiles(_ backend: GateBackend) throws {
        try EndToEnd.skipUnlessRunnable(backend, needsRoot: false)
        let scratch = try Scratch()
        defer { scratch.remove() }
        let env = try scratch.write("set_env", "")
        let path = try scratch.write("add_path", "")
        let script = try scratch.write("step.sh", """
            echo FROM_STEP=1 >> "$GITHUB_ENV"
            sh "$(dirname "$0")/helper.sh"
            python3 "$(dirname "$0")/inject.py"
            """)
        _ = try scratch.write("inject.py", """
            import os
            open(os.environ["GITHUB_ENV"], "a").write("NODE_OPTIONS=--require=/tmp/x.js\\n")
            os.system('echo /tmp/evil >> "$GITHUB_PATH"')
            """)
        _ = try scratch.write("helper.sh", "echo /opt/tool/bin >> \"$GITHUB_PATH\"\n")
        var environment = ProcessInfo.processInfo.environment
        environment.merge(["GITHUB_ACTIONS": "true", "GITHUB_ENV": env.path, "GITHUB_PATH": path.path]) { $1 }
        let outcome = try GateRun(arguments: ["run", "--no-config", "--backend", backend.rawValue, "--", "bash", script.path],
                                  environment: environment, timeout: 60).run()
        let findings = outcome.stderr.split(separator: "\n").filter { $0.contains("CI Job control file written by a program") }
        #expect(findings.count == 2, "\(outcome.stderr)")
        #expect(findings.contains { $0.contains("written by python3 (syscall=openat file=\(env.path) path=\(env.path) ") }, "\(findings)")
        #expect(findings.contains { $0.contains("written by sh (syscall=openat file=\(path.path) path=\(path.path) ") && $0.contains("parent=python3") }, "\(findings)")
        #expect(outcome.status == 3, "\(outcome.stderr)")
        let written = try String(contentsOf: path, encoding: .utf8)
        #expect(written == "/opt/tool/bin\n/tmp/evil\n", "the step's helper and the injected line: \(written)")
    }

    /// Fires on the marker only in pull- and merge-request pipelines, and prints the context.
    static let rule = """
        - rule: Marker in a change request
          desc: The marker program ran in a pipeline for a pull or merge request.
          condition: evt.type in (execve, execveat) and proc.name = tg-marker and ci.event in (pull_request, merge_request_event)
          output: marker in %ci.provider %ci.repository pr=%ci.pr
          priority: ERROR

        """

    struct Reports {
        let status: Int32
        let stderr: String
        let json: URL, sarif: URL, junit: URL, summary: URL
    }

    func run(environment: [String: String], in scratch: Scratch) throws -> Reports {
        let marker = scratch.url.appendingPathComponent("tg-marker")
        try FileManager.default.copyItem(atPath: "/bin/true", toPath: marker.path)
        let rules = try scratch.write("ci.yaml", Self.rule)
        let reports = Reports(status: 0, stderr: "", json: scratch.url.appendingPathComponent("f.json"),
                              sarif: scratch.url.appendingPathComponent("r.sarif"), junit: scratch.url.appendingPathComponent("j.xml"),
                              summary: scratch.url.appendingPathComponent("s.md"))
        let outcome = try GateRun(arguments: ["run", "--no-config", "--backend", "ptrace", "-r", rules.path,
                                              "--json", reports.json.path, "--sarif", reports.sarif.path,
                                              "--junit", reports.junit.path, "--summary", reports.summary.path, "--", marker.path],
                                  environment: environment.merging(["PATH": "/usr/bin:/bin"]) { $1 }).run()
        return Reports(status: outcome.status, stderr: outcome.stderr, json: reports.json, sarif: reports.sarif,
                       junit: reports.junit, summary: reports.summary)
    }

    @Test(arguments: providers)
    func everyReportCarriesTheContextAndRulesSeeIt(_ provider: Provider) throws {
        try EndToEnd.skipUnlessRunnable(.ptrace, needsRoot: false)
        let scratch = try Scratch()
        defer { scratch.remove() }
        let reports = try run(environment: provider.environment, in: scratch)
        #expect(reports.status == 3, "the rule scoped to change requests did not fire: \(reports.stderr)")
        #expect(reports.stderr.contains("marker in \(provider.fields["provider"]!) \(provider.fields["repository"]!) pr=\(provider.fields["pr"]!)"),
                "\(reports.stderr)")

        let expectedFields = Dictionary(uniqueKeysWithValues: provider.fields.map { ("ci." + $0.key, $0.value) })
        let line = try #require(FalcoJSONFile(reports.json).lines.first, "no finding in the JSON lines")
        let ciFields = line.outputFields.filter { $0.key.hasPrefix("ci.") }.mapValues { $0 as? String ?? "" }
        #expect(ciFields == expectedFields)

        let sarif = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: reports.sarif)) as? [String: Any])
        let run = try #require((sarif["runs"] as? [[String: Any]])?.first)
        let provenance = try #require((run["versionControlProvenance"] as? [[String: Any]])?.first)
        #expect(provenance["repositoryUri"] as? String == provider.repositoryURL)
        #expect(provenance["revisionId"] as? String == provider.fields["sha"])
        #expect(provenance["branch"] as? String == provider.fields["ref"])
        #expect((run["properties"] as? [String: Any])?["ci"] as? [String: String] == provider.fields)
        try ReportsEndToEndTests.expectValidReports([reports.sarif.path, reports.junit.path])

        let junit = try String(contentsOf: reports.junit, encoding: .utf8)
        for (name, value) in expectedFields {
            #expect(junit.contains("<property name=\"tollgate.\(name)\" value=\"\(value)\"/>"), "JUnit lacks \(name)")
        }
        let summary = try String(contentsOf: reports.summary, encoding: .utf8)
        #expect(summary.contains(provider.summary), "\(summary)")
    }

    @Test func aLocalRunSaysNothingOfCIAndScopedRulesStayQuiet() throws {
        try EndToEnd.skipUnlessRunnable(.ptrace, needsRoot: false)
        let scratch = try Scratch()
        defer { scratch.remove() }
        let reports = try run(environment: ["HOME": NSHomeDirectory()], in: scratch)
        #expect(reports.status == 0, "\(reports.stderr)")
        let sarif = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: reports.sarif)) as? [String: Any])
        let run = try #require((sarif["runs"] as? [[String: Any]])?.first)
        #expect(run["versionControlProvenance"] == nil && run["properties"] == nil)
        #expect(try !String(contentsOf: reports.junit, encoding: .utf8).contains("tollgate.ci."))
        #expect(try !String(contentsOf: reports.summary, encoding: .utf8).contains("| CI |"))
    }
}
