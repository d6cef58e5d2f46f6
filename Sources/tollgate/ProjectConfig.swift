import Foundation
import TollgateEvents
import TollgateRules

/// A project's `.tollgate.yaml`: defaults for `tollgate run` that flags override, and named
/// commands (`pre-push: make test`) for hooks and CI templates.
///
/// ```yaml
/// rules: [rules/]                  # replaces the built-in ruleset
/// extra_rules: [ci/tollgate-tuning.yaml]   # loaded after the rules, always
/// fail_on: warning
/// backend: auto
/// grace: 10
/// reports: {json: tollgate.json, sarif: tollgate.sarif, junit: tollgate-junit.xml,
///           summary: tollgate.md, codequality: gl-code-quality.json, sarif_anchor: ci.yml:12}
/// commands:
///   pre-push: make test
/// secrets: [DEPLOY_HOOK_URL]           # masked like *TOKEN* variables
/// baseline: .tollgate/baseline.yaml    # the default; what the run does beyond it is a finding
/// baseline_priority: warning
/// kill_on: error                       # kill the whole job at the first such finding
/// deny_on: error                       # refuse such calls before they run (ptrace, seccomp)
/// deny_errno: EPERM
/// ```
/// Paths are relative to the folder holding the file; report paths must stay inside it.
/// Unknown keys are errors.
struct ProjectConfig: Equatable {
    static let fileNames = [".tollgate.yaml", ".tollgate.yml"]
    static let reportKeys = ["json", "sarif", "junit", "summary", "codequality", "sarif_anchor"]
    private static let topLevelKeys = ["rules", "extra_rules", "fail_on", "backend", "grace", "reports", "commands", "secrets",
                                       "baseline", "baseline_priority", "kill_on", "deny_on", "deny_errno"]

    var path: String
    /// The file's text, for the policy's checksum.
    var text = ""
    var rules: [String]?
    var extraRules: [String] = []
    var failOn: String?
    var backend: String?
    var grace: Double?
    var reports: [String: String] = [:]
    var commands: [String: String] = [:]
    /// Environment variables whose values are secrets, beside those named like secrets.
    var secrets: [String] = []
    /// The behaviour baseline file and the priority of what is not in it.
    var baseline: String?
    var baselinePriority: String?
    /// `--kill-on`, `--deny-on`, `--deny-errno`.
    var killOn: String?
    var denyOn: String?
    var denyErrno: String?

    /// A problem in the file, printed as `file:line:column: error: message [CODE]`.
    struct Problem: Error, CustomStringConvertible {
        let location: SourceLocation
        let message: String
        let code: String
        var description: String { "\(location): error: \(message) [\(code)]" }
    }

    /// `.tollgate.yaml` (or `.yml`) in `folder`, if there is one.
    static func find(in folder: String) -> String? {
        fileNames.map { (folder as NSString).appendingPathComponent($0) }.first { FileManager.default.fileExists(atPath: $0) }
    }

    static func load(path: String) throws(Problem) -> ProjectConfig {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw Problem(location: SourceLocation(file: path, line: 1, column: 1), message: "cannot read '\(path)'", code: "CONFIG_READ")
        }
        return try parse(text, path: path)
    }

    static func parse(_ text: String, path: String) throws(Problem) -> ProjectConfig {
        let file = SourceFile(path: path, text: text)
        let (documents, failure) = YAMLTreeReader.read(file)
        if let failure { throw Problem(location: failure.location, message: failure.message, code: "CONFIG_YAML") }
        var config = ProjectConfig(path: path, text: text)
        guard documents.count <= 1 else {
            throw Problem(location: documents[1].location, message: "expected one YAML document", code: "CONFIG_SHAPE")
        }
        guard let root = documents.first else { return config }
        if case .null = root { return config }
        guard case .mapping(let entries, _) = root else {
            throw Problem(location: root.location, message: "expected a mapping of settings, found \(root.kindName)", code: "CONFIG_SHAPE")
        }
        let base = (path as NSString).deletingLastPathComponent
        func relative(_ value: String) -> String {
            value.hasPrefix("/") || base.isEmpty ? value : (base as NSString).appendingPathComponent(value)
        }
        for entry in entries {
            switch entry.key {
            case "rules": config.rules = try strings(entry.value, key: entry.key).map(relative)
            case "extra_rules": config.extraRules = try strings(entry.value, key: entry.key).map(relative)
            case "secrets": config.secrets = try strings(entry.value, key: entry.key)
            case "fail_on", "baseline_priority", "kill_on", "deny_on":
                let value = try string(entry.value, key: entry.key)
                guard Priority(parsing: value) != nil else {
                    throw Problem(location: entry.value.location, message: "unknown priority '\(value)'\(Suggestion.hint(for: value.lowercased(), in: Priority.spellings.map { $0.lowercased() }))", code: "CONFIG_VALUE")
                }
                switch entry.key {
                case "fail_on": config.failOn = value
                case "kill_on": config.killOn = value
                case "deny_on": config.denyOn = value
                default: config.baselinePriority = value
                }
            case "deny_errno":
                let value = try string(entry.value, key: entry.key)
                guard DenyErrno.parse(value) != nil else {
                    throw Problem(location: entry.value.location, message: DenyErrno.problem(value), code: "CONFIG_VALUE")
                }
                config.denyErrno = value
            case "baseline": config.baseline = relative(try string(entry.value, key: entry.key))
            case "backend":
                let value = try string(entry.value, key: entry.key)
                guard BackendChoice(rawValue: value) != nil else {
                    let choices = BackendChoice.allCases.map(\.rawValue)
                    throw Problem(location: entry.value.location, message: "unknown backend '\(value)'; use one of \(choices.joined(separator: ", "))", code: "CONFIG_VALUE")
                }
                config.backend = value
            case "grace":
                let value = try string(entry.value, key: entry.key)
                guard let seconds = Double(value), seconds >= 0, seconds.isFinite else {
                    throw Problem(location: entry.value.location, message: "'grace' takes a number of seconds, at least 0, not '\(value)'", code: "CONFIG_VALUE")
                }
                config.grace = seconds
            case "reports":
                for report in try mapping(entry.value, key: entry.key) {
                    guard reportKeys.contains(report.key) else { throw unknownKey(report, known: reportKeys) }
                    let value = try string(report.value, key: report.key)
                    if report.key != "sarif_anchor" {
                        // The config is the code under test's: its reports stay in its project.
                        guard !value.hasPrefix("/"), !value.split(separator: "/").contains("..") else {
                            throw Problem(location: report.value.location, message: "report paths in the config stay inside the project: '\(value)' is absolute or leaves it; give it with --\(report.key) instead", code: "CONFIG_VALUE")
                        }
                    }
                    config.reports[report.key] = report.key == "sarif_anchor" ? value : relative(value)
                }
            case "commands":
                for command in try mapping(entry.value, key: entry.key) {
                    config.commands[command.key] = try string(command.value, key: command.key)
                }
            default:
                throw unknownKey(entry, known: topLevelKeys)
            }
        }
        return config
    }

    private static func unknownKey(_ entry: YAMLEntry, known: [String]) -> Problem {
        Problem(location: entry.keyLocation, message: "unknown key '\(entry.key)'\(Suggestion.hint(for: entry.key, in: known))", code: "CONFIG_UNKNOWN_KEY")
    }

    private static func string(_ value: YAMLValue, key: String) throws(Problem) -> String {
        guard let scalar = value.scalar, !scalar.string.isEmpty else {
            throw Problem(location: value.location, message: "'\(key)' takes a non-empty string, found \(value.kindName)", code: "CONFIG_VALUE")
        }
        return scalar.string
    }

    /// A string or a sequence of strings.
    private static func strings(_ value: YAMLValue, key: String) throws(Problem) -> [String] {
        if case .sequence(let items, _) = value {
            var result: [String] = []
            for item in items { result.append(try string(item, key: key)) }
            return result
        }
        return [try string(value, key: key)]
    }

    private static func mapping(_ value: YAMLValue, key: String) throws(Problem) -> [YAMLEntry] {
        guard case .mapping(let entries, _) = value else {
            throw Problem(location: value.location, message: "'\(key)' takes a mapping, found \(value.kindName)", code: "CONFIG_VALUE")
        }
        return entries
    }
}
