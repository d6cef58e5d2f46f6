import Foundation
import TollgateCapture
import TollgateEvents
import TollgateReports
import TollgateRules

/// The evaluating end of a run: decodes captured records into events with process and fd
/// state, evaluates every rule on each, and keeps and streams the findings.
final class Gate: CaptureSink {
    /// Findings kept for the reports; beyond this many only the count grows.
    static let keptFindingsLimit = 100_000

    private let decoder: EventDecoder
    private let engine: Engine
    private let hostname: String
    private let onFinding: (ReportFinding) -> Void
    private(set) var findings: [ReportFinding] = []
    private(set) var findingCount = 0

    init(engine: Engine, bootTimeOffset: UInt64, hostname: String, onFinding: @escaping (ReportFinding) -> Void) {
        self.engine = engine
        self.decoder = EventDecoder(bootTimeOffset: bootTimeOffset)
        self.hostname = hostname
        self.onFinding = onFinding
    }

    func jobStarted(pid: Int32, job: JobSpec, timestamp: UInt64) {
        let executable = ExecutableSearch.resolve(job.command[0], environment: job.environment)
        decoder.seed(
            pid: pid, ppid: getpid(), exePath: ByteString(executable), argv: job.arguments.map { ByteString($0) },
            env: job.environmentEntries.map { ByteString($0) }, cwd: ByteString(job.workingDirectory),
            uid: geteuid(), gid: getegid(), startTime: timestamp, loginUID: Self.loginUID())
    }

    /// The audit login uid the job inherits from the gate (`UInt32.max` when unset).
    private static func loginUID() -> UInt32? {
        (try? String(contentsOfFile: "/proc/self/loginuid", encoding: .utf8))
            .flatMap { UInt32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    func receive(_ raw: RawEvent) {
        // The closure form: the event never travels in an Optional (see `EventDecoder`).
        decoder.decode(raw) { event in
            for finding in engine.evaluate(event) {
                let reported = ReportFinding(finding, event: event, hostname: hostname)
                findingCount += 1
                if findings.count < Self.keptFindingsLimit { findings.append(reported) }
                onFinding(reported)
            }
        }
    }
}

/// Finds the executable a command name runs, as execvp(3) would.
enum ExecutableSearch {
    static func resolve(_ command: String, environment: [String]) -> String {
        if command.contains("/") { return command }
        let path = environment.first { $0.hasPrefix("PATH=") }.map { String($0.dropFirst(5)) } ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":", omittingEmptySubsequences: false) {
            let candidate = (folder.isEmpty ? "." : String(folder)) + "/" + command
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return command
    }
}
