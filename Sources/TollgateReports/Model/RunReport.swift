import TollgateEvents
import TollgateRules

/// Everything one gated run produced, in the form every report writer reads.
///
/// The CLI builds one `RunReport` when the job has ended (or the gate was interrupted) and hands
/// it to each writer. Times are nanoseconds since the Unix epoch, UTC.
public struct RunReport: Sendable {
    /// tollgate's version (`tool.driver.version` in SARIF).
    public var toolVersion: String
    /// The job's argv, as launched.
    public var jobCommand: [String]
    /// Names this gated run for CI: SARIF `automationDetails.id` is `tollgate/<jobName>/`.
    public var jobName: String
    /// The machine the job ran on.
    public var hostname: String
    /// When the job started and ended.
    public var startTime: UInt64
    public var endTime: UInt64
    /// The job's own exit status (128+N when killed by signal N).
    public var jobExitStatus: Int32
    /// The verdict: true when the gate fails the job (blocking findings, or drops not tolerated).
    public var gateFailed: Bool
    /// `--fail-on`: a finding at or above this priority blocks.
    public var failOn: Priority
    /// The capture backend that ran (`ebpf`, `seccomp`, `ptrace`, `replay`).
    public var backend: String
    /// What the backend saw and missed.
    public var coverage: Coverage
    /// Every loaded rule, enabled or not, in load order.
    public var rules: [RuleDescriptor]
    /// Every finding, merged by identity in order of first occurrence.
    public var findings: FindingLedger
    /// `tool.driver.informationUri` in SARIF; omitted when nil.
    public var informationURI: String?
    /// How many secret values were replaced by `***` in the findings and the job's command.
    public var maskedSecrets = 0
    /// The files the rules and settings came from, and the rules overrides weakened.
    public var policy = Policy()
    /// The CI pipeline, job and step of the run.
    public var ci = CIContext()
    /// What the run did beside its behaviour baseline, when one was used or written.
    public var behaviourChanges: BehaviourChanges?
    /// What the gate did to the job beyond watching it, when `--kill-on` or `--deny-on` was set.
    public var enforcement: EnforcementReport?

    public init(
        toolVersion: String,
        jobCommand: [String],
        jobName: String,
        hostname: String,
        startTime: UInt64,
        endTime: UInt64,
        jobExitStatus: Int32,
        gateFailed: Bool,
        failOn: Priority,
        backend: String,
        coverage: Coverage,
        rules: [RuleDescriptor],
        findings: FindingLedger,
        informationURI: String? = nil
    ) {
        self.toolVersion = toolVersion
        self.jobCommand = jobCommand
        self.jobName = jobName
        self.hostname = hostname
        self.startTime = startTime
        self.endTime = endTime
        self.jobExitStatus = jobExitStatus
        self.gateFailed = gateFailed
        self.failOn = failOn
        self.backend = backend
        self.coverage = coverage
        self.rules = rules
        self.findings = findings
        self.informationURI = informationURI
    }

    /// True when `priority` is at or above `--fail-on` (Falco's order: lower raw value is more
    /// severe).
    public func isBlocking(_ priority: Priority) -> Bool { priority <= failOn }

    /// The finding groups that make the gate fail.
    public var blockingGroups: [FindingGroup] { findings.groups.filter { isBlocking($0.first.priority) } }

    /// How many findings make the gate fail.
    public var blockingCount: Int { blockingGroups.reduce(0) { $0 + $1.count } }

    /// The job name CI gives this job: `GITHUB_JOB`, else `CI_JOB_NAME`, else `local`.
    public static func defaultJobName(environment: [String: String]) -> String {
        for key in ["GITHUB_JOB", "CI_JOB_NAME"] {
            if let value = environment[key], !value.isEmpty { return value }
        }
        return "local"
    }

    /// Job duration in seconds (0 when the clock went backwards).
    var durationSeconds: Double {
        endTime >= startTime ? Double(endTime - startTime) / 1e9 : 0
    }

    /// The rule descriptor for a rule name, if it was loaded.
    func rule(named name: String) -> RuleDescriptor? {
        rules.first { $0.name == name }
    }
}
