import Foundation
@testable import TollgateRules

/// Paths and loaders shared by the tests.
enum TestSupport {
    static let testsDirectory = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
    static let repositoryRoot = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = testsDirectory.appendingPathComponent("Fixtures")
    /// `../shared/falco-rules` next to the repository (present in CI and on the dev machine).
    static let falcoRules = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/falco-rules")

    static let falcoFiles = ["falco_rules.yaml", "falco-incubating_rules.yaml", "falco-sandbox_rules.yaml"]

    static func source(_ url: URL) throws -> RuleSource {
        RuleSource(path: url.lastPathComponent, text: try String(contentsOf: url, encoding: .utf8))
    }

    static func falcoSource(_ name: String) throws -> RuleSource {
        try source(falcoRules.appendingPathComponent(name))
    }

    /// Loads inline YAML as one file named `test.yaml`.
    static func load(_ yaml: String) -> LoadResult {
        RuleLoader().load(files: [RuleSource(path: "test.yaml", text: yaml)])
    }

    static func load(_ files: [(String, String)]) -> LoadResult {
        RuleLoader().load(files: files.map { RuleSource(path: $0.0, text: $0.1) })
    }
}
