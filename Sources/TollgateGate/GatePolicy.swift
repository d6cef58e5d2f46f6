import TollgateReports
import TollgateRules

/// The rules a gate evaluates: compiled, described for the reports, and the policy they make
/// (where they came from, what weakens them).
public struct GatePolicy {
    public let engine: Engine
    public let rules: [RuleDescriptor]
    public var policy: Policy

    /// Why the rules make no policy.
    public enum LoadError: Error, CustomStringConvertible {
        /// A file did not load; its diagnostics were printed by the loader.
        case invalidRules
        /// Everything loaded and no rule is enabled: such a gate would pass every job.
        case noEnabledRule(String)

        public var description: String {
            switch self {
            case .invalidRules: return "the rules did not load"
            case .noEnabledRule(let message): return message
            }
        }
    }

    /// Loads `paths` (nil: `defaults`, the built-in ruleset) followed by `extraPaths`, the
    /// project's tuning, which are the user's own rules even beside the built-in set.
    public static func load(_ paths: [String]?, extraPaths: [String] = [], defaults: [RuleSource]) throws(LoadError) -> GatePolicy {
        var (sources, diagnostics) = paths.map(RuleFiles.read) ?? (defaults, [])
        let extra = RuleFiles.read(extraPaths)
        sources += extra.sources
        diagnostics += extra.diagnostics
        guard let ruleSet = RuleFiles.load(sources, readDiagnostics: diagnostics).ruleSet else { throw .invalidRules }
        guard ruleSet.rules.contains(where: \.enabled) else {
            let named = ((paths ?? ["the built-in ruleset"]) + extraPaths).map { "'\($0)'" }.joined(separator: ", ")
            let given = named.isEmpty ? "an empty list of rules files" : named
            let files = sources.isEmpty ? "no rules file" : sources.map { "'\($0.path)'" }.joined(separator: ", ")
            throw .noEnabledRule("no enabled rule was loaded from \(given) (read: \(files)); a gate without rules would pass every job [LOAD_NO_RULES]")
        }
        let mainKind = paths == nil ? "built-in rules" : "rules"
        let kinds = Array(repeating: mainKind, count: sources.count - extra.sources.count) + Array(repeating: "rules", count: extra.sources.count)
        let policy = Policy(
            sources: zip(kinds, sources).map { Policy.Source(kind: $0, path: $1.path, text: $1.text) },
            weakenings: ruleSet.weakenings)
        return GatePolicy(engine: Engine(ruleSet), rules: RuleDescriptor.all(in: ruleSet), policy: policy)
    }
}
