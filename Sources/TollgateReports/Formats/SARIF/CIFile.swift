/// The CI configuration file of the running job, and how to find the line that ran the gate
/// in it. Pure: text in, line out.
struct CIFile: Equatable {
    /// Repository-relative path.
    var path: String
    var origin: SARIFAnchor.Origin
    /// GitHub `GITHUB_JOB` / GitLab `CI_JOB_NAME`.
    var job: String?
    /// GitHub `GITHUB_ACTION`: the step id (or `__run_N` for steps without one).
    var stepID: String?

    /// GitHub when `GITHUB_ACTIONS=true` and `GITHUB_WORKFLOW_REF` names a workflow file of this
    /// repository; GitLab when `GITLAB_CI=true` and the config is a file in this repository.
    static func detect(environment: [String: String]) -> CIFile? {
        if environment["GITHUB_ACTIONS"] == "true", let ref = environment["GITHUB_WORKFLOW_REF"],
           let path = workflowPath(fromRef: ref) {
            return CIFile(path: path, origin: .githubWorkflow, job: environment["GITHUB_JOB"], stepID: environment["GITHUB_ACTION"])
        }
        if environment["GITLAB_CI"] == "true" {
            let configured = environment["CI_CONFIG_PATH"] ?? ""
            let path = configured.isEmpty ? ".gitlab-ci.yml" : configured
            // `file@group/project` or a URL: the config lives elsewhere.
            guard !path.contains("@"), !path.contains("://") else { return nil }
            return CIFile(path: path, origin: .gitlabConfig, job: environment["CI_JOB_NAME"], stepID: nil)
        }
        return nil
    }

    /// `owner/repo/.github/workflows/ci.yml@refs/heads/main` -> `.github/workflows/ci.yml`.
    static func workflowPath(fromRef ref: String) -> String? {
        guard let start = ref.firstRange(of: "/.github/workflows/") else { return nil }
        let rest = ref[ref.index(after: start.lowerBound)...]
        let prefixEnd = rest.index(rest.startIndex, offsetBy: ".github/workflows/".count)
        let path = rest[prefixEnd...].firstIndex(of: "@").map { rest[..<$0] } ?? rest
        return path.count > ".github/workflows/".count ? String(path) : nil
    }

    /// The line that ran the gate: the step whose `id` is the step id, else the first line of
    /// the job that mentions `tollgate`, else the job's key line; nil when the job is not found.
    func gateLine(in text: String) -> Int? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(YAMLLine.init)
        guard let job, let jobRange = jobRange(named: job, in: lines) else { return nil }
        let body = lines[jobRange].indices.dropFirst()
        if let stepID, !stepID.hasPrefix("__"),
           let idLine = body.first(where: { lines[$0].mappingKey == "id" && lines[$0].mappingValue == stepID }) {
            return stepStart(above: idLine, in: lines) + 1
        }
        if let mention = body.first(where: { lines[$0].text.lowercased().contains("tollgate") && !lines[$0].isComment }) {
            return mention + 1
        }
        return jobRange.lowerBound + 1
    }

    /// Lines of the job's mapping: from its key line to the line before the next key at the same
    /// or a lower indentation. GitHub jobs sit under top-level `jobs:`; GitLab jobs are top-level.
    private func jobRange(named name: String, in lines: [YAMLLine]) -> Range<Int>? {
        var searchFrom = 0
        var jobIndent = 0
        if origin == .githubWorkflow {
            guard let jobsLine = lines.firstIndex(where: { $0.indent == 0 && $0.mappingKey == "jobs" }) else { return nil }
            searchFrom = jobsLine + 1
            guard let firstJob = lines[searchFrom...].firstIndex(where: { !$0.isBlankOrComment }),
                  lines[firstJob].indent > 0 else { return nil }
            jobIndent = lines[firstJob].indent
        }
        let candidates = [name, CIFile.baseJobName(name)]
        guard let keyLine = lines[searchFrom...].firstIndex(where: { line in
            line.indent == jobIndent && !line.isListItem && candidates.contains(line.mappingKey ?? "\u{0}")
        }) else { return nil }
        let end = lines[(keyLine + 1)...].firstIndex { !$0.isBlankOrComment && $0.indent <= jobIndent } ?? lines.count
        return keyLine..<end
    }

    /// GitLab parallel jobs are named `test 1/3` or `test: [ruby, 3]`; their key is `test`.
    static func baseJobName(_ name: String) -> String {
        if let bracket = name.firstRange(of: ": [") { return String(name[..<bracket.lowerBound]) }
        let words = name.split(separator: " ")
        if words.count > 1, let last = words.last, last.contains("/"), last.allSatisfy({ $0.isNumber || $0 == "/" }) {
            return words.dropLast().joined(separator: " ")
        }
        return name
    }

    /// The `- ` line that starts the step containing `line`.
    private func stepStart(above line: Int, in lines: [YAMLLine]) -> Int {
        let keyIndent = lines[line].keyIndent
        var index = line
        while index >= 0 {
            if lines[index].isListItem, lines[index].indent < keyIndent || index == line { return index }
            index -= 1
        }
        return line
    }
}

/// One line of a YAML file, looked at only as far as the anchor search needs.
struct YAMLLine {
    var text: Substring
    /// Columns of leading spaces.
    var indent: Int
    /// Starts with `- ` after the indentation.
    var isListItem: Bool
    /// Column of the mapping key (after a `- ` marker).
    var keyIndent: Int
    var mappingKey: String?
    var mappingValue: String?
    var isComment: Bool
    var isBlankOrComment: Bool

    init(_ raw: Substring) {
        text = raw.last == "\r" ? raw.dropLast() : raw
        indent = text.prefix(while: { $0 == " " }).count
        var rest = text.dropFirst(indent)
        isComment = rest.hasPrefix("#")
        isBlankOrComment = rest.allSatisfy(\.isWhitespace) || isComment
        isListItem = rest.hasPrefix("- ") || rest == "-"
        if isListItem { rest = rest.dropFirst().drop(while: { $0 == " " }) }
        keyIndent = text.count - rest.count
        mappingKey = nil
        mappingValue = nil
        if !isComment, let colon = rest.firstRange(of: ": ") ?? (rest.hasSuffix(":") ? rest.index(before: rest.endIndex)..<rest.endIndex : nil) {
            mappingKey = YAMLLine.unquoted(rest[..<colon.lowerBound])
            let value = rest[colon.upperBound...]
            let withoutComment = value.firstRange(of: " #").map { value[..<$0.lowerBound] } ?? value
            mappingValue = YAMLLine.unquoted(withoutComment)
        }
    }

    private static func unquoted(_ text: Substring) -> String {
        let trimmed = text.trimmingWhitespace()
        if trimmed.count >= 2, let first = trimmed.first, first == "\"" || first == "'", trimmed.last == first {
            return String(trimmed.dropFirst().dropLast())
        }
        return String(trimmed)
    }
}

extension Substring {
    func trimmingWhitespace() -> Substring {
        var text = self
        while let first = text.first, first.isWhitespace { text = text.dropFirst() }
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return text
    }
}
