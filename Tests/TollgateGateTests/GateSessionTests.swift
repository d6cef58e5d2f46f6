import ArgumentParser
import Testing
import TollgateReports
import TollgateRules

@testable import TollgateGate

/// The session `run` and `analyze` share: what fails a run, what the run exits with and what
/// its report says, with no capture and no command line.
struct GateSessionTests {
    static let rules = """
        - rule: Shadow read
          desc: reads the password hashes
          condition: evt.type in (open, openat, openat2) and fd.name = /etc/shadow
          output: "shadow read by %proc.name"
          priority: ERROR
        - rule: Curl seen
          desc: d
          condition: evt.type = execve and proc.name = curl
          output: "curl"
          priority: NOTICE
        """

    static func session(failOn: Priority = .warning, tolerateDrops: Bool = false,
                        environment: [String: String] = [:]) throws -> GateSession {
        let policy = try GatePolicy.load(nil, defaults: [RuleSource(path: "r.yaml", text: rules)])
        return GateSession(policy: policy, failOn: failOn, tolerateDrops: tolerateDrops, environment: environment, secretNames: [])
    }

    static func finding(_ rule: String, _ priority: Priority) -> ReportFinding {
        ReportFinding(rule: rule, priority: priority, output: rule, time: 1, hostname: "h")
    }

    @Test func aCleanRunEndsWithTheJobsOwnStatus() throws {
        let session = try Self.session()
        let failed = session.verdict(findings: FindingLedger(), coverage: Coverage(events: 10), jobStatus: 2)
        #expect(!failed.gateFailed && failed.damage.isEmpty)
        #expect(failed.exitStatus == ExitStatus.job(2))
        #expect(failed.exitStatus?.rawValue == 2)
        #expect(session.verdict(findings: FindingLedger(), coverage: Coverage(events: 10), jobStatus: 0).exitStatus == nil)
    }

    @Test func findingsAtOrAboveFailOnBlock() throws {
        let findings = FindingLedger([Self.finding("Shadow read", .error), Self.finding("Curl seen", .notice)])
        let strict = try Self.session(failOn: .notice).verdict(findings: findings, coverage: Coverage(events: 2), jobStatus: 0)
        #expect(strict.blocking == 2 && strict.gateFailed)
        #expect(strict.exitStatus == ExitStatus.blockingFinding)
        let usual = try Self.session().verdict(findings: findings, coverage: Coverage(events: 2), jobStatus: 0)
        #expect(usual.blocking == 1)
        let loose = try Self.session(failOn: .critical).verdict(findings: findings, coverage: Coverage(events: 2), jobStatus: 5)
        #expect(loose.blocking == 0 && !loose.gateFailed && loose.exitStatus?.rawValue == 5)
    }

    @Test func damageFailsTheRunUnlessTolerated() throws {
        let coverage = Coverage(events: 10, drops: 3, unreadablePayloads: 2)
        let verdict = try Self.session().verdict(findings: FindingLedger(), coverage: coverage, damagedFiles: ["a.tgcap"], jobStatus: 0)
        #expect(verdict.gateFailed && verdict.lostEvents && verdict.unreadablePayloads && verdict.partialCapture)
        #expect(verdict.exitStatus == ExitStatus.blockingFinding)
        #expect(verdict.damage.count == 3)
        #expect(verdict.damage.first?.hasPrefix("the capture lost 3 events: this run cannot pass") == true, "\(verdict.damage)")
        #expect(verdict.damage.dropFirst().first?.hasPrefix("2 events had a payload that could not be read") == true, "\(verdict.damage)")
        #expect(verdict.damage.last?.hasPrefix("a.tgcap is damaged and only partly analysed") == true, "\(verdict.damage)")
        let tolerated = try Self.session(tolerateDrops: true)
            .verdict(findings: FindingLedger(), coverage: coverage, damagedFiles: ["a.tgcap", "b.tgcap"], jobStatus: 0)
        #expect(!tolerated.gateFailed && tolerated.damage.isEmpty)
    }

    @Test func anAttackOnTheGateOrAKillNeverPasses() throws {
        let session = try Self.session(tolerateDrops: true)
        #expect(session.verdict(findings: FindingLedger(), coverage: Coverage(events: 1), gateAttacked: true, jobStatus: 0).gateFailed)
        #expect(session.verdict(findings: FindingLedger(), coverage: Coverage(events: 1), jobKilled: true, jobStatus: 0).gateFailed)
    }

    @Test func theReportMasksTheCommandAndCarriesThePolicy() throws {
        let session = try Self.session(failOn: .error, environment: ["DEPLOY_TOKEN": "s3cr3t-value"])
        let verdict = session.verdict(findings: FindingLedger(), coverage: Coverage(events: 1), jobStatus: 0)
        let extra = RuleDescriptor(name: "New executable", description: "d", priority: .warning, tags: ["baseline"],
                                   sourceFile: "b.yaml", sourceLine: 1)
        let report = session.report(verdict, command: ["curl", "-H", "s3cr3t-value"], mask: session.mask, maskedSecrets: 2,
                                    hostname: "h", startTime: 1, endTime: 2, backend: "ptrace", coverage: Coverage(events: 1),
                                    findings: FindingLedger(), extraRules: [extra])
        #expect(report.jobCommand == ["curl", "-H", SecretMask.replacement])
        #expect(report.maskedSecrets == 3)
        #expect(report.failOn == .error && !report.gateFailed)
        #expect(report.rules.map(\.name) == ["Shadow read", "Curl seen", "New executable"])
        #expect(report.policy.sources.map(\.kind) == ["built-in rules"])
        #expect(report.toolVersion == TollgateVersion.current)
    }

    @Test func rulesWithNoEnabledRuleMakeNoPolicy() throws {
        let disabled = RuleSource(path: "off.yaml", text: "- rule: Off\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: ERROR\n  enabled: false\n")
        #expect {
            try GatePolicy.load(nil, defaults: [disabled])
        } throws: { error in
            "\(error)".contains("no enabled rule was loaded from 'the built-in ruleset' (read: 'off.yaml')") && "\(error)".hasSuffix("[LOAD_NO_RULES]")
        }
    }
}
