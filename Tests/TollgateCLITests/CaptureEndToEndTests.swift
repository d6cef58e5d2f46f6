import Foundation
import Testing

/// Capture files through the CLI: `run --capture` then `analyze` gives the same findings as
/// the live run (per backend), `record` strips environment values, damaged captures exit 65
/// (66 unreadable) with the offset, `--salvage` analyses what is intact, `rules test` runs the
/// shipped cases.
@Suite(.serialized)
struct CaptureEndToEndTests {
    /// Jobs whose findings must be identical live and replayed, with the ruleset they use.
    static let jobs: [(job: String, rules: [String])] = [
        ("read_sensitive_file.sh", []),
        ("exec_from_dev_shm.sh", []),
        ("shell_below_httpd.sh", ["--rules", EndToEnd.falcoStableRules.path]),
        ("netcat_exec_shell.sh", []),
    ]

    /// Findings of a Falco json_output file, as comparable lines (every field kept).
    static func findings(_ url: URL) throws -> [String] {
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init)
    }

    @Test(.enabled(if: EndToEnd.isRoot, "needs root: jobs read root-only files and eBPF needs privileges"),
          arguments: GateBackend.allCases)
    func liveFindingsEqualReplayedFindings(_ backend: GateBackend) throws {
        try EndToEnd.skipUnlessRunnable(backend, needsRoot: true)
        var findingsSeen = 0
        for (job, rules) in Self.jobs {
            let scratch = try Scratch()
            defer { scratch.remove() }
            let capture = scratch.url.appendingPathComponent("run.tgcap")
            let live = scratch.url.appendingPathComponent("live.json")
            let replayed = scratch.url.appendingPathComponent("replay.json")
            let work = scratch.url.appendingPathComponent("work")
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
            let run = try GateRun(arguments: ["run", "--quiet", "--backend", backend.rawValue] + rules
                                  + ["--capture", capture.path, "--json", live.path, "--", "/bin/sh",
                                     Fixtures.url(job).path, work.path]).run()
            try EndToEnd.skipIfNotImplemented(backend, run)
            let analyze = try GateRun(arguments: ["analyze", "--quiet"] + rules + [capture.path, "--json", replayed.path]).run()
            #expect(analyze.status == run.status, "\(job): analyze exits like run; \(analyze.stderr)")
            let liveFindings = try Self.findings(live)
            findingsSeen += liveFindings.count
            #expect(try Self.findings(replayed) == liveFindings, "\(job) under \(backend)")
        }
        // Which job fires is the rules' business; the comparison needs some findings to mean anything.
        #expect(findingsSeen > 0, "no job produced a finding under \(backend)")
    }

    @Test(.enabled(if: EndToEnd.isRoot, "needs root: the default backend is eBPF"))
    func recordStripsEnvironmentValuesAndKeepsTheJobStatus() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let capture = scratch.url.appendingPathComponent("job.tgcap")
        var environment = ProcessInfo.processInfo.environment
        environment["TOLLGATE_E2E_SECRET"] = "value-that-must-not-be-written"
        let record = try GateRun(arguments: ["record", "--quiet", "-o", capture.path, "--", "/bin/sh", "-c", "/bin/true; exit 7"],
                                 environment: environment).run()
        #expect(record.status == 7, "\(record.stderr)")
        let bytes = try Data(contentsOf: capture)
        #expect(bytes.range(of: Data("TOLLGATE_E2E_SECRET".utf8)) != nil, "names are kept")
        #expect(bytes.range(of: Data("value-that-must-not-be-written".utf8)) == nil, "values are not")
        let analyze = try GateRun(arguments: ["analyze", "--quiet", capture.path]).run()
        #expect(analyze.status == 7, "analyze exits with the recorded job's status: \(analyze.stderr)")

        let withValues = scratch.url.appendingPathComponent("env.tgcap")
        _ = try GateRun(arguments: ["record", "--quiet", "--capture-env", "-o", withValues.path, "--", "/bin/true"],
                        environment: environment).run()
        #expect(try Data(contentsOf: withValues).range(of: Data("value-that-must-not-be-written".utf8)) != nil)
    }

    static var damagedFolder: URL {
        EndToEnd.repository.appendingPathComponent("Tests/TollgateEventsTests/Fixtures/damaged")
    }

    @Test func damagedCaptureExits65WithRecordAndOffset() throws {
        let file = Self.damagedFolder.appendingPathComponent("record-2-length-huge.tgcap")
        let outcome = try GateRun(arguments: ["analyze", file.path]).run()
        #expect(outcome.status == 65)
        #expect(outcome.stderr.contains("\(file.path): error: record 2 at byte 293: record length 4294967295 exceeds"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("[CAPTURE_BAD_LENGTH]"))
    }

    @Test func salvageAnalysesTheRecordsBeforeTheDamage() throws {
        let file = Self.damagedFolder.appendingPathComponent("record-5-length-99.tgcap")
        let outcome = try GateRun(arguments: ["analyze", "--salvage", file.path]).run()
        // A finding blocks, and so does the damage (salvagedCaptureCannotPass).
        #expect(outcome.status == 3, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("--salvage: analysing the 4 record(s) before the damage"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("replayed 1 capture(s), 4 events"), "\(outcome.stderr)")
    }

    /// A damaged capture analysed with `--salvage` cannot pass, like lost events: 3 unless
    /// `--tolerate-drops`, then the job's status (unknown without the trailer: 0). Its only
    /// finding (ERROR) is below `--fail-on critical`, so the damage alone decides.
    @Test(arguments: [(tolerate: false, status: Int32(3)), (tolerate: true, status: Int32(0))])
    func salvagedCaptureCannotPass(_ expected: (tolerate: Bool, status: Int32)) throws {
        let file = Self.damagedFolder.appendingPathComponent("record-5-length-99.tgcap")
        let outcome = try GateRun(arguments: ["analyze", "--salvage", "--fail-on", "critical"]
                                      + (expected.tolerate ? ["--tolerate-drops"] : []) + [file.path]).run()
        #expect(outcome.status == expected.status, "\(outcome.stderr)")
        let error = "tollgate: error: \(file.path) is damaged and only partly analysed: this run cannot pass (use --tolerate-drops to accept it)"
        #expect(outcome.stderr.contains(error) == !expected.tolerate, "\(outcome.stderr)")
    }

    /// Only a regular file is a capture: a folder, a FIFO (which must not block the open) or a
    /// device is 66 with what it is, in bounded time.
    @Test(arguments: ["folder", "FIFO", "character device"])
    func specialFileIsUnreadable66(_ kind: String) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let path: String
        switch kind {
        case "folder": path = scratch.url.path
        case "FIFO":
            path = scratch.url.appendingPathComponent("fifo").path
            try #require(mkfifo(path, 0o600) == 0)
        default: path = "/dev/null"
        }
        let outcome = try GateRun(arguments: ["analyze", path], timeout: 20).run()
        #expect(outcome.status == 66, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("\(path): error: cannot read the capture file: it is a \(kind), not a capture file [CAPTURE_UNREADABLE]"),
                "\(outcome.stderr)")
    }

    @Test func missingCaptureExits66() throws {
        let outcome = try GateRun(arguments: ["analyze", "/nonexistent/capture.tgcap"]).run()
        #expect(outcome.status == 66)
        #expect(outcome.stderr.contains("[CAPTURE_UNREADABLE]"))
    }

    @Test func shippedRuleCasesPass() throws {
        let outcome = try GateRun(arguments: ["rules", "test", EndToEnd.repository.appendingPathComponent("rules/tests").path]).run()
        let stdout = String(decoding: outcome.stdout, as: UTF8.self)
        #expect(outcome.status == 0, "\(stdout)\(outcome.stderr)")
        #expect(stdout.contains(" 0 failed"), "\(stdout)")
    }

    @Test func failingRuleCaseExits1AndSaysWhy() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let rules = EndToEnd.repository.appendingPathComponent("rules/tollgate-ci.yaml").path
        let cases = try scratch.write("cases.yaml", """
            - case: expects a rule that cannot fire
              rules: \(rules)
              events:
                - syscall: openat
                  args: [AT_FDCWD, /etc/hostname, O_RDONLY]
                  ret: 3
              expect:
                - rule: CI Read system password file
            """)
        let typo = try scratch.write("typo.yaml", """
            - case: a typo in a key
              rules: \(rules)
              evnts: []
              expect: []
            """)
        let outcome = try GateRun(arguments: ["rules", "test", cases.path, typo.path]).run()
        let stdout = String(decoding: outcome.stdout, as: UTF8.self)
        #expect(outcome.status == 1)
        #expect(stdout.contains("FAIL \(cases.path):1: expects a rule that cannot fire"), "\(stdout)")
        #expect(stdout.contains("'CI Read system password file' did not fire"), "\(stdout)")
        #expect(stdout.contains("FAIL \(typo.path):3:3: error: unknown key 'evnts' in a case; did you mean 'events'?"), "\(stdout)")
        #expect(stdout.contains("2 case(s): 0 passed, 2 failed"), "\(stdout)")
    }
}
