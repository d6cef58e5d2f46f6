import TollgateRules

/// A loaded baseline and what its new entries become: findings of the built-in rule of their
/// kind ("Not in baseline: executable", ...) at `priority`, defined at the baseline file's
/// section for that kind.
public struct BaselineCheck: Sendable {
    public let baseline: Baseline
    public let path: String
    public let priority: Priority

    public init(baseline: Baseline, path: String, priority: Priority) {
        self.baseline = baseline
        self.path = path
        self.priority = priority
    }

    /// The finding for `observation` when no baseline entry covers it, else nil. It keeps the
    /// observation's event (time, process, fields) and names the entry.
    public func finding(for observation: Inventory.Observation) -> Finding? {
        guard !baseline.covers(observation.entry, kind: observation.kind) else { return nil }
        var finding = observation.finding
        finding.rule = observation.kind.ruleName
        finding.priority = priority
        finding.output = "\(observation.kind.noun) not in the baseline (\(path)): \(observation.entry)"
        finding.tags = ["baseline", observation.kind.section]
        finding.ruleLocation = location(of: observation.kind)
        return finding
    }

    /// Where the kind's section is (line 1 of the file when it has none).
    public func location(of kind: InventoryKind) -> SourceLocation {
        baseline.sectionLocations[kind] ?? SourceLocation(file: path, line: 1, column: 1)
    }

    /// The built-in rules, one per kind, for the reports' rule lists.
    public var rules: [(kind: InventoryKind, description: String, location: SourceLocation)] {
        InventoryKind.allCases.map { kind in
            (kind, "An entry of kind \(kind.noun) (\(kind.entryForm)) that the baseline \(path) does not list: behaviour this job did not have before.",
             location(of: kind))
        }
    }
}
