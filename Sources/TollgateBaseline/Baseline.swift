import TollgateRules

/// A job's normal behaviour, by kind: entries (exact, or globs) each with an optional reason.
/// Its file (`.tollgate/baseline.yaml`) is sorted, one entry per line, so that a pull
/// request's diff of it reads as the change in behaviour it is.
public struct Baseline: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        /// The entry, or a glob standing for many (`*`: one name, `**`: any run; `EntryGlob`).
        public var pattern: String
        public var reason: String?
        /// Where the entry is written, when read from a file.
        public var location: SourceLocation?

        public init(pattern: String, reason: String? = nil, location: SourceLocation? = nil) {
            self.pattern = pattern
            self.reason = reason
            self.location = location
        }

        public static func == (lhs: Entry, rhs: Entry) -> Bool { lhs.pattern == rhs.pattern && lhs.reason == rhs.reason }

        /// Whether `entry` is this one or matched by its glob.
        public func matches(_ entry: String) -> Bool {
            pattern == entry || (pattern.contains("*") && EntryGlob.matches(pattern, entry))
        }
    }

    /// The current format of the file.
    public static let version = 1

    public var entries: [InventoryKind: [Entry]] = [:]
    /// Where each section starts, when read from a file (SARIF anchors new entries there).
    public var sectionLocations: [InventoryKind: SourceLocation] = [:]

    public init() {}

    /// Whether an entry of this baseline (exact or glob) covers `entry` of `kind`.
    public func covers(_ entry: String, kind: InventoryKind) -> Bool {
        (entries[kind] ?? []).contains { $0.matches(entry) }
    }

    /// How many entries it lists, all kinds together.
    public var count: Int { entries.values.reduce(0) { $0 + $1.count } }

    /// The observed entries no entry of this baseline matches, by kind, in order.
    public func newEntries(in inventory: Inventory) -> [(kind: InventoryKind, entry: String)] {
        InventoryKind.allCases.flatMap { kind in
            (inventory.entries[kind] ?? []).sorted().filter { !covers($0, kind: kind) }.map { (kind, $0) }
        }
    }

    /// The entries of this baseline that matched nothing the run did, by kind.
    public func unseenEntries(in inventory: Inventory) -> [(kind: InventoryKind, entry: Entry)] {
        InventoryKind.allCases.flatMap { kind in
            let seen = inventory.entries[kind] ?? []
            return (entries[kind] ?? []).filter { entry in !seen.contains { entry.matches($0) } }.map { (kind, $0) }
        }
    }

    /// This baseline with `other`'s entries that none of its own match added (reasons kept;
    /// this one's win), sorted.
    public func merging(_ other: Baseline) -> Baseline {
        var merged = self
        for kind in InventoryKind.allCases {
            for entry in other.entries[kind] ?? [] where !merged.covers(entry.pattern, kind: kind) {
                merged.entries[kind, default: []].append(entry)
            }
            merged.entries[kind]?.sort { $0.pattern < $1.pattern }
            if merged.entries[kind]?.isEmpty == true { merged.entries[kind] = nil }
        }
        merged.sectionLocations = [:]
        return merged
    }
}
