import Foundation
import Testing
import TollgateCapture
import TollgateReports
import TollgateRules

@testable import TollgateGate
@testable import tollgate

/// What `--kill-on` and `--deny-on` ask of the backends, from the rules: no privileges.
struct EnforcementPolicyTests {
    static let rules = """
        - rule: Key read
          desc: d
          condition: evt.type in (open, openat) and fd.name endswith "/.ssh/id_rsa"
          output: "key %fd.name"
          priority: ERROR
        - rule: Key read above stderr
          desc: d
          condition: evt.type = openat and fd.name endswith "/.ssh/id_ed25519" and fd.num > 2
          output: "key %fd.name"
          priority: CRITICAL
        - rule: Outbound
          desc: d
          condition: evt.type = connect and fd.sip = "10.0.0.9"
          output: "to %fd.name"
          priority: WARNING
        - rule: Exit noted
          desc: d
          condition: evt.type = exit_group
          output: "bye"
          priority: WARNING
        """

    static func engine() throws -> Engine {
        Engine(try #require(RuleLoader().load(files: [RuleSource(path: "r.yaml", text: rules)]).ruleSet))
    }

    @Test func denyProbesOnlyWhatARuleCanDecideBeforeTheCallRuns() throws {
        let engine = try Self.engine()
        let deny = try #require(EnforcementPolicy(denyOn: .error).enforcement(for: engine))
        #expect(deny.probedSyscalls == ["open", "openat"], "the CRITICAL rule needs the result; WARNING is below")
        #expect(deny.holdSyscalls.isEmpty)
        #expect(deny.denyErrno == EPERM)
        let loose = try #require(EnforcementPolicy(denyOn: .warning, denyErrno: EACCES).enforcement(for: engine))
        #expect(loose.probedSyscalls == ["open", "openat", "connect"], "exit_group is never refused: \(loose.probedSyscalls)")
        #expect(loose.denyErrno == EACCES)
    }

    @Test func killHoldsEveryRecordAKillMayFollowAndDecidesWhatItCanAtEntry() throws {
        let engine = try Self.engine()
        let kill = try #require(EnforcementPolicy(killOn: .critical).enforcement(for: engine))
        #expect(kill.holdSyscalls == ["openat"])
        #expect(kill.probedSyscalls.isEmpty, "the only CRITICAL rule needs the call's result")
        let wide = try #require(EnforcementPolicy(killOn: .warning).enforcement(for: engine))
        #expect(wide.holdSyscalls == ["open", "openat", "connect", "exit_group"])
        #expect(wide.probedSyscalls == ["open", "openat", "connect"])
        #expect(EnforcementPolicy().enforcement(for: engine) == nil, "nothing enforced, nothing held")
    }

    @Test func whereCallsCannotBeRefusedDenyKills() {
        let policy = EnforcementPolicy(killOn: .critical, denyOn: .warning)
        let ebpf = policy.carriedOut(by: .ebpf)
        #expect(ebpf.killOn == .warning && ebpf.denyOn == nil && ebpf.denyInsteadKills)
        #expect(policy.carriedOut(by: .ptrace) == policy)
        #expect(policy.carriedOut(by: .seccomp) == policy)
        let report = ebpf.report(killed: JobKill(rule: "Key read", latencyNanoseconds: 1_250_000))
        #expect(report?.modes == "kill on WARNING (--deny-on: this backend cannot refuse calls)")
        #expect(report?.killSentence == "Killed the job on 'Key read', 1.3 ms after its syscall was seen.")
    }

    @Test func aFindingBeforeTheCallKillsAboveKillOnAndIsDeniedAboveDenyOn() {
        let policy = EnforcementPolicy(killOn: .critical, denyOn: .warning)
        #expect(policy.actionBeforeCall(.emergency) == .killedJob)
        #expect(policy.actionBeforeCall(.error) == .denied)
        #expect(policy.actionBeforeCall(.notice) == nil)
        #expect(policy.kills(.critical) && !policy.kills(.error))
    }

    @Test(arguments: [("EPERM", EPERM), ("eacces", EACCES), ("2", ENOENT), ("EWHAT", nil), ("0", nil), ("-1", nil)])
    func denyErrnoTakesANameOrANumber(_ text: String, _ expected: Int32?) {
        #expect(DenyErrno.parse(text) == expected)
    }
}
