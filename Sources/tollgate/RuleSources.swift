import Foundation
import TollgateReports
import TollgateRules

/// Where rules come from: files and folders named by the user, or the embedded default set.
enum RuleSources {
    /// The default ruleset compiled into the binary from `rules/*.yaml`.
    static var defaults: [RuleSource] {
        DefaultRuleFiles.base64.compactMap { file in
            let text = file.text.withUTF8Buffer { String(decoding: $0, as: UTF8.self) }
            guard let data = Data(base64Encoded: text) else { return nil }
            return RuleSource(path: "rules/\(file.name)", text: String(decoding: data, as: UTF8.self))
        }
    }

    /// Reads `paths`: files as given, folders as their `*.yaml` files sorted by name.
    /// Unreadable paths become LOAD_ERR_FILE_READ diagnostics at line 1, column 1.
    static func read(_ paths: [String]) -> (sources: [RuleSource], diagnostics: [Diagnostic]) {
        let fileManager = FileManager.default
        var sources: [RuleSource] = []
        var diagnostics: [Diagnostic] = []
        func failed(_ path: String, _ message: String) {
            diagnostics.append(Diagnostic(.error, .fileRead, message, at: SourceLocation(file: path, line: 1, column: 1)))
        }
        for path in paths {
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                failed(path, "cannot read '\(path)': no such file or folder")
                continue
            }
            let files: [String]
            if isDirectory.boolValue {
                let entries = (try? fileManager.contentsOfDirectory(atPath: path)) ?? []
                files = entries.filter { $0.hasSuffix(".yaml") }.sorted().map { (path as NSString).appendingPathComponent($0) }
            } else {
                files = [path]
            }
            for file in files {
                guard let data = fileManager.contents(atPath: file) else {
                    failed(file, "cannot read '\(file)'")
                    continue
                }
                guard let text = String(data: data, encoding: .utf8) else {
                    failed(file, "'\(file)' is not valid UTF-8")
                    continue
                }
                sources.append(RuleSource(path: file, text: text))
            }
        }
        return (sources, diagnostics)
    }

    /// Loads `sources` after `readDiagnostics`, printing every diagnostic to standard error.
    static func load(_ sources: [RuleSource], readDiagnostics: [Diagnostic] = []) -> LoadResult {
        var result = readDiagnostics.isEmpty ? RuleLoader().load(files: sources) : LoadResult(ruleSet: nil, diagnostics: [])
        result.diagnostics = readDiagnostics + result.diagnostics
        for diagnostic in result.diagnostics {
            FileHandle.standardError.write(Data((diagnostic.description + "\n").utf8))
        }
        return result
    }

    /// The compiled rules, their report descriptions and the policy they make, from `paths`
    /// (nil: the built-in ruleset) followed by `extraPaths`; exit 65 after printing why when they
    /// did not load or left no rule enabled (an empty policy would pass every job).
    static func engine(_ paths: [String]?, extraPaths: [String] = []) throws -> (Engine, [RuleDescriptor], Policy) {
        var (sources, diagnostics) = paths.map(read) ?? (defaults, [])
        let extra = read(extraPaths)
        sources += extra.sources
        diagnostics += extra.diagnostics
        guard let ruleSet = load(sources, readDiagnostics: diagnostics).ruleSet else {
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
