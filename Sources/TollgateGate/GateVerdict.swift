import ArgumentParser
import TollgateReports
import TollgateRules

/// How a gated run ends, live or replayed: which findings block, whether lost events, events
/// whose payloads could not be read, an incomplete capture or an attack on the gate fail the
/// run, and the exit status that follows once the reports are written. Made by `GateSession`.
public struct GateVerdict {
    /// Findings at or above `--fail-on`.
    public let blocking: Int
    /// Events were dropped and `--tolerate-drops` was not given.
    public let lostEvents: Bool
    /// Events had payloads that could not be read from the job's memory (their values are
    /// unknown) and `--tolerate-drops` was not given.
    public let unreadablePayloads: Bool
    /// The capture is incomplete (a damaged file analysed with `--salvage`) and
    /// `--tolerate-drops` was not given.
    public let partialCapture: Bool
    /// The job had an engine run programs the capture could not follow (`CaptureCoverage.unseen`)
    /// and `--tolerate-drops` was not given.
    public let unseenActivity: Bool
    /// The job interfered with the gate (stopped or killed its capture monitor): never passes.
    public let gateAttacked: Bool
    /// The gate killed the job on a finding (`--kill-on`): never passes.
    public let jobKilled: Bool
    /// The job's own status, shell style.
    public let jobStatus: Int32
    /// Why the capture's damage fails the run, a sentence each (lost events, unreadable
    /// payloads, damaged files), for the command to say.
    public let damage: [String]

    init(findings: FindingLedger, failOn: Priority, drops: UInt64, unreadablePayloads: UInt64, damagedFiles: [String],
         unseen: [String], tolerateDrops: Bool, gateAttacked: Bool, jobKilled: Bool, jobStatus: Int32) {
        blocking = findings.groups.reduce(0) { $0 + ($1.first.priority <= failOn ? $1.count : 0) }
        lostEvents = drops > 0 && !tolerateDrops
        self.unreadablePayloads = unreadablePayloads > 0 && !tolerateDrops
        partialCapture = !damagedFiles.isEmpty && !tolerateDrops
        unseenActivity = !unseen.isEmpty && !tolerateDrops
        self.gateAttacked = gateAttacked
        self.jobKilled = jobKilled
        self.jobStatus = jobStatus
        let accept = "this run cannot pass (use --tolerate-drops to accept it)"
        var damage: [String] = []
        if unseenActivity {
            damage += unseen.map { "not followed: \($0)" }
            damage.append("the job had \(unseen.count) thing(s) run out of the capture's sight: \(accept)")
        }
        if lostEvents { damage.append("the capture lost \(drops) events: \(accept)") }
        if self.unreadablePayloads {
            damage.append("\(unreadablePayloads) events had a payload that could not be read from the job's memory (values unknown): \(accept)")
        }
        if partialCapture {
            damage.append("\(damagedFiles.joined(separator: ", ")) \(damagedFiles.count == 1 ? "is" : "are") damaged and only partly analysed: \(accept)")
        }
        self.damage = damage
    }

    public var gateFailed: Bool {
        blocking > 0 || lostEvents || unreadablePayloads || partialCapture || unseenActivity || gateAttacked || jobKilled
    }

    /// What the run exits with once its reports are written: 3 when the gate failed, else the
    /// job's own status (nil for 0).
    public var exitStatus: ExitCode? {
        if gateFailed { return ExitStatus.blockingFinding }
        return ExitStatus.job(jobStatus)
    }
}
