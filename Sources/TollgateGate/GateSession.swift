import TollgateBaseline
import TollgateCapture
import TollgateEvents
import TollgateReports
import TollgateRules

/// One gated evaluation, live (`run`) or replayed (`analyze`): the loaded policy, a `Gate` for
/// each capture it is fed, then the verdict and the run report. It prints nothing; the command
/// that drives it says what it returns and writes the reports.
public struct GateSession {
    /// The rules, and where they (and the config) came from.
    public let policy: GatePolicy
    public var engine: Engine { policy.engine }
    /// `--fail-on`.
    public let failOn: Priority
    /// `--tolerate-drops`: lost events, unreadable payloads and damaged captures are reported
    /// but do not fail the run.
    public let tolerateDrops: Bool
    /// The gate's environment: secrets to mask, the CI context, the job's name for reports.
    public let environment: [String: String]
    /// Hides the environment's secrets and those of `secretNames`, before any job secret is learned.
    public let mask: SecretMask
    /// What the `ci.*` fields say.
    public let ci: CIContext

    /// `secretNames`: variables the user declared secret (`--secret-env`, config `secrets`).
    public init(policy: GatePolicy, failOn: Priority, tolerateDrops: Bool, environment: [String: String],
                secretNames: Set<String>) {
        self.policy = policy
        self.failOn = failOn
        self.tolerateDrops = tolerateDrops
        self.environment = environment
        mask = SecretMask(environment: environment, extraNames: secretNames)
        ci = CIContext(environment: environment)
    }

    /// A gate for one capture: live, or a capture file's replay (its own process state). See
    /// `Gate.init` for the parameters.
    public func gate(bootTimeOffset: UInt64, hostname: String, launcher: LauncherIdentity?, inventory: Inventory? = nil,
                     baselineCheck: BaselineCheck? = nil, enforcementPolicy: EnforcementPolicy = EnforcementPolicy(),
                     enforcement: Enforcement? = nil, onFinding: @escaping (ReportFinding) -> Void) -> Gate {
        Gate(engine: engine, bootTimeOffset: bootTimeOffset, hostname: hostname, mask: mask, launcher: launcher, ci: ci,
             inventory: inventory, baselineCheck: baselineCheck, policy: enforcementPolicy, enforcement: enforcement,
             onFinding: onFinding)
    }

    /// Whether the run passes: its findings against `--fail-on`, the capture's damage (`coverage`
    /// and `damagedFiles`, capture files analysed only in part) unless `--tolerate-drops`, an
    /// attack on the gate, a kill; and the job's own status.
    public func verdict(findings: FindingLedger, coverage: Coverage, damagedFiles: [String] = [], unseen: [String] = [],
                        gateAttacked: Bool = false, jobKilled: Bool = false, jobStatus: Int32) -> GateVerdict {
        GateVerdict(findings: findings, failOn: failOn, drops: coverage.drops, unreadablePayloads: coverage.unreadablePayloads,
                    damagedFiles: damagedFiles, unseen: unseen, tolerateDrops: tolerateDrops, gateAttacked: gateAttacked,
                    jobKilled: jobKilled, jobStatus: jobStatus)
    }

    /// Rules none of whose event types the backend could deliver (`deliverableSyscalls`; nil:
    /// all), and on backends blind to syscall exits, rules that need them.
    public func notEvaluable(backend: String, deliverableSyscalls: Set<String>?, seesExitData: Bool) -> [UnevaluableRule] {
        UnevaluableRule.find(in: engine.ruleSet, backend: backend, deliverableSyscalls: deliverableSyscalls,
                             seesExitData: seesExitData)
    }

    /// The run's report. `mask` hides the job's secrets in its command and CI context (the
    /// session's, or a gate's that learned the job's own); `maskedSecrets` counts those already
    /// masked (in `findings`), and grows by these. `extraRules`: rules that are not in the
    /// policy's files (a baseline's).
    public func report(_ verdict: GateVerdict, command: [String], mask: SecretMask, maskedSecrets: Int, hostname: String,
                       startTime: UInt64, endTime: UInt64, backend: String, coverage: Coverage, findings: FindingLedger,
                       extraRules: [RuleDescriptor] = []) -> RunReport {
        var masked = maskedSecrets
        var report = RunReport(
            toolVersion: TollgateVersion.current, jobCommand: command.map { mask.apply($0, count: &masked) },
            jobName: RunReport.defaultJobName(environment: environment), hostname: hostname,
            startTime: startTime, endTime: endTime, jobExitStatus: verdict.jobStatus,
            gateFailed: verdict.gateFailed, failOn: failOn, backend: backend, coverage: coverage,
            rules: policy.rules + extraRules, findings: findings)
        report.ci = mask.apply(to: ci, count: &masked)
        report.maskedSecrets = masked
        report.policy = policy.policy
        return report
    }
}
