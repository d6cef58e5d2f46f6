/// What changed between two baselines, by kind, for a pull request's review.
public struct BaselineDiff: Sendable, Equatable {
    public var added: [(kind: InventoryKind, entry: String)] = []
    public var removed: [(kind: InventoryKind, entry: String)] = []

    public init(old: Baseline, new: Baseline) {
        for kind in InventoryKind.allCases {
            let before = Set((old.entries[kind] ?? []).map(\.pattern))
            let after = Set((new.entries[kind] ?? []).map(\.pattern))
            added += after.subtracting(before).sorted().map { (kind, $0) }
            removed += before.subtracting(after).sorted().map { (kind, $0) }
        }
    }

    /// A Markdown report: a section per kind that changed, added then removed entries.
    public var markdown: String {
        guard !added.isEmpty || !removed.isEmpty else { return "No change in behaviour.\n" }
        var text = "## Behaviour changes: \(added.count) added, \(removed.count) removed\n"
        for kind in InventoryKind.allCases {
            let plus = added.filter { $0.kind == kind }.map(\.entry)
            let minus = removed.filter { $0.kind == kind }.map(\.entry)
            guard !plus.isEmpty || !minus.isEmpty else { continue }
            text += "\n### \(kind.section)\n\n"
            text += plus.map { "- added: `\($0)`\n" }.joined()
            text += minus.map { "- removed: `\($0)`\n" }.joined()
        }
        return text
    }

    public static func == (lhs: BaselineDiff, rhs: BaselineDiff) -> Bool {
        lhs.added.map { "\($0.kind)\u{0}\($0.entry)" } == rhs.added.map { "\($0.kind)\u{0}\($0.entry)" }
            && lhs.removed.map { "\($0.kind)\u{0}\($0.entry)" } == rhs.removed.map { "\($0.kind)\u{0}\($0.entry)" }
    }
}
