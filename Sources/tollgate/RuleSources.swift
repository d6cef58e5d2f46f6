import Foundation
import TollgateReports
import TollgateRules

/// Where rules come from: files and folders named by the user, or the embedded default set.
enum RuleSources {
    /// The default ruleset compiled into the binary from `rules/*.yaml`.
    static var defaults: [RuleSource] { RuleFiles.embedded(DefaultRuleFiles.base64) }

    /// The compiled rules, their report descriptions and the policy they make, from `paths`
    /// (nil: the built-in ruleset) followed by `extraPaths`; exit 65 after printing why when they
    /// did not load or left no rule enabled (an empty policy would pass every job).
    static func engine(_ paths: [String]?, extraPaths: [String] = []) throws -> (Engine, [RuleDescriptor], Policy) {
        var (sources, diagnostics) = paths.map(RuleFiles.read) ?? (defaults, [])
        let extra = RuleFiles.read(extraPaths)
        sources += extra.sources
        diagnostics += extra.diagnostics
        guard let ruleSet = RuleFiles.load(sources, readDiagnostics: diagnostics).ruleSet else {
            throw ExitStatus.invalidRules
        }
        guard ruleSet.rules.contains(where: \.enabled) else {
            let named = ((paths ?? ["the built-in ruleset"]) + extraPaths).map { "'\($0)'" }.joined(separator: ", ")
            let given = named.isEmpty ? "an empty list of rules files" : named
            let files = sources.isEmpty ? "no rules file" : sources.map { "'\($0.path)'" }.joined(separator: ", ")
            FileHandle.standardError.write(Data("tollgate: error: no enabled rule was loaded from \(given) (read: \(files)); a gate without rules would pass every job [LOAD_NO_RULES]\n".utf8))
            throw ExitStatus.invalidRules
        }
        // The extra files are the user's own rules even beside the built-in set.
        let mainKind = paths == nil ? "built-in rules" : "rules"
        let kinds = Array(repeating: mainKind, count: sources.count - extra.sources.count) + Array(repeating: "rules", count: extra.sources.count)
        let policy = Policy(
            sources: zip(kinds, sources).map { Policy.Source(kind: $0, path: $1.path, text: $1.text) },
            weakenings: ruleSet.weakenings)
        return (Engine(ruleSet), RuleDescriptor.all(in: ruleSet), policy)
    }
}
