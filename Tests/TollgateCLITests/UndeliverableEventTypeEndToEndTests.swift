import Foundation
import Testing

/// Issue 24: a rule may name any event type Falco knows, but one with no syscall number on
/// this architecture (the `container` meta event) reaches no backend. Such a rule is a JUnit
/// `<skipped>` testcase with the reason, not a quiet pass; a rule on a type the backend hooks
/// is still evaluated.
@Suite(.serialized)
struct UndeliverableEventTypeEndToEndTests {
    static let rules = """
        - rule: Container started
          desc: Falco's container meta event, which tollgate's backends cannot deliver.
          condition: evt.type = container
          output: container started
          priority: WARNING
        - rule: Marker opened
          desc: A syscall every backend hooks.
          condition: evt.type in (open, openat, openat2) and fd.name endswith "/present-marker"
          output: marker opened by %proc.name (file=%fd.name)
          priority: WARNING
        """

    @Test(.enabled(if: EndToEnd.isRoot, "needs root: the test job's backends are probed as root"),
          arguments: GateBackend.allCases)
    func ruleOnAnUndeliverableTypeIsSkipped(_ backend: GateBackend) throws {
        try EndToEnd.skipUnlessRunnable(backend, needsRoot: true)
        let scratch = try Scratch()
        defer { scratch.remove() }
        let rules = try scratch.write("rules.yaml", Self.rules)
        let present = try scratch.write("present-marker", "x")
        let junit = scratch.url.appendingPathComponent("r.xml")
        let outcome = try GateRun(arguments: [
            "run", "--no-config", "--backend", backend.rawValue, "--rules", rules.path, "--junit", junit.path, "--",
            "/bin/cat", present.path,
        ]).run()
        try EndToEnd.skipIfNotImplemented(backend, outcome)
        let report = try String(contentsOf: junit, encoding: .utf8)
        let container = try #require(ExitDataEndToEndTests.testcase("Container started", in: report), "\(report)")
        #expect(container.contains("<skipped message=\"the \(backend.rawValue) backend does not deliver container events\""), "\(container)")
        let marker = try #require(ExitDataEndToEndTests.testcase("Marker opened", in: report), "\(report)")
        #expect(marker.contains("<failure"), "\(marker)")
        #expect(outcome.stderr.contains("1 rules not evaluable on this backend"), "\(outcome.stderr)")
    }
}
