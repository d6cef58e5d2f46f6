import Foundation
import Testing

/// Behaviour baselines end to end (issue 25): recording is deterministic and a job matches its
/// own baseline on every backend; one injected step is exactly one new entry, which fails the
/// gate until `--update-baseline` accepts it.
@Suite(.serialized)
struct BaselineEndToEndTests {
    static let backends = GateBackend.allCases

    /// A rules file whose one rule never fires: the baseline alone judges these runs.
    static func quietRules(in scratch: Scratch) throws -> URL {
        try scratch.write("quiet.yaml", """
            - rule: Never
              desc: A rule that cannot fire, so that only the baseline judges the run.
              condition: evt.type = execve and proc.name = tollgate-e2e-never-a-process-name
              output: never
              priority: ERROR

            """)
    }

    struct Run {
        let status: Int32
        let stderr: String
        /// `Not in baseline` findings as `kind-noun: entry`.
        let newEntries: [String]
    }

    /// `tollgate ARGUMENTS -- /bin/sh SCRIPT WORK` with a JSON findings file.
    static func gate(_ arguments: [String], script: URL, in scratch: Scratch, backend: GateBackend,
                     environment: [String: String] = [:]) throws -> Run {
        let work = scratch.url.appendingPathComponent("work-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let json = scratch.url.appendingPathComponent("findings.json")
        try? FileManager.default.removeItem(at: json)
        let outcome = try GateRun(arguments: arguments + ["--no-config", "--quiet", "--backend", backend.rawValue,
                                                           "--json", json.path, "--", "/bin/sh", script.path, work.path],
                                  environment: ProcessInfo.processInfo.environment.merging(environment) { $1 },
                                  workingDirectory: scratch.url).run()
        let lines = (try? FalcoJSONFile(json).lines) ?? []
        let prefix = "Not in baseline: "
        let new = lines.filter { $0.rule.hasPrefix(prefix) }.map { line in
            let output = line.object["output"] as? String ?? ""
            let entry = output.range(of: "): ").map { String(output[$0.upperBound...]) } ?? output
            return "\(line.rule.dropFirst(prefix.count)): \(entry)"
        }
        return Run(status: outcome.status, stderr: outcome.stderr, newEntries: new)
    }

    // MARK: The honest corpus

    static let honestJobs = DefaultRulesetTests.honestJobs

    /// As the default ruleset's corpus runs: eBPF, widened by `TOLLGATE_RULESET_BACKENDS`.
    @Test(arguments: RulesetBackend.fromEnvironment().compactMap { GateBackend(rawValue: $0.rawValue) })
    func recordingIsDeterministicAndAJobMatchesItsBaseline(_ backend: GateBackend) throws {
        try EndToEnd.skipUnlessRunnable(backend, needsRoot: false)
        let scratch = try Scratch()
        defer { scratch.remove() }
        // Jobs this backend cannot run as they are (DefaultRulesetTests lists why) are left out.
        for job in Self.honestJobs where DefaultRulesetTests.backendLimitations[backend.rawValue + "/" + job] == nil {
            let script = RulesetFixtures.url("honest/\(job)")
            let first = scratch.url.appendingPathComponent("first.yaml"), second = scratch.url.appendingPathComponent("second.yaml")
            let one = try Self.gate(["baseline", "record", "-o", first.path], script: script, in: scratch, backend: backend)
            let two = try Self.gate(["baseline", "record", "-o", second.path], script: script, in: scratch, backend: backend)
            #expect(one.status == 0, "\(job) on \(backend): \(one.stderr)")
            #expect(two.status == 0, "\(job) on \(backend): \(two.stderr)")
            let firstText = try String(contentsOf: first, encoding: .utf8), secondText = try String(contentsOf: second, encoding: .utf8)
            #expect(firstText == secondText, "\(job) on \(backend): two recordings differ:\n\(firstText)\n---\n\(secondText)")
            let check = try Self.gate(["run", "--baseline", first.path], script: script, in: scratch, backend: backend)
            #expect(check.newEntries.isEmpty, "\(job) on \(backend) is new against its own baseline: \(check.newEntries)")
        }
    }

    // MARK: One injected step, one new entry

    struct Injection: Sendable, CustomTestStringConvertible {
        let name: String
        /// Shell lines added to the base job (`$1` is the work folder, `$TOOLS` holds copies of
        /// true, one of them named docker).
        let step: String
        let expected: String
        var needsRoot = false
        var testDescription: String { name }
    }

    /// The parent of the job's commands as the baseline names it: the file `/bin/sh` runs.
    static let shell = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/bin/sh")).map { ($0 as NSString).lastPathComponent } ?? "sh"

    /// The base job: what every injected variant also does, so that only the step is new.
    static let base = """
        set -eu
        W=$1; TOOLS=$W/tools; mkdir -p "$TOOLS"
        cp /bin/true "$TOOLS/tool" && cp /bin/true "$TOOLS/other-tool"
        cp /bin/true "$TOOLS/docker"
        "$TOOLS/tool"; "$TOOLS/docker" version
        python3 -c 'pass'
        printf 'data\\n' > "$W/output.txt"; rm -f "$W/output.txt"
        """

    static let injections = [
        Injection(name: "a new executable", step: #""$TOOLS/other-tool""#, expected: "executable: /tmp/*/*/*/other-tool <- \(shell)"),
        Injection(name: "a new container image", step: #""$TOOLS/docker" run --rm -e A=1 registry.example/app:1.2 true"#,
                  expected: "container image: docker registry.example/app:1.2"),
        Injection(name: "a new outbound endpoint", step: """
            python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("192.0.2.7", 53))'
            """, expected: "network endpoint: udp 192.0.2.7:53", needsRoot: true),
        // sendmsg's destination is the msg_name of its message header, sendmmsg's that of each
        // message of its vector (issue 21: both were endpoints no backend saw).
        Injection(name: "a new outbound endpoint through sendmsg", step: """
            python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendmsg([b"x"], [], 0, ("192.0.2.7", 53))'
            """, expected: "network endpoint: udp 192.0.2.7:53", needsRoot: true),
        Injection(name: "a new outbound endpoint through sendmmsg",
                  step: "python3 \(EndToEnd.repository.path)/Tests/Fixtures/attacks/sendmmsg.py 192.0.2.7:53 192.0.2.7:53",
                  expected: "network endpoint: udp 192.0.2.7:53", needsRoot: true),
        Injection(name: "a binary written to /usr/local/bin", step: #"cp /bin/true /usr/local/bin/tollgate-e2e-baseline-probe; rm -f /usr/local/bin/tollgate-e2e-baseline-probe"#,
                  expected: "file written: /usr/local/bin/tollgate-e2e-baseline-probe", needsRoot: true),
        Injection(name: "a file written to /etc", step: #"printf 'x\n' > /etc/tollgate-e2e-baseline-probe; rm -f /etc/tollgate-e2e-baseline-probe"#,
                  expected: "file written: /etc/tollgate-e2e-baseline-probe", needsRoot: true),
    ]

    /// The job, run in a network namespace of its own where 192.0.2.7 is an address of the
    /// loopback device (as root), so an outbound datagram leaves nothing on the host's network.
    static func script(_ body: String, in scratch: Scratch, name: String) throws -> URL {
        let wrapped = EndToEnd.isRoot
            ? "exec unshare -n /bin/sh -c 'ip link set lo up; ip addr add 192.0.2.7/32 dev lo; exec /bin/sh \"$0\" \"$1\"' \"$0.inner\" \"$1\"\n"
            : "exec /bin/sh \"$0.inner\" \"$1\"\n"
        _ = try scratch.write("\(name).inner", body + "\n")
        return try scratch.write(name, wrapped)
    }

    @Test(arguments: injections, backends)
    func anInjectedStepIsExactlyOneNewEntryUntilAccepted(_ injection: Injection, _ backend: GateBackend) throws {
        try EndToEnd.skipUnlessRunnable(backend, needsRoot: injection.needsRoot)
        let scratch = try Scratch()
        defer { scratch.remove() }
        let rules = try Self.quietRules(in: scratch)
        let baseJob = try Self.script(Self.base, in: scratch, name: "base.sh")
        let injectedJob = try Self.script(Self.base + "\n" + injection.step, in: scratch, name: "injected.sh")
        let baseline = scratch.url.appendingPathComponent("baseline.yaml")

        let recorded = try Self.gate(["baseline", "record", "-o", baseline.path, "-r", rules.path], script: baseJob, in: scratch, backend: backend)
        #expect(recorded.status == 0, "\(recorded.stderr)")
        let honest = try Self.gate(["run", "-r", rules.path, "--baseline", baseline.path], script: baseJob, in: scratch, backend: backend)
        #expect(honest.status == 0 && honest.newEntries.isEmpty, "the base job is new against its own baseline: \(honest.newEntries) \(honest.stderr)")

        let injected = try Self.gate(["run", "-r", rules.path, "--baseline", baseline.path], script: injectedJob, in: scratch, backend: backend)
        #expect(injected.status == 3, "\(injected.stderr)")
        // seccomp sees no syscall's result, so a socket's protocol is unknown there (issue 24).
        let expected = backend == .seccomp ? injection.expected.replacingOccurrences(of: ": udp ", with: ": <NA> ") : injection.expected
        #expect(injected.newEntries == [expected])

        let updated = try Self.gate(["run", "-r", rules.path, "--baseline", baseline.path, "--update-baseline"],
                                    script: injectedJob, in: scratch, backend: backend)
        #expect(updated.status == 0, "\(updated.stderr)")
        let accepted = try Self.gate(["run", "-r", rules.path, "--baseline", baseline.path], script: injectedJob, in: scratch, backend: backend)
        #expect(accepted.status == 0 && accepted.newEntries.isEmpty, "after --update-baseline: \(accepted.newEntries) \(accepted.stderr)")
    }

    /// A job that writes more distinct files than the inventory keeps: one entry stands for the
    /// rest, and it is new against a baseline, so the flood fails the run instead of growing it.
    @Test(.enabled(if: EndToEnd.isRoot, "needs root: writes below /var/lib"))
    func aFloodOfEntriesIsBoundedAndFailsTheRun() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let folder = "/var/lib/tollgate-e2e-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let inventory = scratch.url.appendingPathComponent("inventory.json")
        let empty = try scratch.write("empty.yaml", "version: 1\n")
        let outcome = try GateRun(arguments: ["run", "--no-config", "--quiet", "--backend", "ebpf", "--baseline", empty.path,
                                              "--inventory", inventory.path, "--", "python3", "-c",
                                              "import os, sys; os.makedirs(sys.argv[1]); [open(f'{sys.argv[1]}/f{i}', 'w').close() for i in range(10050)]",
                                              folder]).run()
        #expect(outcome.status == 3, "\(outcome.stderr)")
        let object = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: inventory)) as? [String: [String]])
        let written = object["files_written"] ?? []
        #expect(written.count == 10_001, "\(written.count) entries")
        #expect(written.contains { $0.hasPrefix("(more than 10000 entries") })
    }

    /// The gate writes no baseline through a symlink the job could have planted.
    @Test func aBaselineIsNeverWrittenThroughASymlink() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let victim = try scratch.write("victim", "version: 1\n")
        let folder = scratch.url.appendingPathComponent("project/.tollgate")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("baseline.yaml").path, withDestinationPath: victim.path)
        let outcome = try GateRun(arguments: ["run", "--no-config", "--quiet", "--backend", "ptrace", "--baseline",
                                              ".tollgate/baseline.yaml", "--update-baseline", "--", "/bin/true"],
                                  workingDirectory: scratch.url.appendingPathComponent("project")).run()
        #expect(outcome.status == 74, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("is a symlink"), "\(outcome.stderr)")
        #expect(try String(contentsOf: victim, encoding: .utf8) == "version: 1\n")
    }

    @Test func aBaselineThatCannotBeReadOrIsNotOneStopsTheRun() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let missing = try GateRun(arguments: ["run", "--no-config", "--baseline", scratch.url.appendingPathComponent("absent.yaml").path,
                                              "--", "/bin/true"]).run()
        #expect(missing.status == 66 && missing.stderr.contains("cannot read the baseline"), "\(missing.stderr)")
        let bad = try scratch.write("bad.yaml", "version: 1\nexecutable: []\n")
        let invalid = try GateRun(arguments: ["run", "--no-config", "--baseline", bad.path, "--", "/bin/true"]).run()
        #expect(invalid.status == 65, "\(invalid.stderr)")
        #expect(invalid.stderr.contains("\(bad.path):2:1: error: unknown section 'executable'; did you mean 'executables'?"), "\(invalid.stderr)")
    }
}
