import Foundation

/// Rule files as the command line names them: paths read from disk with diagnostics for what
/// cannot be read, or a set embedded at build time. Shared by `tollgate` and `tollgate-bench`.
package enum RuleFiles {
    /// Rule files embedded by the EmbedRules plugin (name, base64 of the text), as sources
    /// named `rules/<name>`.
    package static func embedded(_ files: [(name: String, text: StaticString)]) -> [RuleSource] {
        files.compactMap { file in
            let text = file.text.withUTF8Buffer { String(decoding: $0, as: UTF8.self) }
            guard let data = Data(base64Encoded: text) else { return nil }
            return RuleSource(path: "rules/\(file.name)", text: String(decoding: data, as: UTF8.self))
        }
    }

    /// Reads `paths`: files as given, folders as their `*.yaml` files sorted by name.
    /// Unreadable paths become LOAD_ERR_FILE_READ diagnostics at line 1, column 1.
    package static func read(_ paths: [String]) -> (sources: [RuleSource], diagnostics: [Diagnostic]) {
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
    package static func load(_ sources: [RuleSource], readDiagnostics: [Diagnostic] = []) -> LoadResult {
        var result = readDiagnostics.isEmpty ? RuleLoader().load(files: sources) : LoadResult(ruleSet: nil, diagnostics: [])
        result.diagnostics = readDiagnostics + result.diagnostics
        for diagnostic in result.diagnostics {
            FileHandle.standardError.write(Data((diagnostic.description + "\n").utf8))
        }
        return result
    }
}
