import ArgumentParser
import Foundation
import TollgateEvents
import TollgateGate
import TollgateReports
import TollgateRules

/// `tollgate rules test [CASEFILE|FOLDER...]`: runs rule case files (`docs/rule-tests.md`)
/// through the same decoder, state and engine as the gate, without privileges.
struct RulesTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run rule case files: events (YAML or a capture) and the findings they must produce.",
        discussion: "Prints one line per case; exits 1 when any case fails or a case file is invalid."
    )

    @Argument(help: ArgumentHelp("Case files or folders (their *.yaml, sorted). Default: rules/tests", valueName: "path"))
    var paths: [String] = []

    @Flag(help: "Print every finding of every case, not only of failing ones.")
    var verbose = false

    func run() throws {
        let (files, missing) = Self.caseFiles(paths.isEmpty ? ["rules/tests"] : paths)
        var passed = 0
        var failed = missing.count
        for path in missing { print("FAIL \(path): no such case file or folder") }
        var engines: [[String]: Engine?] = [:]
        for file in files {
            let cases: [RulesTestCase]
            do {
                cases = try RulesTestCaseReader.read(path: file)
            } catch {
                print("FAIL \(error.description)")
                failed += 1
                continue
            }
            for testCase in cases {
                if engines[testCase.rules] == nil {
                    engines[testCase.rules] = .some(try? RuleSources.policy(testCase.rules.isEmpty ? nil : testCase.rules).engine)
                }
                let outcome = Self.evaluate(testCase, engine: engines[testCase.rules] ?? nil)
                let place = "\(testCase.location.file):\(testCase.location.line)"
                if outcome.problems.isEmpty {
                    passed += 1
                    print("PASS \(place): \(testCase.name)")
                } else {
                    failed += 1
                    print("FAIL \(place): \(testCase.name)")
                    for problem in outcome.problems { print("  - \(problem)") }
                }
                if verbose || !outcome.problems.isEmpty {
                    for finding in outcome.findings { print("    found: \(finding.rule): \(finding.output)") }
                }
            }
        }
        print("\(passed + failed) case(s): \(passed) passed, \(failed) failed")
        if failed > 0 { throw ExitStatus.ruleTestsFailed }
    }

    struct Outcome {
        var findings: [ReportFinding] = []
        var problems: [String] = []
    }

    /// Replays the case through a `Gate` and compares the findings with the expectations:
    /// every expected rule fires (as often as `count` says, with the `output` substrings), and
    /// no other rule fires.
    static func evaluate(_ testCase: RulesTestCase, engine: Engine?) -> Outcome {
        var outcome = Outcome()
        guard let engine else {
            outcome.problems.append("the rules did not load (see the errors above)")
            return outcome
        }
        let ci = CIContext(environment: Dictionary(testCase.gateEnvironment.map { entry in
            let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }) { $1 })
        // The seed's parent is the gate that started it, as in a run.
        let launcher = LauncherIdentity(pid: testCase.seed.ppid, name: "tollgate", executable: "/usr/local/bin/tollgate",
                                        arguments: ["tollgate", "run", "--"] + testCase.seed.args.map { ByteString($0) })
        let gate = Gate(engine: engine, bootTimeOffset: 0, hostname: "rules-test", mask: nil, launcher: launcher, ci: ci) { _ in }
        for (id, container) in testCase.containers { gate.containers.register(id: id, container) }
        if let capture = testCase.capture {
            do {
                let replay = try CaptureReplay(path: capture)
                if let damage = replay.damage ?? replay.replay(into: gate).damage { throw damage }
            } catch {
                outcome.problems.append(CaptureReplay.message(capture, error as? CaptureError ?? CaptureError(.unreadable, "\(error)", offset: nil)))
                return outcome
            }
        } else {
            let seed = testCase.seed
            var environment = seed.env
            let command = seed.args.isEmpty ? [seed.exe] : seed.args
            if !(command[0].contains("/")), !environment.contains(where: { $0.hasPrefix("PATH=") }) {
                environment.append("PATH=\((seed.exe as NSString).deletingLastPathComponent)")
            }
            gate.jobStarted(pid: seed.pid, job: .init(command: command, environment: environment, workingDirectory: seed.cwd),
                            timestamp: 1_000_000)
            for event in testCase.events { gate.receive(event) }
        }
        outcome.findings = gate.findings.groups.map(\.first)
        var byRule: [String: [FindingGroup]] = [:]
        for group in gate.findings.groups { byRule[group.first.rule, default: []].append(group) }
        for expectation in testCase.expectations {
            let found = byRule[expectation.rule] ?? []
            let fired = found.reduce(0) { $0 + $1.count }
            if let count = expectation.count, fired != count {
                outcome.problems.append("'\(expectation.rule)' fired \(fired) time(s), expected \(count)")
            } else if expectation.count == nil, found.isEmpty {
                outcome.problems.append("'\(expectation.rule)' did not fire")
            }
            for text in expectation.outputs where !found.isEmpty && !found.contains(where: { $0.first.output.contains(text) }) {
                outcome.problems.append("no output of '\(expectation.rule)' contains '\(text)'")
            }
        }
        let expected = Set(testCase.expectations.map(\.rule))
        for (rule, found) in byRule.sorted(by: { $0.key < $1.key }) where !expected.contains(rule) {
            outcome.problems.append("unexpected '\(rule)' fired \(found.reduce(0) { $0 + $1.count }) time(s)")
        }
        return outcome
    }

    /// Files as given; folders as their `*.yaml` sorted. Paths that do not exist come back apart.
    static func caseFiles(_ paths: [String]) -> (files: [String], missing: [String]) {
        var files: [String] = []
        var missing: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                missing.append(path)
                continue
            }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            files += entries.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
                .map { (path as NSString).appendingPathComponent($0) }
        }
        return (files, missing)
    }
}
