import TollgateRules

/// What judged a run: every file the rules and settings came from, each with its SHA-256, and
/// the rules that later files disabled or lowered in priority.
public struct Policy: Sendable, Equatable {
    /// One file of the policy.
    public struct Source: Sendable, Equatable {
        /// `rules`, `built-in rules` or `config`.
        public var kind: String
        public var path: String
        /// Hex SHA-256 of the file's bytes as read.
        public var sha256: String

        public init(kind: String, path: String, sha256: String) {
            self.kind = kind
            self.path = path
            self.sha256 = sha256
        }

        /// A source read from `text`.
        public init(kind: String, path: String, text: String) {
            self.init(kind: kind, path: path, sha256: SHA256.hex(of: text))
        }
    }

    public var sources: [Source]
    public var weakenings: [RuleWeakening]

    public init(sources: [Source] = [], weakenings: [RuleWeakening] = []) {
        self.sources = sources
        self.weakenings = weakenings
    }

    /// `rules/a.yaml:12:3: 'Rule name' disabled`, one per weakened rule.
    public var weakeningLines: [String] {
        weakenings.map { "\($0.location): '\($0.rule)' \($0.change)" }
    }
}
