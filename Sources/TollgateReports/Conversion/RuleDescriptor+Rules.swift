import TollgateRules

extension RuleDescriptor {
    /// The report's view of a compiled rule: name, description, priority, tags, where it is
    /// defined and whether it is enabled.
    public init(_ rule: CompiledRule) {
        self.init(
            name: rule.name, description: rule.description, priority: rule.priority, tags: rule.tags,
            sourceFile: rule.location.file.isEmpty ? nil : rule.location.file,
            sourceLine: rule.location.line > 0 ? rule.location.line : nil,
            enabled: rule.enabled)
    }

    /// Every rule of a loaded ruleset, in definition order.
    public static func all(in ruleSet: RuleSet) -> [RuleDescriptor] {
        ruleSet.rules.map(RuleDescriptor.init)
    }
}
