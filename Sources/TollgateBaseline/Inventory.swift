import TollgateEvents
import TollgateRules

/// What one run did, by kind, in stable (normalized) entries: fed every decoded event, it
/// evaluates the built-in inventory rules and keeps each new entry with the first event that
/// showed it.
public final class Inventory {
    /// The syscalls the inventory reads: a capture must deliver them for it to be whole.
    public static var neededSyscalls: Set<String> { InventoryRules.engine.neededSyscalls }

    /// The most entries of one kind a run keeps: a job that writes 40,000 files or sends to as
    /// many addresses cannot grow the gate without bound. Past it, one entry says so (and is new
    /// against any baseline that does not list it: the run then fails).
    public static let maximumEntriesPerKind = 10_000
    /// The entry that stands for every entry of a kind past the maximum.
    public static let overflowEntry = "(more than \(maximumEntriesPerKind) entries of this kind; the rest are not listed)"

    public let normalizer: EntryNormalizer
    /// Every entry seen, by kind.
    public private(set) var entries: [InventoryKind: Set<String>] = [:]
    /// The inventory rule's finding for the first event that showed each entry.
    public private(set) var firstSeen: [InventoryKind: [String: Finding]] = [:]

    public init(normalizer: EntryNormalizer) {
        self.normalizer = normalizer
    }

    /// The syscalls whose results the inventory reads (the rest may skip their exit).
    public static var exitSyscalls: Set<String> { InventoryRules.engine.exitSyscalls }

    /// An entry the run showed for the first time, with the inventory rule's finding for it.
    public struct Observation: Sendable {
        public var kind: InventoryKind
        public var entry: String
        public var finding: Finding
    }

    /// Records what `event` adds and returns the entries it showed first. Evaluate before
    /// decoding the next event, as rules are.
    @discardableResult
    public func observe(_ event: Event) -> [Observation] {
        var first: [Observation] = []
        for finding in InventoryRules.engine.evaluate(event) {
            guard let kind = InventoryRules.kind(ofRule: finding.rule),
                  var entry = normalizer.normalize(finding.output, kind: kind) else { continue }
            if entries[kind, default: []].count >= Self.maximumEntriesPerKind, !entries[kind, default: []].contains(entry) {
                entry = Self.overflowEntry
            }
            if entries[kind, default: []].insert(entry).inserted {
                firstSeen[kind, default: [:]][entry] = finding
                first.append(Observation(kind: kind, entry: entry, finding: finding))
            }
        }
        return first
    }

    /// The entries as a baseline (no reasons), for `--inventory` and recording.
    public var baseline: Baseline {
        var baseline = Baseline()
        for (kind, set) in entries {
            baseline.entries[kind] = set.sorted().map { Baseline.Entry(pattern: $0) }
        }
        return baseline
    }
}
