import Foundation
import Testing

/// Issue 5: a rule that needs a return value is not evaluable on seccomp, which sees each
/// syscall before it runs. The same job and rules under seccomp and ptrace: on seccomp the
/// rule is a JUnit `<skipped>` testcase with the reason (and in SARIF, Markdown and the stderr
/// summary) while the rule that needs no return value still fires; on ptrace both fire.
@Suite(.serialized)
struct ExitDataEndToEndTests {
    static let rules = """
        - rule: Marker opened
          desc: Needs no return value (evt.failed=false only narrows to successes).
          condition: evt.type in (open, openat, openat2) and evt.failed = false and fd.name endswith "/present-marker"
          output: marker opened by %proc.name (file=%fd.name)
          priority: WARNING
        - rule: Marker open denied
          desc: Needs the return value.
          condition: evt.type in (open, openat, openat2) and evt.res = ENOENT and fd.name endswith "/absent-marker"
          output: missing marker opened by %proc.name (file=%fd.name)
          priority: WARNING
        """

    struct Run {
        let outcome: GateRun.Outcome
        let junit: String
        let sarif: String
        let summary: String
    }

    static func gate(_ backend: GateBackend) throws -> Run {
        try EndToEnd.skipUnlessRunnable(backend, needsRoot: true)
        let scratch = try Scratch()
        defer { scratch.remove() }
        let rules = try scratch.write("rules.yaml", Self.rules)
        let present = try scratch.write("present-marker", "x")
        let absent = scratch.url.appendingPathComponent("absent-marker")
        func path(_ name: String) -> String { scratch.url.appendingPathComponent(name).path }
        let outcome = try GateRun(arguments: [
            "run", "--no-config", "--backend", backend.rawValue, "--rules", rules.path, "--junit", path("r.xml"),
            "--sarif", path("r.sarif"), "--summary", path("s.md"), "--",
            "/bin/sh", "-c", "cat '\(present.path)' > /dev/null; cat '\(absent.path)' 2> /dev/null; true",
        ]).run()
        try EndToEnd.skipIfNotImplemented(backend, outcome)
        func read(_ name: String) throws -> String { try String(contentsOfFile: path(name), encoding: .utf8) }
        return Run(outcome: outcome, junit: try read("r.xml"), sarif: try read("r.sarif"), summary: try read("s.md"))
    }

    /// The `<testcase>` element of `rule`, up to its end.
    static func testcase(_ rule: String, in junit: String) -> String? {
        guard let start = junit.range(of: "name=\"\(rule)\"") else { return nil }
        let rest = junit[start.lowerBound...]
        guard let end = rest.range(of: "</testcase>") ?? rest.range(of: "/>") else { return String(rest) }
        return String(rest[..<end.upperBound])
    }

    @Test(.enabled(if: EndToEnd.isRoot, "needs root: the test job's backends are probed as root"))
    func seccompSkipsTheRuleThatNeedsTheReturnValue() throws {
        let run = try Self.gate(.seccomp)
        #expect(run.outcome.status == 3, "the evaluable rule fired and blocks: \(run.outcome.stderr)")
        let denied = try #require(Self.testcase("Marker open denied", in: run.junit), "\(run.junit)")
        #expect(denied.contains("<skipped message=\"its condition needs &apos;evt.res&apos; from the syscall&apos;s return"
                                + " (return value or memory the kernel writes), which the seccomp backend does not see\""), "\(denied)")
        let opened = try #require(Self.testcase("Marker opened", in: run.junit), "\(run.junit)")
        #expect(opened.contains("<failure"), "the rule seccomp can evaluate still fires:\n\(opened)")
        #expect(run.junit.contains("skipped=\"1\""), "\(run.junit)")
        #expect(run.sarif.contains("tollgate/rule-not-evaluable"), "\(run.sarif)")
        #expect(run.sarif.contains("\"notEvaluable\""), "\(run.sarif)")
        #expect(run.summary.contains("Not evaluable on this backend (quiet is not a pass): **Marker open denied**"), "\(run.summary)")
        #expect(run.outcome.stderr.contains("1 rules not evaluable on this backend"), "\(run.outcome.stderr)")
    }

    /// With return values the same rule is evaluated and fires: the skip above is the backend's.
    @Test(.enabled(if: EndToEnd.isRoot, "needs root: the test job's backends are probed as root"))
    func ptraceEvaluatesBothRules() throws {
        let run = try Self.gate(.ptrace)
        #expect(run.outcome.status == 3, "\(run.outcome.stderr)")
        for rule in ["Marker open denied", "Marker opened"] {
            let testcase = try #require(Self.testcase(rule, in: run.junit), "\(run.junit)")
            #expect(testcase.contains("<failure"), "\(rule):\n\(testcase)")
        }
        #expect(!run.junit.contains("<skipped"), "\(run.junit)")
        #expect(!run.outcome.stderr.contains("not evaluable"), "\(run.outcome.stderr)")
    }
}
