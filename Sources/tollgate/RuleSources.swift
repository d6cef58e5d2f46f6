import Foundation
import TollgateGate
import TollgateReports
import TollgateRules

/// Where rules come from: files and folders named by the user, or the embedded default set.
enum RuleSources {
    /// The default ruleset compiled into the binary from `rules/*.yaml`.
    static var defaults: [RuleSource] { RuleFiles.embedded(DefaultRuleFiles.base64) }

    /// The policy of `paths` (nil: the built-in ruleset) followed by `extraPaths`; exit 65 after
    /// printing why when they did not load or left no rule enabled (an empty policy would pass
    /// every job).
    static func policy(_ paths: [String]?, extraPaths: [String] = []) throws -> GatePolicy {
        do {
            return try GatePolicy.load(paths, extraPaths: extraPaths, defaults: defaults)
        } catch {
            if case .noEnabledRule(let message) = error {
                FileHandle.standardError.write(Data("tollgate: error: \(message)\n".utf8))
            }
            throw ExitStatus.invalidRules
        }
    }
}
