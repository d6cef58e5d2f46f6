import Foundation
import TollgateBaseline
import TollgateCapture
import TollgateEvents
import TollgateReports
import TollgateRules

/// The evaluating end of a run: decodes captured records into events with process and fd
/// state, evaluates every rule on each, and keeps (merged by identity) and streams the findings.
public final class Gate: CaptureSink {
    private let decoder: EventDecoder
    private let engine: Engine
    private let hostname: String
    private let launcher: LauncherIdentity?
    /// Grows as processes start with secret-named variables of their own.
    public private(set) var mask: SecretMask?
    private let onFinding: (ReportFinding) -> Void
    public private(set) var findings = FindingLedger()
    /// Secret values masked in the findings so far.
    public private(set) var maskedSecrets = 0
    /// What the run did, by kind, when a baseline or an inventory was asked for.
    public let inventory: Inventory?
    /// The baseline whose missing entries are findings, as the job shows them.
    private let baselineCheck: BaselineCheck?
    /// `--kill-on`, `--deny-on`.
    private let policy: EnforcementPolicy
    /// What the backend must do for `policy` (`EnforcementPolicy.enforcement`; CaptureSink).
    public let enforcement: Enforcement?
    /// Rules that can refuse a call (`EnforcementPolicy.canDeny`), by name.
    private let denyingRules: Set<String>
    /// Per thread, the rules a refused call was reported on from its probe: the record of the
    /// refused call that follows does not report them again.
    private var reportedDenials: [Int32: Set<String>] = [:]
    /// The finding the job was killed on, once it was.
    public private(set) var jobKill: JobKill?
    /// The call eBPF's capture program killed its caller at, until that thread's exit is seen.
    private var kernelKill: (tid: Int32, timestamp: UInt64)?

    /// What a kill in the kernel is put down to when none of the rules found what the capture
    /// program did (they can disagree only if the job changed what both read in between).
    public static let unconfirmedKernelKill = "a kill in the kernel that no rule confirmed"

    /// `mask` hides the job's secrets in every finding before it is kept or streamed; it learns
    /// the secret-named variables of every environment a process of the job execs with. nil keeps
    /// findings verbatim (rule tests, whose events are made up). `launcher` is the process that
    /// started the job (this gate, or the recording one): the first process's parent. `ci` is
    /// what the `ci.*` fields say.
    public init(engine: Engine, bootTimeOffset: UInt64, hostname: String, mask: SecretMask?, launcher: LauncherIdentity?,
         ci: CIContext = CIContext(), inventory: Inventory? = nil, baselineCheck: BaselineCheck? = nil,
         policy: EnforcementPolicy = EnforcementPolicy(), enforcement: Enforcement? = nil,
         onFinding: @escaping (ReportFinding) -> Void) {
        self.engine = engine
        self.policy = policy
        self.enforcement = enforcement
        denyingRules = Set(engine.ruleSet.rules.filter(EnforcementPolicy.canDeny).map(\.name))
        self.launcher = launcher
        self.inventory = inventory
        self.baselineCheck = baselineCheck
        self.decoder = EventDecoder(ci: ci, bootTimeOffset: bootTimeOffset)
        self.hostname = hostname
        self.mask = mask
        self.onFinding = onFinding
    }

    /// The containers the run's engine described, for the `container.*` fields.
    public var containers: ContainerTable { decoder.facts.containers }

    public func gateStarted(processes: [Int32]) {
        decoder.gateProcessIDs = Set(processes)
    }

    public func jobStarted(pid: Int32, job: JobSpec, timestamp: UInt64) {
        let executable = ExecutableSearch.resolve(job.command[0], environment: job.environment)
        decoder.seed(
            pid: pid, ppid: launcher?.pid ?? getpid(), exePath: ByteString(executable), argv: job.arguments.map { ByteString($0) },
            env: job.environmentEntries.map { ByteString($0) }, cwd: ByteString(job.workingDirectory),
            uid: geteuid(), gid: getegid(), startTime: timestamp, loginUID: Self.loginUID(), launcher: launcher)
    }

    /// The environment a live process exec'd with, from `/proc/<pid>/environ`; empty when it
    /// is gone or unreadable.
    private static func liveEnvironment(of pid: Int32) -> [ByteString] {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return [] }
        return data.split(separator: 0).map { ByteString(bytes: $0) }
    }

    /// The audit login uid the job inherits from the gate (`UInt32.max` when unset).
    private static func loginUID() -> UInt32? {
        (try? String(contentsOfFile: "/proc/self/loginuid", encoding: .utf8))
            .flatMap { UInt32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    public func receive(_ raw: RawEvent) {
        let killedBefore = jobKill != nil
        // The closure form: the event never travels in an Optional (see `EventDecoder`).
        decoder.decode(raw) { event in
            if mask != nil, event.info.effect == .execve, let environment = event.process.env {
                mask?.learn(environment: environment)
                // The capture keeps the first 4 KiB of an environment: read the rest while
                // the process lives (always under ptrace and seccomp, which hold it at exec).
                if raw.flags.contains(.payloadTruncated) {
                    mask?.learn(environment: Self.liveEnvironment(of: event.process.pid))
                }
            }
            let alreadyDenied = raw.flags.contains(.denied) ? reportedDenials.removeValue(forKey: raw.tid) ?? [] : []
            for finding in engine.evaluate(event) where !alreadyDenied.contains(finding.rule) {
                report(finding, event: event, action: raw.flags.contains(.denied) && denyingRules.contains(finding.rule)
                    && policy.actionBeforeCall(finding.priority) == .denied ? .denied : nil)
            }
            for observation in inventory?.observe(event) ?? [] {
                guard let finding = baselineCheck?.finding(for: observation) else { continue }
                report(finding, event: event, action: nil)
            }
        }
        noteKernelKill(raw, killedBefore: killedBefore)
    }

    /// Keeps what eBPF's capture program killed in the kernel: the job dies (the rest of it
    /// from here), and the time to the caller's death once its exit comes.
    private func noteKernelKill(_ raw: RawEvent, killedBefore: Bool) {
        if raw.flags.contains(.killedInKernel) {
            guard !killedBefore else { return }
            if jobKill == nil { jobKill = JobKill(rule: Self.unconfirmedKernelKill) }
            jobKill?.inKernel = true
            jobKill?.latencyNanoseconds = nil
            kernelKill = (raw.tid, raw.timestamp)
        } else if let kill = kernelKill, raw.kind == .processExit, raw.tid == kill.tid {
            jobKill?.latencyNanoseconds = raw.timestamp > kill.timestamp ? raw.timestamp - kill.timestamp : 0
            kernelKill = nil
        }
    }

    public var killsJob: Bool { jobKill != nil }

    /// A call about to run: refused (or the job killed) when a rule that needs nothing of its
    /// result matches it at or above `--deny-on` (`--kill-on`). Those findings are reported
    /// now, with what was done; the rest wait for the call's own record.
    public func decide(_ probe: RawEvent) -> RecordVerdict {
        guard !killsJob else { return .kill }
        var verdict = RecordVerdict.allow
        decoder.preview(probe) { event in
            var denied: Set<String> = []
            for finding in engine.evaluate(event) where denyingRules.contains(finding.rule) {
                guard let action = policy.actionBeforeCall(finding.priority) else { continue }
                var finding = finding
                finding.eventNumber = decoder.eventCount + 1
                report(finding, event: event, action: action)
                if action == .denied { denied.insert(finding.rule) }
                if action == .killedJob { verdict = .kill }
            }
            if verdict == .allow, !denied.isEmpty {
                verdict = .deny
                reportedDenials[probe.tid] = denied
            }
        }
        return verdict
    }

    /// Reports a rule's finding on `event`; kills the job at the first at or above `--kill-on`.
    private func report(_ finding: Finding, event: Event, action: FindingAction?) {
        var reported = ReportFinding(finding, event: event, hostname: hostname)
        reported.action = action
        if jobKill == nil, action == .killedJob || (action == nil && policy.kills(finding.priority)) {
            reported.action = .killedJob
            let now = BootClock.now()
            jobKill = JobKill(rule: finding.rule, latencyNanoseconds: now > event.raw.timestamp ? now - event.raw.timestamp : 0)
        }
        report(reported)
    }

    /// Masks, keeps and streams a finding.
    private func report(_ finding: ReportFinding) {
        var reported = finding
        if let mask { reported = mask.apply(to: reported, count: &maskedSecrets) }
        findings.add(reported)
        onFinding(reported)
    }
}

/// Finds the executable a command name runs, as execvp(3) would.
public enum ExecutableSearch {
    public static func resolve(_ command: String, environment: [String]) -> String {
        if command.contains("/") { return command }
        let path = environment.first { $0.hasPrefix("PATH=") }.map { String($0.dropFirst(5)) } ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":", omittingEmptySubsequences: false) {
            let candidate = (folder.isEmpty ? "." : String(folder)) + "/" + command
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return command
    }
}
