import Foundation
import Testing

/// A job with `GITHUB_TOKEN`, `AWS_SECRET_ACCESS_KEY`, a declared secret and a `ghp_`-shaped
/// value in its environment and arguments trips a rule; no report, annotation, step summary or
/// line on standard error holds any of the values.
@Suite(.enabled(if: getuid() == 0, "needs root: gates a job with every backend"))
struct SecretMaskingEndToEndTests {
    static let secrets = [
        "GITHUB_TOKEN": "ghs_aaaaBBBBccccDDDDeeeeFFFFggggHHHHiiii1234",
        "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "HOOK_URL": "https://hooks.example/T000/B000/xyzzy123",
    ]
    /// Not in the environment: masked by its format alone.
    static let literalToken = "ghp_0123456789abcdefghij0123456789abcdef"
    /// Set by the job itself for a child: learned from that exec's environment.
    static let childSecret = "inline-pass-7788"

    @Test(arguments: GateBackend.allCases)
    func noSecretValueLeavesTheGate(_ backend: GateBackend) throws {
        try EndToEnd.skipUnlessRunnable(backend, needsRoot: false)
        let scratch = try Scratch()
        defer { scratch.remove() }
        try FileManager.default.createDirectory(at: scratch.url.appendingPathComponent("home/.ssh"), withIntermediateDirectories: true)
        let key = try scratch.write("home/.ssh/id_rsa", "not a key\n").path
        let stepSummary = try scratch.write("step-summary.md", "earlier step\n").path
        func path(_ name: String) -> String { scratch.url.appendingPathComponent(name).path }
        let job = """
            cat '\(key)' "$GITHUB_TOKEN" "x$AWS_SECRET_ACCESS_KEY" \(Self.literalToken) "$HOOK_URL" 2>/dev/null
            DEPLOY_PASSWORD=\(Self.childSecret) sh -c 'cat "\(key)" "$DEPLOY_PASSWORD" 2>/dev/null'
            exit 0
            """
        var environment = ProcessInfo.processInfo.environment.merging(Self.secrets) { $1 }
        environment["GITHUB_ACTIONS"] = "true"
        environment["GITHUB_STEP_SUMMARY"] = stepSummary
        let outcome = try GateRun(arguments: [
            "run", "--no-config", "--backend", backend.rawValue, "--secret-env", "HOOK_URL",
            "--sarif", path("r.sarif"), "--junit", path("r.xml"), "--json", path("r.json"), "--summary", path("r.md"),
            "--codequality", path("r.cq.json"), "--", "/bin/sh", "-c", job,
        ], environment: environment).run()
        #expect(outcome.status == 3, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("CI Read SSH private key"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("***"), "\(outcome.stderr)")

        let values = Array(Self.secrets.values) + [Self.literalToken, Self.childSecret]
        var outputs = ["stderr": outcome.stderr, "stdout": String(decoding: outcome.stdout, as: UTF8.self)]
        for name in ["r.sarif", "r.xml", "r.json", "r.md", "r.cq.json", "step-summary.md"] {
            outputs[name] = try String(contentsOfFile: path(name), encoding: .utf8)
        }
        for (name, text) in outputs {
            for value in values {
                #expect(!text.contains(value), "\(backend): '\(value)' is in \(name)")
            }
        }
        #expect(outputs["stdout"]?.contains("::error ") == true, "the annotations were printed")
        #expect(outputs["r.md"]?.contains("secret values masked") == true)
        #expect(outputs["step-summary.md"]?.hasPrefix("earlier step\n") == true)
    }

    /// A secret the job exports itself, past the first 4 KiB of an environment the capture
    /// keeps, is learned from the live process and masked.
    @Test(arguments: GateBackend.allCases)
    func aSecretPastTheCapturedEnvironmentIsMasked(_ backend: GateBackend) throws {
        try EndToEnd.skipUnlessRunnable(backend, needsRoot: false)
        let scratch = try Scratch()
        defer { scratch.remove() }
        try FileManager.default.createDirectory(at: scratch.url.appendingPathComponent("home/.ssh"), withIntermediateDirectories: true)
        let key = try scratch.write("home/.ssh/id_rsa", "not a key\n").path
        let json = scratch.url.appendingPathComponent("f.json").path
        let secret = "fetchedSecret4242"
        let job = """
            export NPM_TOKEN=\(secret)
            python3 -c 'import sys, time; open(sys.argv[1]).read(); time.sleep(0.3)' '\(key)' "$NPM_TOKEN"
            """
        let environment = ["PATH": "/usr/bin:/bin", "A_PAD": String(repeating: "x", count: 5000)]
        let outcome = try GateRun(arguments: ["run", "--no-config", "--backend", backend.rawValue, "--json", json,
                                              "--", "/bin/sh", "-c", job], environment: environment).run()
        #expect(outcome.status == 3, "\(outcome.stderr)")
        let text = try String(contentsOfFile: json, encoding: .utf8)
        #expect(text.contains("CI Read SSH private key"))
        #expect(!text.contains(secret), "\(backend): \(text)")
        #expect(!outcome.stderr.contains(secret), "\(backend): \(outcome.stderr)")
    }
}
