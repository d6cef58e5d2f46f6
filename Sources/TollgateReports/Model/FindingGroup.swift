import TollgateRules

/// Findings with the same identity (rule, executable, target), merged: reports show one entry
/// with a count instead of one per event.
public struct FindingGroup: Sendable {
    /// The first finding of the group; its detail (pid, chain, output) represents the group.
    public var first: ReportFinding
    /// How many findings were merged.
    public var count: Int
    /// The time of the last merged finding.
    public var lastTime: UInt64
    /// `primaryLocationLineHash`-style fingerprint: 16 hex digits of SHA-256 of the identity.
    public var fingerprint: String
    /// All 64 hex digits, for formats that want a longer unique key (Code Quality).
    public var fullFingerprint: String

    /// Groups `findings` by identity, in order of first occurrence.
    public static func group(_ findings: [ReportFinding]) -> [FindingGroup] {
        FindingLedger(findings).groups
    }

    /// SHA-256 hex of `rule`, `exe` and `target`, each length-prefixed so no two identities
    /// collide by concatenation. Never includes pids or times: the same behaviour in the next
    /// run of the job gets the same fingerprint.
    public static func identityHash(of finding: ReportFinding) -> String {
        let parts = ["tollgate-finding/v1", finding.rule, finding.exe ?? "", finding.target ?? ""]
        return SHA256.hex(of: parts.map { "\($0.utf8.count):\($0)" }.joined(separator: "|"))
    }

    /// The identity of a rule's findings merged past `FindingLedger`'s bound on distinct ones.
    static func overflowHash(rule: String) -> String {
        SHA256.hex(of: "tollgate-finding-overflow/v1|\(rule.utf8.count):\(rule)")
    }
}
