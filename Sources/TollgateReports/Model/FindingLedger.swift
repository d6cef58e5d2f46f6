/// Findings kept as they arrive, merged by identity (`FindingGroup`): a job that triggers the
/// same rule on the same target 100,000 times costs one entry and a count.
///
/// Distinct identities are bounded too: past `maximumGroups`, or past `maximumGroupBytes` of
/// text, a finding with a new identity is merged into one overflow group per rule, so the
/// counts stay exact while memory stays flat (a finding can carry a 64 KiB command line). The
/// first `maximumEvents` findings (within `maximumEventBytes`) are also kept one by one, for
/// reports that list events.
public struct FindingLedger: Sendable {
    /// Distinct identities kept with their own detail.
    public static let defaultMaximumGroups = 10_000
    /// Findings kept one by one.
    public static let maximumEvents = 10_000
    /// Text kept in distinct groups and in single events, roughly (UTF-8 bytes of the strings).
    public static let maximumGroupBytes = 24 << 20
    public static let maximumEventBytes = 16 << 20

    public private(set) var groups: [FindingGroup] = []
    /// Every finding added, merged or not.
    public private(set) var total = 0
    /// The first findings, one by one, in order; all of them when `keepsEveryEvent`.
    public private(set) var events: [ReportFinding] = []
    /// True while `events` holds every finding added.
    public private(set) var keepsEveryEvent = true
    private var indexByIdentity: [String: Int] = [:]
    private let maximumGroups: Int
    private var groupBytes = 0
    private var eventBytes = 0

    public init(maximumGroups: Int = FindingLedger.defaultMaximumGroups) {
        self.maximumGroups = maximumGroups
    }

    /// A ledger holding `findings`, merged in order.
    public init(_ findings: [ReportFinding], maximumGroups: Int = FindingLedger.defaultMaximumGroups) {
        self.init(maximumGroups: maximumGroups)
        for finding in findings { add(finding) }
    }

    public mutating func add(_ finding: ReportFinding) {
        keep([finding], complete: true)
        add(finding, count: 1, lastTime: finding.time)
    }

    /// Adds every group of `other` (the findings of another capture of the same report).
    public mutating func merge(_ other: FindingLedger) {
        keep(other.events, complete: other.keepsEveryEvent)
        for group in other.groups { add(group.first, count: group.count, lastTime: group.lastTime) }
    }

    private mutating func keep(_ findings: [ReportFinding], complete: Bool) {
        var kept = 0
        for finding in findings where events.count < Self.maximumEvents {
            let size = finding.approximateSize
            guard eventBytes + size <= Self.maximumEventBytes else { break }
            eventBytes += size
            events.append(finding)
            kept += 1
        }
        keepsEveryEvent = keepsEveryEvent && complete && kept == findings.count
    }

    /// The ledger with `transform` applied to each group's representative finding; identities,
    /// counts and fingerprints stay as they were.
    public func map(_ transform: (ReportFinding) -> ReportFinding) -> FindingLedger {
        var mapped = self
        for index in mapped.groups.indices { mapped.groups[index].first = transform(mapped.groups[index].first) }
        mapped.events = events.map(transform)
        return mapped
    }

    private mutating func add(_ finding: ReportFinding, count: Int, lastTime: UInt64) {
        total += count
        var hash = FindingGroup.identityHash(of: finding)
        var size = 0
        if indexByIdentity[hash] == nil {
            size = finding.approximateSize
            if indexByIdentity.count >= maximumGroups || groupBytes + size > Self.maximumGroupBytes {
                hash = FindingGroup.overflowHash(rule: finding.rule)
            }
        }
        if let index = indexByIdentity[hash] {
            groups[index].count += count
            groups[index].lastTime = max(groups[index].lastTime, lastTime)
        } else {
            groupBytes += size
            indexByIdentity[hash] = groups.count
            groups.append(FindingGroup(first: finding, count: count, lastTime: lastTime,
                                       fingerprint: String(hash.prefix(16)), fullFingerprint: hash))
        }
    }
}

extension ReportFinding {
    /// The UTF-8 bytes of the finding's strings plus a fixed allowance: what keeping it costs.
    var approximateSize: Int {
        var size = 256 + output.utf8.count + (cmdline?.utf8.count ?? 0) + (exe?.utf8.count ?? 0) + (target?.utf8.count ?? 0)
        for field in outputFields {
            size += 32 + field.name.utf8.count
            if case .string(let text) = field.value { size += text.utf8.count }
        }
        for link in processChain { size += 16 + link.name.utf8.count }
        return size
    }
}
