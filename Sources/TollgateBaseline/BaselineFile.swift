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
        # globs (* stands for one name, ** for any run) and carry a reason: {entry: "...", reason: "..."}.
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

    /// A YAML double-quoted scalar: `"` and `\\` escaped, and every character YAML does not
    /// allow printed (controls, C1, line and paragraph separators, the BOM, non-characters) as
    /// `\\uXXXX` or `\\UXXXXXXXX`, so any name a job gives a file reads back as itself.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default:
                if isPrintable(scalar.value) {
                    out.unicodeScalars.append(scalar)
                } else {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    out += scalar.value > 0xFFFF ? "\\U" + String(repeating: "0", count: 8 - hex.count) + hex
                                                 : "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                }
            }
        }
        return out + "\""
    }

    /// YAML 1.1's printable set, less the line breaks (`\\u0085`, `\\u2028`, `\\u2029`) and the BOM.
    private static func isPrintable(_ value: UInt32) -> Bool {
        switch value {
        case 0x2028, 0x2029, 0xFEFF: return false
        case 0x20...0x7E, 0xA0...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }
}
