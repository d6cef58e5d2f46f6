/// The physical location a SARIF result (and the JUnit testcase, Code Quality issue and
/// annotation of the same finding) points at. GitHub rejects a whole SARIF file if any result
/// lacks one, so every finding gets an anchor, chosen in this order:
///
/// 1. the CI file line that ran the gate (GitHub: the workflow of `GITHUB_WORKFLOW_REF`;
///    GitLab: `CI_CONFIG_PATH`), when running in that CI;
/// 2. `--sarif-anchor PATH[:LINE]`;
/// 3. the rule's own definition (rules file and line);
/// 4. `tollgate` line 1, a placeholder path, when the rule has no known file.
public struct SARIFAnchor: Sendable, Equatable, CustomStringConvertible {
    public enum Origin: String, Sendable {
        case githubWorkflow, gitlabConfig, flag, ruleDefinition, placeholder
    }

    /// A path relative to the repository root, or absolute.
    public var path: String
    /// 1-based.
    public var line: Int
    public var origin: Origin

    public init(path: String, line: Int, origin: Origin) {
        self.path = path
        self.line = max(1, line)
        self.origin = origin
    }

    /// Parses a `--sarif-anchor` value: `PATH` (line 1) or `PATH:LINE`.
    public init(flagValue: String) throws(SARIFAnchorError) {
        var path = flagValue
        var line = 1
        if let colon = flagValue.lastIndex(of: ":") {
            let digits = flagValue[flagValue.index(after: colon)...]
            if !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) {
                guard let number = Int(digits), number >= 1 else {
                    throw SARIFAnchorError(value: flagValue, problem: "the line must be 1 or more")
                }
                line = number
                path = String(flagValue[..<colon])
            }
        }
        guard !path.isEmpty else {
            throw SARIFAnchorError(value: flagValue, problem: "give a file path, optionally followed by ':LINE'")
        }
        self.init(path: path, line: line, origin: .flag)
    }

    /// `path:line`.
    public var description: String { "\(path):\(line)" }

    /// The anchor of the whole run (rules 1 and 2 above), or nil when neither applies and each
    /// finding falls back to its rule's definition. `readFile` reads a CI file by its
    /// repository-relative path (see `workspaceReader(environment:)`); nil when unreadable,
    /// in which case the anchor is the CI file's line 1.
    public static func runAnchor(
        environment: [String: String], flag: SARIFAnchor?, readFile: (String) -> String?
    ) -> SARIFAnchor? {
        if let ciFile = CIFile.detect(environment: environment) {
            let line = readFile(ciFile.path).flatMap { ciFile.gateLine(in: $0) } ?? 1
            return SARIFAnchor(path: ciFile.path, line: line, origin: ciFile.origin)
        }
        return flag
    }

    /// The anchor of one finding: the run's anchor, else its rule's definition, else a
    /// placeholder. Never nil: GitHub needs a location on every result.
    public static func resolve(runAnchor: SARIFAnchor?, rule: RuleDescriptor?) -> SARIFAnchor {
        if let runAnchor { return runAnchor }
        if let rule, let file = rule.sourceFile, !file.isEmpty {
            return SARIFAnchor(path: file, line: rule.sourceLine ?? 1, origin: .ruleDefinition)
        }
        return SARIFAnchor(path: "tollgate", line: 1, origin: .placeholder)
    }

    /// `artifactLocation.uri`: a relative path percent-encoded as a URI reference (resolved
    /// against `%SRCROOT%`), or a `file://` URI for an absolute path.
    var uri: String {
        var relative = Substring(path)
        while relative.hasPrefix("./") { relative = relative.dropFirst(2) }
        let encoded = SARIFAnchor.percentEncoded(String(relative))
        return path.hasPrefix("/") ? "file://" + encoded : encoded
    }

    /// True for relative paths, which SARIF resolves against `uriBaseId`.
    var isRelative: Bool { !path.hasPrefix("/") }

    private static func percentEncoded(_ path: String) -> String {
        let hex = Array("0123456789ABCDEF")
        var out = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"), UInt8(ascii: "@"),
                 UInt8(ascii: "+"), UInt8(ascii: "="), UInt8(ascii: ","):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out.append("%")
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            }
        }
        return out
    }
}

/// A `--sarif-anchor` value that cannot be used.
public struct SARIFAnchorError: Error, Sendable, Equatable, CustomStringConvertible {
    public var value: String
    public var problem: String

    /// `invalid --sarif-anchor 'ci.yml:0': the line must be 1 or more`.
    public var description: String { "invalid --sarif-anchor '\(value)': \(problem)" }
}
