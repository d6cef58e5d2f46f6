/// What a run did beside its behaviour baseline, for the summary's "Behaviour changes".
public struct BehaviourChanges: Sendable, Equatable {
    /// The baseline file compared with (or written).
    public var baseline: String
    /// New entries as `section: entry` (they are findings too).
    public var added: [String]
    /// Entries of the baseline the run did not show, as `section: entry`.
    public var unseen: [String]
    /// How many entries the run wrote into the baseline (`--update-baseline`, `baseline record`).
    public var written: Int?

    public init(baseline: String, added: [String] = [], unseen: [String] = [], written: Int? = nil) {
        self.baseline = baseline
        self.added = added
        self.unseen = unseen
        self.written = written
    }
}
