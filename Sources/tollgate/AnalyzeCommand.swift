import ArgumentParser
import Foundation
import TollgateCapture
import TollgateEvents
import TollgateGate
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

    @OptionGroup
    var gateOptions: GateOptions

    @Flag(help: "Analyse the records before the first damage of a damaged file instead of refusing it (the gate then fails unless --tolerate-drops).")
    var salvage = false

    @Flag(help: "Print the replay rate (events per second) to standard error.")
    var timing = false

    @OptionGroup(title: "Reports")
    var reports: ReportOptions

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("missing the capture file(s): tollgate analyze FILE...") }
    }

    func run() throws {
        let rulePaths = gateOptions.rulePaths
        let session = GateSession(policy: try RuleSources.policy(rulePaths.isEmpty ? nil : rulePaths), failOn: gateOptions.failOn ?? .warning,
                                  tolerateDrops: gateOptions.tolerateDrops, environment: ProcessInfo.processInfo.environment,
                                  secretNames: Set(gateOptions.secretNames))
        let console = Console(quiet: gateOptions.quiet, mask: session.mask)
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
            let gate = session.gate(bootTimeOffset: UInt64(max(0, header.bootTimeOffset)), hostname: header.hostname,
                                    launcher: header.launcher) {
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

        let verdict = session.verdict(findings: findings, coverage: coverage, damagedFiles: salvaged, jobStatus: jobStatus)
        for damage in verdict.damage { console.error(damage) }
        console.note("replayed \(files.count) capture(s), \(coverage.events) events, \(coverage.drops) dropped; \(findings.total) findings, \(verdict.blocking) blocking")

        // A capture from seccomp has no exit data either.
        let seesExitData = headers.allSatisfy { BackendKind(rawValue: $0.backend)?.seesExitData ?? true }
        coverage.notEvaluable = session.notEvaluable(backend: headers.first?.backend ?? "replay", deliverableSyscalls: nil,
                                                     seesExitData: seesExitData)
        let first = headers.first
        let report = session.report(
            verdict, command: first?.command.map { String(decoding: $0.bytes, as: UTF8.self) } ?? [], mask: session.mask,
            maskedSecrets: maskedSecrets, hostname: first?.hostname ?? "", startTime: first?.startTime ?? 0, endTime: endTime,
            backend: first.map { "replay of \($0.backend)" } ?? "replay", coverage: coverage, findings: findings)
        try reports.conclude(report, verdict: verdict, console: console, environment: session.environment)
    }

    static func printLine(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
