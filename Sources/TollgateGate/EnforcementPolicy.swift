import Foundation
import TollgateCapture
import TollgateEvents
import TollgateReports
import TollgateRules

/// `--kill-on` and `--deny-on`: what the gate does to the job on a finding, beyond reporting
/// it.
public struct EnforcementPolicy: Equatable, Sendable {
    /// At the first finding at or above it, the whole job is killed.
    public var killOn: Priority?
    /// A call whose entry already matches a rule at or above it is refused before it runs
    /// (ptrace and seccomp).
    public var denyOn: Priority?
    /// The error a refused call returns.
    public var denyErrno: Int32

    public init(killOn: Priority? = nil, denyOn: Priority? = nil, denyErrno: Int32 = EPERM) {
        self.killOn = killOn
        self.denyOn = denyOn
        self.denyErrno = denyErrno
    }

    public var isEmpty: Bool { killOn == nil && denyOn == nil }

    /// Whether `rule` can refuse a call: its condition needs nothing of the call's result.
    public static func canDeny(_ rule: CompiledRule) -> Bool { rule.exitDataFields.isEmpty }

    /// The backends that can refuse a call before it runs. eBPF cannot here (BPF LSM programs
    /// do not load where trampolines are refused): `--deny-on` kills the job there instead.
    public static let denyingBackends: [BackendKind] = [.ptrace, .seccomp]

    /// The policy as `backend` can carry it out: where calls cannot be refused, a finding at
    /// or above `--deny-on` kills the job instead.
    public func carriedOut(by backend: BackendKind) -> EnforcementPolicy {
        guard let denyOn, !Self.denyingBackends.contains(backend) else { return self }
        var policy = self
        policy.killOn = max(killOn ?? denyOn, denyOn)
        policy.denyOn = nil
        policy.denyInsteadKills = true
        return policy
    }

    /// What `backend` cannot enforce of this policy, in words for the run's coverage.
    public func blindSpots(on backend: BackendKind) -> [String] {
        switch backend {
        case .ebpf where killOn != nil:
            return ["--kill-on: eBPF's capture program kills the caller itself at the open on the rules it can decide ('kill: in the kernel' in `tollgate rules list`), but another thread or a process sharing its fd table can use the fd before the kill lands; on the other rules the gate kills from user space once the record reaches it, so a job can finish calls in between (send what it just read); io_uring submissions are not seen"]
        case .seccomp where !isEmpty:
            return ["--kill-on, --deny-on: a call the gate let go runs with CONTINUE, and the kernel reads its arguments again: another thread can rewrite a path after the gate decided"]
        case .ptrace where killOn != nil:
            return ["--kill-on: a call held at its exit has run; another thread of the process can use its result until the kill lands (calls a rule can decide at their entry are decided there)"]
        default:
            return []
        }
    }

    /// `--deny-on` was turned into killing (`carriedOut(by:)`).
    public private(set) var denyInsteadKills = false

    /// Calls that are never refused: a process that may not exit would run on.
    private static let neverDenied: Set<String> = ["exit", "exit_group"]

    /// What the backend must do for this policy with `engine`'s rules, and with `extraHold`,
    /// the syscalls of findings that do not come from rules (a baseline's) at `extraPriority`.
    public func enforcement(for engine: Engine, extraHold: Set<String> = [], extraPriority: Priority? = nil) -> Enforcement? {
        guard !isEmpty else { return nil }
        var hold = killOn.map { killOn in engine.syscalls { $0.priority <= killOn } } ?? []
        if let killOn, let extraPriority, extraPriority <= killOn { hold.formUnion(extraHold) }
        // A call that a rule which needs nothing of its result would kill the job on is decided
        // before it runs, too: the job dies before the call does anything.
        let decidedFrom = [killOn, denyOn].compactMap { $0 }.max()
        let deny = decidedFrom.map { level in engine.syscalls { $0.priority <= level && Self.canDeny($0) } } ?? []
        return Enforcement(holdSyscalls: hold, probedSyscalls: deny.subtracting(Self.neverDenied), denyErrno: denyErrno,
                           kernelDecided: kernelDecided(engine.ruleSet.rules))
    }

    /// The rules eBPF's capture program can kill on itself, at an open's exit, most severe
    /// first (where `KernelKillTable` runs out of room, the rest are killed on from user space).
    public func kernelDecided(_ rules: [CompiledRule]) -> [KernelDecidedRule] {
        guard let level = carriedOut(by: .ebpf).killOn else { return [] }
        return rules.filter { $0.enabled && $0.priority <= level }
            .enumerated().sorted { ($0.element.priority, $0.offset) < ($1.element.priority, $1.offset) }
            .compactMap { rule in rule.element.kernelOpenCondition.map { KernelDecidedRule(rule: rule.element.name, condition: $0) } }
    }

    /// What a finding of `priority` on a call about to run (its rule `canDeny`) makes the gate do.
    public func actionBeforeCall(_ priority: Priority) -> FindingAction? {
        if let killOn, priority <= killOn { return .killedJob }
        if let denyOn, priority <= denyOn { return .denied }
        return nil
    }

    /// Whether a finding of `priority` on a call that ran kills the job.
    public func kills(_ priority: Priority) -> Bool {
        killOn.map { priority <= $0 } ?? false
    }
}

extension EnforcementPolicy {
    /// What reports say of it, with the kill when there was one; nil when nothing was enforced.
    public func report(killed: JobKill?) -> EnforcementReport? {
        guard !isEmpty else { return nil }
        return EnforcementReport(killOn: killOn, denyOn: denyOn, denyErrno: Errno.name(Int64(denyErrno)) ?? "\(denyErrno)",
                                 killedOn: killed?.rule, killLatencyNanoseconds: killed?.latencyNanoseconds,
                                 killedInKernel: killed?.inKernel ?? false,
                                 denyInsteadKills: denyInsteadKills)
    }
}

/// The finding the gate killed the job on, and how long after its syscall.
public struct JobKill: Equatable, Sendable {
    public var rule: String
    /// From the record's timestamp (taken when the backend saw the call) to the gate's kill;
    /// for a kill in the kernel, to the exit of the thread that made the call, once seen.
    public var latencyNanoseconds: UInt64?
    /// eBPF's capture program killed the caller at the call's exit (`RawEvent.Flags.killedInKernel`).
    public var inKernel: Bool

    public init(rule: String, latencyNanoseconds: UInt64? = nil, inKernel: Bool = false) {
        self.rule = rule
        self.latencyNanoseconds = latencyNanoseconds
        self.inKernel = inKernel
    }
}
