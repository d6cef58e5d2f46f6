import Foundation

extension SARIFAnchor {
    /// Reads CI files relative to the checkout: `GITHUB_WORKSPACE`, else `CI_PROJECT_DIR`,
    /// else the current directory. For `runAnchor(environment:flag:readFile:)`.
    public static func workspaceReader(environment: [String: String]) -> @Sendable (String) -> String? {
        let root = environment["GITHUB_WORKSPACE"] ?? environment["CI_PROJECT_DIR"]
        return { path in
            let full = path.hasPrefix("/") ? path : (root.map { $0 + "/" } ?? "") + path
            return try? String(contentsOfFile: full, encoding: .utf8)
        }
    }
}
