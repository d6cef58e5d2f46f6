import ArgumentParser
import Foundation
import TollgateReports
import TollgateRules

/// How a gated run ends, live or replayed: which findings block, whether lost events, events
/// whose payloads could not be read, an incomplete capture or an attack on the gate fail the run, and the exit status that follows
/// once the reports are written.
struct GateVerdict {
    /// Findings at or above `--fail-on`.
    let blocking: Int
    /// Events were dropped and `--tolerate-drops` was not given.
    let lostEvents: Bool
    /// Events had payloads that could not be read from the job's memory (their values are
    /// unknown) and `--tolerate-drops` was not given.
    let unreadablePayloads: Bool
    /// The capture is incomplete (a damaged file analysed with `--salvage`) and
    /// `--tolerate-drops` was not given.
    let partialCapture: Bool
    /// The job had an engine run programs the capture could not follow (`CaptureCoverage.unseen`)
    /// and `--tolerate-drops` was not given.
    let unseenActivity: Bool
    /// The job interfered with the gate (stopped or killed its capture monitor): never passes.
    let gateAttacked: Bool
    /// The gate killed the job on a finding (`--kill-on`): never passes.
    let jobKilled: Bool
    /// The job's own status, shell style.
    let jobStatus: Int32

    init(findings: FindingLedger, failOn: Priority, drops: UInt64, unreadablePayloads: UInt64 = 0, incomplete: Bool = false,
         unseen: Int = 0, tolerateDrops: Bool, gateAttacked: Bool = false, jobKilled: Bool = false, jobStatus: Int32) {
        blocking = findings.groups.reduce(0) { $0 + ($1.first.priority <= failOn ? $1.count : 0) }
        lostEvents = drops > 0 && !tolerateDrops
        self.unreadablePayloads = unreadablePayloads > 0 && !tolerateDrops
        partialCapture = incomplete && !tolerateDrops
        unseenActivity = unseen > 0 && !tolerateDrops
        self.gateAttacked = gateAttacked
        self.jobKilled = jobKilled
        self.jobStatus = jobStatus
    }

    var gateFailed: Bool { blocking > 0 || lostEvents || unreadablePayloads || partialCapture || unseenActivity || gateAttacked || jobKilled }

    /// Says on standard error why lost or unreadable events, and what the capture could not
    /// follow, fail the run.
    func explainDamage(drops: UInt64, unreadable: UInt64, unseen: [String] = [], console: Console) {
        if unseenActivity {
            for what in unseen { console.error("not followed: \(what)") }
            console.error("the job had \(unseen.count) thing(s) run out of the capture's sight: this run cannot pass (use --tolerate-drops to accept it)")
        }
        if lostEvents {
            console.error("the capture lost \(drops) events: this run cannot pass (use --tolerate-drops to accept it)")
        }
        if unreadablePayloads {
            console.error("\(unreadable) events had a payload that could not be read from the job's memory (values unknown): this run cannot pass (use --tolerate-drops to accept it)")
        }
    }

    /// Writes every requested report, then ends: exit 74 when a report could not be written,
    /// 3 when the gate failed, else the job's own status.
    func conclude(_ report: RunReport, reports: ReportOptions, console: Console, environment: [String: String]) throws {
        do {
            try reports.publish(report, environment: environment)
        } catch {
            console.error(error.description)
            throw ExitStatus.cannotWriteReport
        }
        if gateFailed { throw ExitStatus.blockingFinding }
        if jobStatus != 0 { throw ExitCode(jobStatus) }
    }
}
