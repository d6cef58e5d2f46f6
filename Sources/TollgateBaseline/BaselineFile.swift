import TollgateRules

/// The baseline file: YAML, a `version` and one sequence per kind, each entry a quoted string
/// or `{entry: ..., reason: ...}`; sorted, one entry per line.
///
/// ```yaml
/// version: 1
/// executables:
///   - "/usr/bin/cc <- make"
///   - {entry: "/usr/local/bin/*", reason: "the setup step installs tools here"}
/// network: []
/// ```
public enum BaselineFile {
    /// A problem in a baseline file, printed as `file:line:column: error: message [CODE]`.
    public struct Problem: Error, CustomStringConvertible, Sendable {
        public let location: SourceLocation
        public let message: String
        public let code: String
        public var description: String { "\(location): error: \(message) [\(code)]" }
    }

    static let header = """
        # tollgate baseline: what this job normally does, one entry per line and kind. A run that
        # does something not listed here fails the gate (tollgate run --baseline). Entries may be
        # globs (* matches any run of characters) and carry a reason: {entry: "...", reason: "..."}.
        # Update with tollgate run --update-baseline and review the change like code.

        """

    /// The file's text: every kind's section (empty ones as `[]`), entries sorted.
    public static func render(_ baseline: Baseline) -> String {
        var text = header + "\nversion: \(Baseline.version)\n"
        for kind in InventoryKind.allCases {
            let entries = (baseline.entries[kind] ?? []).sorted { $0.pattern < $1.pattern }
            guard !entries.isEmpty else {
                text += "\(kind.section): []\n"
                continue
            }
            text += "\(kind.section):\n"
            for entry in entries {
                if let reason = entry.reason {
                    text += "  - {entry: \(quoted(entry.pattern)), reason: \(quoted(reason))}\n"
                } else {
                    text += "  - \(quoted(entry.pattern))\n"
                }
            }
        }
        return text
    }

    /// Reads a baseline from `text` (named `path` in messages).
    public static func parse(_ text: String, path: String) throws(Problem) -> Baseline {
        let file = SourceFile(path: path, text: text)
        let (documents, failure) = YAMLTreeReader.read(file)
        if let failure { throw Problem(location: failure.location, message: failure.message, code: "BASELINE_YAML") }
        var baseline = Baseline()
        guard let root = documents.first else { return baseline }
        if case .null = root { return baseline }
        guard documents.count == 1, case .mapping(let sections, _) = root else {
            throw Problem(location: root.location, message: "expected one mapping of sections, found \(root.kindName)", code: "BASELINE_SHAPE")
        }
        for section in sections {
            if section.key == "version" {
                guard section.value.scalar?.string == String(Baseline.version) else {
                    throw Problem(location: section.value.location,
                                  message: "unknown baseline version '\(section.value.scalar?.string ?? section.value.kindName)'; this tollgate reads version \(Baseline.version)",
                                  code: "BASELINE_VERSION")
                }
                continue
            }
            guard let kind = InventoryKind(section: section.key) else {
                let known = ["version"] + InventoryKind.allCases.map(\.section)
                let hint = Suggestion.closest(to: section.key, in: known).map { "; did you mean '\($0)'?" } ?? "; the sections are \(known.joined(separator: ", "))"
                throw Problem(location: section.keyLocation, message: "unknown section '\(section.key)'\(hint)", code: "BASELINE_UNKNOWN_KEY")
            }
            baseline.sectionLocations[kind] = section.keyLocation
            baseline.entries[kind] = try entries(section.value, kind: kind)
        }
        return baseline
    }

    private static func entries(_ value: YAMLValue, kind: InventoryKind) throws(Problem) -> [Baseline.Entry] {
        switch value {
        case .null: return []
        case .sequence(let items, _):
            var entries: [Baseline.Entry] = []
            for item in items { entries.append(try entry(item, kind: kind)) }
            return entries
        default:
            throw Problem(location: value.location, message: "'\(kind.section)' takes a list of entries, found \(value.kindName)", code: "BASELINE_SHAPE")
        }
    }

    private static func entry(_ item: YAMLValue, kind: InventoryKind) throws(Problem) -> Baseline.Entry {
        switch item {
        case .scalar(let scalar) where !scalar.string.isEmpty:
            return Baseline.Entry(pattern: scalar.string, location: scalar.location)
        case .mapping(let fields, let location):
            var pattern: String?
            var reason: String?
            for field in fields {
                guard let text = field.value.scalar?.string, !text.isEmpty else {
                    throw Problem(location: field.value.location, message: "'\(field.key)' takes a non-empty string", code: "BASELINE_SHAPE")
                }
                switch field.key {
                case "entry": pattern = text
                case "reason": reason = text
                default:
                    throw Problem(location: field.keyLocation, message: "unknown key '\(field.key)' in an entry; use entry and reason", code: "BASELINE_UNKNOWN_KEY")
                }
            }
            guard let pattern else {
                throw Problem(location: location, message: "an entry of '\(kind.section)' needs 'entry'", code: "BASELINE_SHAPE")
            }
            return Baseline.Entry(pattern: pattern, reason: reason, location: location)
        default:
            throw Problem(location: item.location, message: "an entry of '\(kind.section)' is a non-empty string or {entry, reason}, found \(item.kindName)", code: "BASELINE_SHAPE")
        }
    }

    /// A YAML double-quoted scalar (JSON's escapes are YAML's).
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\x" + String(scalar.value, radix: 16).leftPadded(to: 2)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
