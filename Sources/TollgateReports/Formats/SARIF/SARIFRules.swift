import TollgateRules

/// `tool.driver.rules`: every loaded rule (disabled ones with `enabled: false`), in load order,
/// plus a minimal descriptor for any finding whose rule was not described, so every result's
/// `ruleId` resolves. The id is the rule's name, verbatim: unique in a ruleset, stable, and the
/// same string Falco's JSON `rule` and tollgate's stderr lines show.
struct SARIFRules {
    var descriptors: [JSONValue] = []
    var indexByName: [String: Int] = [:]

    /// GitHub shows at most 10 tags and rejects more than 20.
    static let maximumTags = 20
    /// GitHub truncates descriptions above this.
    static let maximumDescription = 1024

    init(report: RunReport) {
        for rule in report.rules where indexByName[rule.name] == nil {
            add(rule)
        }
        for finding in report.findings.groups.map(\.first) where indexByName[finding.rule] == nil {
            add(RuleDescriptor(name: finding.rule, description: "", priority: finding.priority, tags: finding.tags))
        }
    }

    private mutating func add(_ rule: RuleDescriptor) {
        indexByName[rule.name] = descriptors.count
        descriptors.append(SARIFRules.descriptor(rule))
    }

    static func descriptor(_ rule: RuleDescriptor) -> JSONValue {
        let description = rule.description.isEmpty ? rule.name : rule.description
        var configuration = JSONObjectBuilder()
        configuration.add("enabled", rule.enabled ? nil : JSONValue.bool(false))
        configuration.add("level", rule.priority.sarifLevel)
        var properties = JSONObjectBuilder()
        properties.add("tags", .array(tags(of: rule).map(JSONValue.string)))
        properties.add("security-severity", rule.priority.securitySeverity)
        properties.add("priority", rule.priority.description)
        if let definedAt = definition(of: rule) { properties.add("definedAt", definedAt) }
        var object = JSONObjectBuilder()
        object.add("id", rule.name)
        object.add("name", identifierName(rule.name))
        object.add("shortDescription", text(firstSentence(of: description)))
        object.add("fullDescription", text(description))
        object.add("help", .object([("text", .string(helpText(rule, description))), ("markdown", .string(helpMarkdown(rule, description)))]))
        object.add("defaultConfiguration", configuration.value)
        object.add("properties", properties.value)
        return object.value
    }

    /// `security` first (GitHub's security alerts), then the rule's own tags, at most 20.
    static func tags(of rule: RuleDescriptor) -> [String] {
        var seen: Set<String> = []
        return (["security"] + rule.tags).filter { !$0.isEmpty && seen.insert($0).inserted }.prefix(maximumTags).map { $0 }
    }

    /// `Read sensitive file untrusted` -> `ReadSensitiveFileUntrusted` (SARIF `name`, at most 255).
    static func identifierName(_ name: String) -> String? {
        let words = name.split(whereSeparator: { !($0.isLetter || $0.isNumber) })
        let joined = words.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        return joined.isEmpty ? nil : String(joined.prefix(255))
    }

    /// The text up to the first `. ` that is followed by a capital letter (so `e.g. /etc` does
    /// not end a sentence), cut to 200 characters at a word boundary.
    static func firstSentence(of text: String) -> String {
        var sentence = Substring(text)
        var search = text.startIndex
        while let stop = text[search...].firstRange(of: ". ") {
            if let next = text[stop.upperBound...].first, next.isUppercase {
                sentence = text[..<stop.lowerBound] + "."
                break
            }
            search = stop.upperBound
        }
        guard sentence.count > 200 else { return String(sentence) }
        let cut = sentence.prefix(199)
        return String(cut.lastIndex(of: " ").map { cut[..<$0] } ?? cut) + "…"
    }

    private static func text(_ value: String) -> JSONValue {
        .object([("text", .string(value.truncated(to: maximumDescription)))])
    }

    private static func definition(of rule: RuleDescriptor) -> String? {
        guard let file = rule.sourceFile else { return nil }
        return rule.sourceLine.map { "\(file):\($0)" } ?? file
    }

    private static func helpText(_ rule: RuleDescriptor, _ description: String) -> String {
        var text = description + "\n\nPriority: \(rule.priority.description) (security-severity \(rule.priority.securitySeverity))."
        if let definedAt = definition(of: rule) { text += " Defined in \(definedAt)." }
        if !rule.enabled { text += " Disabled in this ruleset." }
        return text
    }

    private static func helpMarkdown(_ rule: RuleDescriptor, _ description: String) -> String {
        var text = MarkdownText.inline(description) + "\n\n**Priority:** \(rule.priority.description) (security-severity \(rule.priority.securitySeverity))"
        if let definedAt = definition(of: rule) { text += "  \n**Defined in:** `\(definedAt.filter { $0 != "`" })`" }
        if !rule.enabled { text += "  \n**Disabled** in this ruleset." }
        return text
    }
}
