import Testing
@testable import TollgateReports

@Suite("SARIF anchors")
struct SARIFAnchorTests {
    static let workflow = """
    name: CI
    on: [push]
    jobs:
      lint:
        runs-on: ubuntu-latest
        steps:
          - run: echo tollgate is not here
      build:
        runs-on: ubuntu-latest
        steps:
          - uses: actions/checkout@v5
          # tollgate in a comment does not count
          - name: Gate the build
            id: gate
            run: |
              tollgate run --sarif out.sarif -- make test
          - name: Other
            run: tollgate run -- make lint
    """

    static let gitlab = """
    stages: [test]
    variables:
      X: "1"
    build:
      stage: test
      script:
        - make deps
        - tollgate run --junit r.xml -- make test
    "lint job":
      script:
        - make lint
    """

    struct AnchorCase: Sendable, CustomTestStringConvertible {
        var name: String
        var environment: [String: String]
        var flag: String?
        var files: [String: String]
        var expected: SARIFAnchor?
        var testDescription: String { name }
    }

    static let githubEnvironment = [
        "GITHUB_ACTIONS": "true", "GITHUB_WORKFLOW_REF": "octo/repo/.github/workflows/ci.yml@refs/heads/main",
        "GITHUB_JOB": "build", "GITHUB_ACTION": "gate",
    ]

    static let cases: [AnchorCase] = [
        AnchorCase(name: "GitHub: the step with the action's id", environment: githubEnvironment, flag: "x.yml:3",
                   files: [".github/workflows/ci.yml": workflow],
                   expected: SARIFAnchor(path: ".github/workflows/ci.yml", line: 13, origin: .githubWorkflow)),
        AnchorCase(name: "GitHub: step without id, first line mentioning tollgate in the job",
                   environment: githubEnvironment.merging(["GITHUB_ACTION": "__run_2"]) { $1 }, flag: nil,
                   files: [".github/workflows/ci.yml": workflow],
                   expected: SARIFAnchor(path: ".github/workflows/ci.yml", line: 16, origin: .githubWorkflow)),
        AnchorCase(name: "GitHub: unknown job gives line 1",
                   environment: githubEnvironment.merging(["GITHUB_JOB": "deploy"]) { $1 }, flag: nil,
                   files: [".github/workflows/ci.yml": workflow],
                   expected: SARIFAnchor(path: ".github/workflows/ci.yml", line: 1, origin: .githubWorkflow)),
        AnchorCase(name: "GitHub: unreadable workflow gives line 1", environment: githubEnvironment, flag: nil, files: [:],
                   expected: SARIFAnchor(path: ".github/workflows/ci.yml", line: 1, origin: .githubWorkflow)),
        AnchorCase(name: "GitHub: ref without a workflow path falls back to the flag",
                   environment: ["GITHUB_ACTIONS": "true", "GITHUB_WORKFLOW_REF": "octo/repo@main"], flag: "ci/gate.yml:7", files: [:],
                   expected: SARIFAnchor(path: "ci/gate.yml", line: 7, origin: .flag)),
        AnchorCase(name: "GitLab: the tollgate line of the job", environment: ["GITLAB_CI": "true", "CI_JOB_NAME": "build"], flag: nil,
                   files: [".gitlab-ci.yml": gitlab],
                   expected: SARIFAnchor(path: ".gitlab-ci.yml", line: 8, origin: .gitlabConfig)),
        AnchorCase(name: "GitLab: quoted job key, no tollgate line: the key",
                   environment: ["GITLAB_CI": "true", "CI_JOB_NAME": "lint job", "CI_CONFIG_PATH": "ci/main.yml"], flag: nil,
                   files: ["ci/main.yml": gitlab],
                   expected: SARIFAnchor(path: "ci/main.yml", line: 9, origin: .gitlabConfig)),
        AnchorCase(name: "GitLab: parallel job name", environment: ["GITLAB_CI": "true", "CI_JOB_NAME": "build 2/3"], flag: nil,
                   files: [".gitlab-ci.yml": gitlab],
                   expected: SARIFAnchor(path: ".gitlab-ci.yml", line: 8, origin: .gitlabConfig)),
        AnchorCase(name: "GitLab: config in another project is not anchored",
                   environment: ["GITLAB_CI": "true", "CI_CONFIG_PATH": "ci.yml@group/other"], flag: nil, files: [:], expected: nil),
        AnchorCase(name: "no CI, a flag", environment: [:], flag: "deploy/Dockerfile", files: [:],
                   expected: SARIFAnchor(path: "deploy/Dockerfile", line: 1, origin: .flag)),
        AnchorCase(name: "no CI, no flag", environment: ["GITHUB_ACTIONS": "false"], flag: nil, files: [:], expected: nil),
    ]

    @Test("the run anchor follows CI file, then flag", arguments: cases)
    func runAnchor(_ testCase: AnchorCase) throws {
        let flag = try testCase.flag.map { try SARIFAnchor(flagValue: $0) }
        let anchor = SARIFAnchor.runAnchor(environment: testCase.environment, flag: flag) { testCase.files[$0] }
        #expect(anchor == testCase.expected)
    }

    @Test("each finding falls back to its rule's definition, then a placeholder")
    func findingFallback() {
        let rule = ReportFixtures.rules[1]
        #expect(SARIFAnchor.resolve(runAnchor: nil, rule: rule) == SARIFAnchor(path: "rules/outbound.yaml", line: 12, origin: .ruleDefinition))
        let run = SARIFAnchor(path: "a.yml", line: 2, origin: .flag)
        #expect(SARIFAnchor.resolve(runAnchor: run, rule: rule) == run)
        #expect(SARIFAnchor.resolve(runAnchor: nil, rule: nil).origin == .placeholder)
    }

    @Test("--sarif-anchor values", arguments: [
        ("ci.yml:12", "ci.yml", 12),
        ("ci.yml", "ci.yml", 1),
        ("dir:with:colons/file", "dir:with:colons/file", 1),
        ("C:12", "C", 12),
    ])
    func flagValues(value: String, path: String, line: Int) throws {
        let anchor = try SARIFAnchor(flagValue: value)
        #expect(anchor.path == path && anchor.line == line && anchor.origin == .flag)
    }

    @Test("bad --sarif-anchor values are refused with the reason", arguments: [
        ("ci.yml:0", "invalid --sarif-anchor 'ci.yml:0': the line must be 1 or more"),
        (":5", "invalid --sarif-anchor ':5': give a file path, optionally followed by ':LINE'"),
        ("", "invalid --sarif-anchor '': give a file path, optionally followed by ':LINE'"),
    ])
    func badFlagValues(value: String, message: String) {
        #expect(throws: SARIFAnchorError.self) { try SARIFAnchor(flagValue: value) }
        do {
            _ = try SARIFAnchor(flagValue: value)
        } catch {
            #expect(error.description == message)
        }
    }

    @Test("URIs: relative paths are percent-encoded against %SRCROOT%, absolute ones become file URIs", arguments: [
        ("./.github/workflows/ci.yml", ".github/workflows/ci.yml", true),
        ("rules/my rules/ci#1.yaml", "rules/my%20rules/ci%231.yaml", true),
        ("/etc/tollgate/rules.yaml", "file:///etc/tollgate/rules.yaml", false),
        ("règles.yaml", "r%C3%A8gles.yaml", true),
    ])
    func uris(path: String, uri: String, relative: Bool) {
        let anchor = SARIFAnchor(path: path, line: 1, origin: .flag)
        #expect(anchor.uri == uri)
        #expect(anchor.isRelative == relative)
    }

    @Test("GITHUB_WORKFLOW_REF parsing", arguments: [
        ("octo/repo/.github/workflows/ci.yml@refs/heads/main", ".github/workflows/ci.yml"),
        ("octo/repo/.github/workflows/sub/x.yaml@refs/pull/1/merge", ".github/workflows/sub/x.yaml"),
        ("octo/repo/.github/workflows/@x", nil),
        ("nothing", nil),
    ])
    func workflowRef(ref: String, path: String?) {
        #expect(CIFile.workflowPath(fromRef: ref) == path)
    }
}
