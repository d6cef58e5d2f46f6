import ArgumentParser
import Foundation
import TollgateCapture
import TollgateEvents
import TollgateReports
import TollgateRules

/// `tollgate analyze FILE...`: replays capture files through the same decoder, state and
/// engine as `tollgate run` (a `Gate`), and reports and exits as the run would have.
struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Re-evaluate recorded capture files against rules; report and exit like 'run'.",
        discussion: """
            Each file is replayed with fresh process state; findings of all files form one report.
            Exit status: 3 when a blocking finding exists, a capture lost events or has events whose \
            payloads could not be read, or a damaged \
            capture was analysed with --salvage (unless --tolerate-drops); otherwise the recorded \
            job's status (the first non-zero one; unknown, so 0, for a damaged capture); 64 usage; 65 invalid rules or a damaged \
            capture file; 66 a capture file cannot be read; 74 a report could not be written.
            """
    )

    @Argument(help: ArgumentHelp("Capture files written by 'tollgate record' or 'tollgate run --capture'.", valueName: "file"))
    var files: [String] = []

    @Option(name: [.customLong("rules"), .customShort("r")], help: ArgumentHelp("A rules file or folder (its *.yaml, sorted); repeatable. Default: the built-in CI ruleset.", valueName: "path"))
    var rulePaths: [String] = []

    @Option(name: .customLong("fail-on"), help: ArgumentHelp("Lowest priority that fails the gate (emergency ... debug).", valueName: "priority"))
    var failOn: String = "warning"

    @Flag(help: "Analyse the records before the first damage of a damaged file instead of refusing it (the gate then fails unless --tolerate-drops).")
    var salvage = false

    @Flag(name: .customLong("tolerate-drops"), help: "Pass even when the capture lost events, has events whose payloads could not be read or, with --salvage, is damaged.")
    var tolerateDrops = false

    @Flag(help: "Do not stream findings or the summary to standard error.")
    var quiet = false

    @Flag(help: "Print the replay rate (events per second) to standard error.")
    var timing = false

    @Option(name: .customLong("secret-env"), help: ArgumentHelp("An environment variable whose value is a secret, masked as *** in every report and on standard error; repeatable.", valueName: "name"))
    var secretNames: [String] = []

    @OptionGroup(title: "Reports")
    var reports: ReportOptions

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("missing the capture file(s): tollgate analyze FILE...") }
        guard Priority(parsing: failOn) != nil else {
            throw ValidationError("unknown priority '\(failOn)' for '--fail-on'; use one of \(Priority.spellings.joined(separator: ", "))")
        }
    }

    func run() throws {
        let threshold = Priority(parsing: failOn) ?? .warning
        let (engine, rules, policy) = try RuleSources.engine(rulePaths.isEmpty ? nil : rulePaths)
        let environment = ProcessInfo.processInfo.environment
        let mask = SecretMask(environment: environment, extraNames: Set(secretNames))
        let ci = CIContext(environment: environment)
        let console = Console(quiet: quiet, mask: mask)
        var maskedSecrets = 0
        var findings = FindingLedger()
        var coverage = Coverage(events: 0)
        var jobStatus: Int32 = 0
        var headers: [CaptureHeader] = []
        var salvaged: [String] = []
        var endTime: UInt64 = 0
        let clock = ContinuousClock()
        let started = clock.now

        for path in files {
            let replay: CaptureReplay
            do {
                replay = try CaptureReplay(path: path)
            } catch {
                Self.printLine(CaptureReplay.message(path, error))
                throw error.code == .unreadable ? ExitStatus.unreadableCapture : ExitStatus.damagedCapture
            }
            if let damage = replay.damage {
                Self.printLine(CaptureReplay.message(path, damage))
                guard salvage else { throw ExitStatus.damagedCapture }
                Self.printLine("\(path): warning: --salvage: analysing the \(replay.intactRecords) record(s) before the damage")
                coverage.degradations.append("\(path) is damaged (\(damage.code.rawValue)); only \(replay.intactRecords) records were analysed")
                salvaged.append(path)
            }
            let header = replay.reader.header
            headers.append(header)
            let gate = Gate(engine: engine, bootTimeOffset: UInt64(max(0, header.bootTimeOffset)), hostname: header.hostname,
                            mask: mask, launcher: header.launcher, ci: ci) {
                console.finding($0)
            }
            let (delivered, unreadable, late) = replay.replay(into: gate)
            if let late {
                Self.printLine(CaptureReplay.message(path, late))
                guard salvage else { throw ExitStatus.damagedCapture }
                Self.printLine("\(path): warning: --salvage: analysed the \(delivered) record(s) before the damage")
                coverage.degradations.append("\(path) is damaged (\(late.code.rawValue)); only \(delivered) records were analysed")
                salvaged.append(path)
            }
            findings.merge(gate.findings)
            maskedSecrets += gate.maskedSecrets
            coverage.events += UInt64(delivered)
            coverage.unreadablePayloads += unreadable
            if let trailer = replay.trailer {
                coverage.drops += trailer.drops
                coverage.malformed += trailer.malformed
                coverage.blindSpots += trailer.blindSpots.filter { !coverage.blindSpots.contains($0) }
                if jobStatus == 0, let status = trailer.exitStatus { jobStatus = status }
                endTime = max(endTime, trailer.endTime)
            }
        }
        let elapsed = clock.now - started
        if timing {
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            Self.printLine(String(format: "tollgate: replayed %llu events from %d file(s) in %.3f s: %.0f events/s",
                                  coverage.events, files.count, seconds, Double(coverage.events) / max(seconds, 1e-9)))
        }

        let verdict = GateVerdict(findings: findings, failOn: threshold, drops: coverage.drops,
                                  unreadablePayloads: coverage.unreadablePayloads, incomplete: !salvaged.isEmpty,
                                  tolerateDrops: tolerateDrops, jobStatus: jobStatus)
        verdict.explainDamage(drops: coverage.drops, unreadable: coverage.unreadablePayloads, console: console)
        if verdict.partialCapture {
            console.error("\(salvaged.joined(separator: ", ")) \(salvaged.count == 1 ? "is" : "are") damaged and only partly analysed: this run cannot pass (use --tolerate-drops to accept it)")
        }
        console.note("replayed \(files.count) capture(s), \(coverage.events) events, \(coverage.drops) dropped; \(findings.total) findings, \(verdict.blocking) blocking")

        // A capture from seccomp has no exit data either.
        let seesExitData = headers.allSatisfy { BackendKind(rawValue: $0.backend)?.seesExitData ?? true }
        coverage.notEvaluable = UnevaluableRule.find(in: engine.ruleSet, backend: headers.first?.backend ?? "replay",
                                                     deliverableSyscalls: nil, seesExitData: seesExitData)
        let first = headers.first
        var report = RunReport(
            toolVersion: TollgateVersion.current,
            jobCommand: first?.command.map { mask.apply(String(decoding: $0.bytes, as: UTF8.self), count: &maskedSecrets) } ?? [],
            jobName: RunReport.defaultJobName(environment: environment), hostname: first?.hostname ?? "",
            startTime: first?.startTime ?? 0, endTime: endTime, jobExitStatus: jobStatus,
            gateFailed: verdict.gateFailed, failOn: threshold,
            backend: first.map { "replay of \($0.backend)" } ?? "replay", coverage: coverage, rules: rules,
            findings: findings)
        report.ci = mask.apply(to: ci, count: &maskedSecrets)
        report.maskedSecrets = maskedSecrets
        report.policy = policy
        try verdict.conclude(report, reports: reports, console: console, environment: environment)
    }

    static func printLine(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
