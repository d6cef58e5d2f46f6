import Foundation
import Testing

/// `tollgate run`'s contract with the job and the caller: streams, environment, working
/// directory and status pass through untouched; the exit-status table; `--fail-on`, `--quiet`,
/// `--json`; SIGTERM to the gate.
@Suite(.serialized)
struct RunCommandTests {
    static let falcoRules = ["--rules", EndToEnd.falcoStableRules.path]

    // MARK: Pass-through

    @Test(arguments: GateBackend.allCases)
    func standardStreamsPassThroughByteForByte(on backend: GateBackend) throws {
        try EndToEnd.skipUnlessRunnable(backend, needsRoot: false)
        let input = Data((0...255).map(UInt8.init) + Array("second line\n".utf8) + (0...255).reversed().map(UInt8.init))
        let outcome = try GateRun(arguments: ["run", "--quiet", "--backend", backend.rawValue] + Self.falcoRules
                                      + ["--", Fixtures.url("copy_streams.sh").path],
                                  stdin: input).run()
        try EndToEnd.skipIfNotImplemented(backend, outcome)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout == input)
        #expect(outcome.stderrData == Data([1, 255] + Array("err\n".utf8)))
    }

    @Test(.enabled(if: EndToEnd.isRoot, "needs root: the default backend is eBPF"))
    func nonUTF8ArgumentPassesThroughByteForByte() throws {
        // Foundation cannot carry invalid UTF-8 in an argument: a shell appends it with printf.
        let appendBytes = ["/bin/sh", "-c", #"exec "$@" "$(printf 'caf\351 \377\001')""#, "sh"]
        let outcome = try GateRun(arguments: ["run", "--quiet"] + Self.falcoRules
                                      + ["--", Fixtures.url("print_args.sh").path, "plain", "two words"],
                                  wrapper: appendBytes).run()
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let expected = Array("plain".utf8) + [0] + Array("two words".utf8) + [0]
            + Array("caf".utf8) + [0xE9, 0x20, 0xFF, 0x01, 0]
        #expect(outcome.stdout == Data(expected))
    }

    @Test(arguments: GateBackend.allCases)
    func environmentPassesThroughUntouched(on backend: GateBackend) throws {
        try EndToEnd.skipUnlessRunnable(backend, needsRoot: false)
        let environment = ["PATH": "/usr/bin:/bin", "TOLLGATE_E2E_MULTILINE": "line one\nline two\n\ttabbed=x\n",
                           "TOLLGATE_E2E_EMPTY": "", "LANG": "C"]
        let outcome = try GateRun(arguments: ["run", "--quiet", "--backend", backend.rawValue] + Self.falcoRules
                                      + ["--", "/usr/bin/env", "-0"],
                                  environment: environment).run()
        try EndToEnd.skipIfNotImplemented(backend, outcome)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        var seen: [String: String] = [:]
        for entry in outcome.stdout.split(separator: 0) {
            let text = String(decoding: entry, as: UTF8.self)
            guard let equals = text.firstIndex(of: "=") else { continue }
            seen[String(text[..<equals])] = String(text[text.index(after: equals)...])
        }
        #expect(seen == environment)
    }

    @Test(arguments: GateBackend.allCases)
    func workingDirectoryPassesThrough(on backend: GateBackend) throws {
        try EndToEnd.skipUnlessRunnable(backend, needsRoot: false)
        let scratch = try Scratch()
        defer { scratch.remove() }
        let outcome = try GateRun(arguments: ["run", "--quiet", "--backend", backend.rawValue] + Self.falcoRules
                                      + ["--", "/bin/pwd"],
                                  workingDirectory: scratch.url).run()
        try EndToEnd.skipIfNotImplemented(backend, outcome)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(String(decoding: outcome.stdout, as: UTF8.self) == scratch.url.path + "\n")
    }

    struct StatusCase: Sendable, CustomTestStringConvertible {
        let name: String
        let script: String
        let status: Int32
        var testDescription: String { name }
    }

    @Test(arguments: [
              StatusCase(name: "success", script: "exit 0", status: 0),
              StatusCase(name: "exit 42", script: "exit 42", status: 42),
              StatusCase(name: "exit 255", script: "exit 255", status: 255),
              StatusCase(name: "SIGKILL is 128+9", script: "kill -KILL $$", status: 137),
              StatusCase(name: "SIGUSR1 is 128+10", script: "kill -USR1 $$", status: 138),
              StatusCase(name: "SIGTERM is 128+15", script: "kill -TERM $$", status: 143),
          ], GateBackend.allCases)
    func jobStatusPassesThrough(_ job: StatusCase, on backend: GateBackend) throws {
        try EndToEnd.skipUnlessRunnable(backend, needsRoot: false)
        let outcome = try GateRun(arguments: ["run", "--backend", backend.rawValue] + Self.falcoRules
                                      + ["--", "/bin/sh", "-c", job.script]).run()
        try EndToEnd.skipIfNotImplemented(backend, outcome)
        #expect(outcome.status == job.status, "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("error"), "\(outcome.stderr)")
    }

    // MARK: Exit statuses of the gate itself

    struct UsageCase: Sendable, CustomTestStringConvertible {
        let name: String
        let options: [String]
        let mentions: String
        var testDescription: String { name }
    }

    @Test(arguments: [
        UsageCase(name: "no job", options: [], mentions: "missing the job to run"),
        UsageCase(name: "job without --", options: ["JOB"], mentions: "--"),
        UsageCase(name: "unknown --fail-on", options: ["--fail-on", "loud", "--", "JOB"], mentions: "'loud'"),
        UsageCase(name: "unknown --backend", options: ["--backend", "magic", "--", "JOB"], mentions: "magic"),
        UsageCase(name: "negative --grace", options: ["--grace", "-1", "--", "JOB"], mentions: "--grace"),
    ])
    func usageErrorsExit64WithoutRunningTheJob(_ usage: UsageCase) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let marker = scratch.url.appendingPathComponent("ran")
        let job = ["/usr/bin/touch", marker.path]
        let options = usage.options.flatMap { $0 == "JOB" ? job : [$0] }
        let outcome = try GateRun(arguments: ["run"] + options).run()
        #expect(outcome.status == 64, "\(outcome.stderr)")
        #expect(outcome.stderr.contains(usage.mentions), "\(outcome.stderr)")
        #expect(!FileManager.default.fileExists(atPath: marker.path), "the job ran")
    }

    struct InvalidRulesCase: Sendable, CustomTestStringConvertible {
        let name: String
        let yaml: String
        /// The line of the error; nil when the file does not exist.
        let line: Int?
        var testDescription: String { name }
    }

    @Test(arguments: [
        InvalidRulesCase(name: "unknown field", yaml: """
            - rule: Typo
              desc: a misspelt field
              condition: proc.nmae = sh
              output: typo %proc.name
              priority: WARNING

            """, line: 3),
        InvalidRulesCase(name: "condition syntax", yaml: """
            - rule: Broken
              desc: two operators
              condition: evt.type = = open
              output: broken
              priority: WARNING

            """, line: 3),
        // libyaml notices the unclosed flow sequence where the next key starts.
        InvalidRulesCase(name: "YAML syntax", yaml: "- rule: [unclosed\n  desc: x\n", line: 2),
        InvalidRulesCase(name: "missing file", yaml: "", line: nil),
    ])
    func invalidRulesExit65WithFileLineColumn(_ rules: InvalidRulesCase) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let file = rules.line == nil ? scratch.url.appendingPathComponent("absent.yaml")
                                     : try scratch.write("rules.yaml", rules.yaml)
        let marker = scratch.url.appendingPathComponent("ran")
        let outcome = try GateRun(arguments: ["run", "--rules", file.path, "--", "/usr/bin/touch", marker.path]).run()
        #expect(outcome.status == 65, "\(outcome.stderr)")
        if let line = rules.line {
            let location = try Regex("\(NSRegularExpression.escapedPattern(for: file.path)):\(line):[0-9]+: error: ")
            #expect(outcome.stderr.contains(location), "no '\(file.path):\(line):COLUMN: error:' in:\n\(outcome.stderr)")
        } else {
            #expect(outcome.stderr.contains(file.path) && outcome.stderr.contains("error:"), "\(outcome.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: marker.path), "the job ran")
    }

    @Test(.enabled(if: EndToEnd.isRoot, "needs root: switches to the nobody user with setpriv"))
    func explicitBackendThatCannotStartExits69() throws {
        let copy = try TollgateBinary.copyForOtherUsers()
        defer { try? FileManager.default.removeItem(at: copy.deletingLastPathComponent()) }
        let outcome = try GateRun(arguments: ["run", "--backend", "ebpf", "--", "/bin/true"],
                                  wrapper: DoctorCommandTests.nobody, executable: copy).run()
        #expect(outcome.status == 69, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("tollgate: error:") && outcome.stderr.contains("ebpf"), "\(outcome.stderr)")
    }

    // MARK: Findings: --fail-on, --quiet, --json

    struct VerdictCase: Sendable, CustomTestStringConvertible {
        let name: String
        let options: [String]
        let status: Int32
        let printsFinding: Bool
        var testDescription: String { name }
    }

    /// A rule of our own at ERROR that fires when the marker program runs; the job then exits 5.
    @Test(.enabled(if: EndToEnd.isRoot, "needs root: the default backend is eBPF"),
          arguments: [
              VerdictCase(name: "default --fail-on warning blocks an ERROR", options: [], status: 3, printsFinding: true),
              VerdictCase(name: "--fail-on error blocks an ERROR", options: ["--fail-on", "error"], status: 3, printsFinding: true),
              VerdictCase(name: "--fail-on critical lets an ERROR pass", options: ["--fail-on", "critical"], status: 5, printsFinding: true),
              VerdictCase(name: "--quiet silences the finding, still blocks", options: ["--quiet"], status: 3, printsFinding: false),
          ])
    func verdictAndFalcoJSONLines(_ verdict: VerdictCase) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let marker = try MarkerRule(in: scratch, priority: "ERROR")
        let json = scratch.url.appendingPathComponent("findings.json")
        let outcome = try GateRun(arguments: ["run", "--rules", marker.rules.path, "--json", json.path] + verdict.options
                                      + ["--", "/bin/sh", "-c", "\"$0\"; exit 5", marker.program.path]).run()
        #expect(outcome.status == verdict.status, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("tollgate: ERROR \(MarkerRule.name): marker ran | ") == verdict.printsFinding,
                "\(outcome.stderr)")
        if !verdict.printsFinding {
            #expect(!outcome.stderr.contains(MarkerRule.name), "\(outcome.stderr)")
        }

        let findings = try FalcoJSONFile(json)
        #expect(findings.lines.count == 1, "one exec, one finding: \(findings.lines.map(\.object))")
        let first = try #require(findings.lines.first, "no --json line")
        let line = first.object
        #expect(Set(line.keys) == ["time", "rule", "priority", "output", "output_fields", "source", "tags", "hostname"])
        #expect(line["rule"] as? String == MarkerRule.name)
        #expect(line["priority"] as? String == "Error")
        #expect(line["source"] as? String == "syscall")
        #expect(line["hostname"] as? String == ProcessInfo.processInfo.hostName)
        #expect((line["tags"] as? [String]).map(Set.init) == ["e2e", "marker"])
        let time = line["time"] as? String ?? ""
        #expect(time.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z/) != nil, "time '\(time)'")
        let output = line["output"] as? String ?? ""
        #expect(output.wholeMatch(of: /\d\d:\d\d:\d\d\.\d{9}: Error marker ran \| process=tg-marker pid=\d+ ppid=\d+/) != nil,
                "output '\(output)'")
        let fields = first.outputFields
        #expect(fields["proc.name"] as? String == "tg-marker")
        #expect((fields["proc.pid"] as? NSNumber)?.intValue ?? 0 > 0, "\(fields)")
    }

    /// `-r` is `--rules`, as in Falco: the marker rule loads through it and blocks the job.
    @Test(.enabled(if: EndToEnd.isRoot, "needs root: the default backend is eBPF"))
    func shortRulesOptionLoadsTheRules() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let marker = try MarkerRule(in: scratch, priority: "ERROR")
        let outcome = try GateRun(arguments: ["run", "-r", marker.rules.path, "--", marker.program.path]).run()
        #expect(outcome.status == 3, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("tollgate: ERROR \(MarkerRule.name): marker ran | "), "\(outcome.stderr)")
    }

    // MARK: Signals to the gate

    struct SignalCase: Sendable, CustomTestStringConvertible {
        let name: String
        let findsFirst: Bool
        /// Start the gate with the signal mask of the test's thread (SIGTERM blocked) instead
        /// of a clear one.
        let inheritsBlockedMask: Bool
        let status: Int32
        var testDescription: String { name }
    }

    @Test(.enabled(if: EndToEnd.isRoot, "needs root: the default backend is eBPF"),
          arguments: [
              SignalCase(name: "no finding: the job's 143", findsFirst: false, inheritsBlockedMask: false, status: 143),
              SignalCase(name: "a blocking finding first: 3", findsFirst: true, inheritsBlockedMask: false, status: 3),
              SignalCase(name: "gate started with SIGTERM blocked", findsFirst: false, inheritsBlockedMask: true, status: 143),
          ])
    func sigtermToTheGateIsForwardedAndReportsAreWritten(_ signal: SignalCase) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let json = scratch.url.appendingPathComponent("findings.json")
        let started = scratch.url.appendingPathComponent("started")
        let wrapper = signal.inheritsBlockedMask ? [] : [try Fixtures.compile("with_signals_unblocked", into: scratch).path]
        let gate = try GateRun(arguments: ["run"] + Self.falcoRules + ["--json", json.path, "--",
                                           Fixtures.url("sleep_after_marker.sh").path, scratch.url.path,
                                           signal.findsFirst ? "find" : "no-find"],
                               wrapper: wrapper, timeout: 60).start()
        let deadline = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: started.path) && Date() < deadline { usleep(20_000) }
        try #require(FileManager.default.fileExists(atPath: started.path), "the job never started")
        usleep(200_000)  // let `exec sleep` happen
        let signalledAt = Date()
        kill(gate.pid, SIGTERM)
        let outcome = gate.finish()
        #expect(Date().timeIntervalSince(signalledAt) < 10, "the job did not end promptly after SIGTERM")
        #expect(outcome.status == signal.status, "\(outcome.stderr)")
        #expect(FileManager.default.fileExists(atPath: json.path), "--json was not written")
        let findings = try FalcoJSONFile(json)
        #expect(findings.lines(for: "Search Private Keys or Passwords").isEmpty == !signal.findsFirst,
                "\(findings.ruleNames)")
    }
}


/// A rule file of our own that fires on every exec of a marker program (a copy of /bin/true
/// called `tg-marker`), both in the scratch folder.
struct MarkerRule {
    static let name = "Marker program ran"
    let rules: URL
    let program: URL

    init(in scratch: Scratch, priority: String) throws {
        program = scratch.url.appendingPathComponent("tg-marker")
        try FileManager.default.copyItem(atPath: "/bin/true", toPath: program.path)
        rules = try scratch.write("marker.yaml", """
            - rule: \(Self.name)
              desc: The marker program of an end-to-end test ran.
              condition: evt.type in (execve, execveat) and proc.name = tg-marker
              output: marker ran | process=%proc.name pid=%proc.pid ppid=%proc.ppid
              priority: \(priority)
              tags: [e2e, marker]

            """)
    }
}

/// One run of a tollgate command through Foundation.Process (never `waitpid(-1)` here). The
/// streams go through files, so a daemon that keeps them open cannot hang the test, and a run
/// that outlives its timeout is killed and recorded as an issue.
struct GateRun {
    struct Outcome {
        let status: Int32
        let stdout: Data
        let stderrData: Data
        var stderr: String { String(decoding: stderrData, as: UTF8.self) }
    }

    var arguments: [String]
    /// A command that runs the executable, e.g. `setpriv ...`; it receives the executable path
    /// and the arguments as its own arguments.
    var wrapper: [String] = []
    var executable: URL = TollgateBinary.url
    /// The whole environment; nil inherits the test's.
    var environment: [String: String]? = nil
    var workingDirectory: URL? = nil
    var stdin: Data? = nil
    var timeout: Double = 120

    func run() throws -> Outcome { try start().finish() }

    func start() throws -> Running {
        let folder = try Scratch()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = wrapper + [executable.path] + arguments
        if let environment { process.environment = environment }
        if let workingDirectory { process.currentDirectoryURL = workingDirectory }
        let input = try folder.write("stdin", "")
        if let stdin { try stdin.write(to: input) }
        process.standardInput = try FileHandle(forReadingFrom: input)
        let output = try folder.write("stdout", "")
        let error = try folder.write("stderr", "")
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: error)
        try process.run()
        return Running(process: process, folder: folder, timeout: timeout, description: process.arguments ?? [])
    }

    /// A started run: its pid, and `finish()` to wait for it.
    struct Running {
        let process: Process
        let folder: Scratch
        let timeout: Double
        let description: [String]

        var pid: Int32 { process.processIdentifier }

        func finish() -> Outcome {
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning && Date() < deadline { usleep(20_000) }
            if process.isRunning {
                kill(pid, SIGKILL)
                Issue.record("timed out after \(timeout) s: \(description.joined(separator: " "))")
            }
            process.waitUntilExit()
            defer { folder.remove() }
            let stdout = (try? Data(contentsOf: folder.url.appendingPathComponent("stdout"))) ?? Data()
            let stderr = (try? Data(contentsOf: folder.url.appendingPathComponent("stderr"))) ?? Data()
            let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus
                                                                      : process.terminationStatus
            return Outcome(status: status, stdout: stdout, stderrData: stderr)
        }
    }
}
