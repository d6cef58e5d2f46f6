import TollgateRules

extension UnevaluableRule {
    /// The enabled rules this run cannot evaluate, with why: a condition that reads a field
    /// tollgate does not capture (it is always unknown, so the rule may never fire), or event
    /// types none of which the backend delivers. `deliverableSyscalls` is the set of event
    /// types the backend sees; nil when it sees every type rules need. Without exit data
    /// (`seesExitData` false: seccomp), rules whose condition needs a return value are listed
    /// too (`CompiledRule.exitDataFields`); they are still evaluated, so a finding of another
    /// branch still fails the run, but a quiet one does not pass.
    public static func find(
        in ruleSet: RuleSet, backend: String, deliverableSyscalls: Set<String>?, seesExitData: Bool = true
    ) -> [UnevaluableRule] {
        var found: [UnevaluableRule] = []
        for rule in ruleSet.rules where rule.enabled {
            if !rule.uncapturedFields.isEmpty {
                let fields = rule.uncapturedFields.map { "'\($0)'" }.joined(separator: ", ")
                let verb = rule.uncapturedFields.count == 1 ? "is" : "are"
                found.append(UnevaluableRule(rule: rule.name, reason: "its condition reads \(fields), which \(verb) not captured by tollgate"))
            } else if !seesExitData, !rule.exitDataFields.isEmpty {
                let fields = rule.exitDataFields.map { "'\($0)'" }.joined(separator: ", ")
                found.append(UnevaluableRule(rule: rule.name, reason: "its condition needs \(fields) from the syscall's return (return value or memory the kernel writes), which the \(backend) backend does not see"))
            } else if let deliverableSyscalls, let types = rule.eventTypes, !types.isEmpty,
                      !types.contains(where: deliverableSyscalls.contains) {
                let list = types.joined(separator: ", ")
                found.append(UnevaluableRule(rule: rule.name, reason: "the \(backend) backend does not deliver \(list) events"))
            }
        }
        return found
    }
}
