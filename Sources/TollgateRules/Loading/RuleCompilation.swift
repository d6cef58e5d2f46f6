import TollgateEvents

/// The compile step of loading (falcosecurity/falco `rule_loader_compiler.cpp`).
struct RuleCompilation {
    let collector: RuleCollector
    private(set) var diagnostics: [Diagnostic] = []
    private var usedLists: Set<String> = []
    private var substitution = ListSubstitution(lists: [])
    /// Macros compiled once and shared by all rules.
    let macroCache = MacroCompilationCache()
    /// The same, for the conditions specialized to one event type (by type name).
    private var specializedMacroCaches: [String: MacroCompilationCache] = [:]
    /// Asks the rules' exit-data checks what they say without exit data.
    let exitDataProbe = ExitDataProbe()

    init(collector: RuleCollector) {
        self.collector = collector
    }

    mutating func run() -> [CompiledRule] {
        compileLists()
        var expander = MacroExpander(macros: parseMacros())
        validateMacros(&expander)
        var rules: [CompiledRule] = []
        for rule in collector.rules.values {
            if let compiled = compile(rule, &expander) { rules.append(compiled) }
        }
        for macro in collector.macros.values where !expander.used.contains(macro.name) {
            warning(.unusedMacro, "Macro not referred to by any other rule/macro", at: macro.location, type: "macro", name: macro.name)
        }
        for list in collector.lists.values where !usedLists.contains(list.name) {
            warning(.unusedList, "List not referred to by any other rule/macro", at: list.location, type: "list", name: list.name)
        }
        return rules
    }

    /// Expands list items naming earlier lists, in definition order.
    private mutating func compileLists() {
        var compiled: [(name: String, items: [String])] = []
        var byName: [String: [String]] = [:]
        for list in collector.lists.values {
            var items: [String] = []
            for item in list.items {
                if let earlier = byName[item.value] {
                    usedLists.insert(item.value)
                    items += earlier
                } else {
                    items.append(item.value)
                }
            }
            byName[list.name] = items
            compiled.append((list.name, items))
        }
        substitution = ListSubstitution(lists: compiled)
    }

    private mutating func substitute(_ text: ConditionText) -> ConditionText {
        let (result, used) = substitution.apply(to: text)
        usedLists.formUnion(used)
        return result
    }

    private mutating func parseMacros() -> [String: (ast: ConditionNode, firstOrder: Int, lastOrder: Int)] {
        var parsed: [String: (ast: ConditionNode, firstOrder: Int, lastOrder: Int)] = [:]
        for macro in collector.macros.values {
            let text = substitute(macro.condition)
            switch ConditionParser.parse(text) {
            case .success(let ast):
                parsed[macro.name] = (ast, macro.firstOrder, macro.lastOrder)
            case .failure(let failure):
                error(.compileCondition, failure.message, at: text.location(at: failure.offset), type: "macro", name: macro.name)
            }
        }
        return parsed
    }

    /// Expands every macro once so undefined references and loops are reported on the macro.
    private mutating func validateMacros(_ expander: inout MacroExpander) {
        for macro in collector.macros.values where expander.macros[macro.name] != nil {
            do {
                _ = try expander.expandMacro(named: macro.name)
            } catch {
                self.error(.validate, error.message, at: error.location, type: "macro", name: macro.name)
            }
        }
    }

    private mutating func compile(_ rule: CollectedRule, _ expander: inout MacroExpander) -> CompiledRule? {
        let exceptionText = ExceptionText(isValidField: Self.isValidExceptionField)
        let withExceptions: ConditionText
        do {
            withExceptions = try exceptionText.apply(rule.exceptions, to: rule.condition)
        } catch {
            self.error(.validate, error.message, at: error.location, type: "exception", name: error.exceptionName)
            return nil
        }
        let text = substitute(withExceptions)
        let parsed: ConditionNode
        switch ConditionParser.parse(text) {
        case .success(let ast): parsed = ast
        case .failure(let failure):
            error(.compileCondition, failure.message, at: text.location(at: failure.offset), type: "rule", name: rule.name)
            return nil
        }
        let expanded: ConditionNode
        do {
            expanded = try expander.expandRule(parsed)
        } catch {
            self.error(.validate, error.message, at: error.location, type: "rule", name: rule.name)
            return nil
        }
        var compiler = ConditionCompiler(macros: macroCache)
        let predicate: EventPredicate
        let output: CompiledOutput
        do {
            predicate = try compiler.compile(expanded)
        } catch {
            report(error.code, error.message, at: error.location, rule: rule)
            return nil
        }
        let conditionDeprecated = compiler.deprecatedFields
        do {
            output = try CompiledOutput.compile(rule.output.value, compiler: &compiler)
        } catch {
            var location = rule.output.location
            location.column += error.offset
            report(error.code, error.message, at: location, rule: rule)
            return nil
        }
        for (field, location) in conditionDeprecated {
            warning(.deprecatedItem, "field '\(field)' is deprecated", at: location, type: "rule", name: rule.name)
        }
        for field in Set(compiler.deprecatedFields.dropFirst(conditionDeprecated.count).map(\.0)).sorted() {
            warning(.deprecatedItem, "usage of deprecated field '\(field)' has been detected in the rule output",
                    at: rule.output.location, type: "rule", name: rule.name)
        }
        for (value, location) in FieldLikeConstants.find(in: expanded) {
            warning(.compileConditionWarning, "'\(value)' may be a valid field misused as a const string value",
                    at: location, type: "rule", name: rule.name)
        }
        let types = EventTypeSet.of(expanded)
        var names: [String]?
        switch types {
        case .some(let set): names = set.sorted()
        case .all, .allExcept: names = nil
        }
        if rule.warnEventTypes, (names?.count ?? Int.max) > 100 {
            warning(.noEventType, "Rule matches too many evt.type values. This has a significant performance penalty.",
                    at: rule.location, type: "rule", name: rule.name)
        }
        let typeIDs = names?.compactMap { EventType(named: $0) }
        var compiled = CompiledRule(
            name: rule.name, description: rule.desc, priority: rule.priority, tags: rule.tags.sorted(), source: rule.source,
            enabled: rule.enabled, location: rule.location, eventTypes: names, condition: expanded.description,
            outputTemplate: rule.output.value, uncapturedFields: compiler.uncapturedFields.sorted(),
            predicate: predicate, output: output, eventTypeIDs: typeIDs,
            specialized: (names ?? []).compactMap { specialize(expanded, for: $0) })
        compiled.conditionTree = expanded
        compiled.readsResult = UnknownResult.isRead(by: expanded)
        compiled.exitDataFields = exitDataProbe.blindFields(compiler.exitDataReads, eventTypes: typeIDs)
        compiled.ownExitTypes = ExitDataProbe.ownExitTypes(compiler.exitDataReads, outputs: compiler.outputExitData, eventTypes: typeIDs)
        compiled.failureTypes = typeIDs.map { types in
            Set(types.filter { type in
                if case .constant(false) = ConditionSpecialization.specializeFailed(expanded, for: type.name) { return false }
                return true
            })
        }
        return compiled
    }

    private static let alwaysTrue: EventPredicate = { (_: Event) -> Bool in true }
    private static let alwaysFalse: EventPredicate = { (_: Event) -> Bool in false }

    /// The condition compiled for one of its event types, with what that type decides folded
    /// away; nil when it stays the general predicate. Diagnostics come from the general compile.
    private mutating func specialize(_ expanded: ConditionNode, for typeName: String) -> SpecializedPredicate? {
        guard let type = EventType(named: typeName) else { return nil }
        switch ConditionSpecialization.specialize(expanded, for: typeName) {
        case .constant(let value):
            return SpecializedPredicate(type: type, predicate: value ? Self.alwaysTrue : Self.alwaysFalse, never: !value)
        case .node(let node):
            let cache = specializedMacroCaches[typeName] ?? MacroCompilationCache()
            specializedMacroCaches[typeName] = cache
            var compiler = ConditionCompiler(macros: cache)
            let conjuncts = LeadingConjunct(node)
            guard let rest = conjuncts.rest else {
                guard let predicate = try? compiler.compile(node) else { return nil }
                return SpecializedPredicate(type: type, predicate: predicate, never: false)
            }
            guard let first = try? compiler.compile(conjuncts.first), let remainder = try? compiler.compile(rest) else { return nil }
            return SpecializedPredicate(type: type, predicate: { first($0) && remainder($0) }, never: false,
                                        split: SplitPredicate(firstKey: conjuncts.key, first: first, rest: remainder))
        }
    }

    /// Unknown fields and event types are skipped with a warning under `skip-if-unknown-filter`.
    private mutating func report(_ code: LoadCode, _ message: String, at location: SourceLocation, rule: CollectedRule) {
        let unknown = code == .unknownField || message.contains("unknown field") || message.contains("unknown event type")
            || message.contains("invalid formatting token")
        if unknown, rule.skipIfUnknownFilter {
            warning(.unknownFilter, "\(message); the rule is skipped (skip-if-unknown-filter)", at: location, type: "rule", name: rule.name)
        } else {
            error(code, message, at: location, type: "rule", name: rule.name)
        }
    }

    /// An exception field must be a field (or transformer) usable on the left-hand side.
    static func isValidExceptionField(_ text: String) -> Bool {
        guard case .success(.unary(let operand, .exists, let location)) = ConditionParser.parse(text + " exists") else { return false }
        var compiler = ConditionCompiler()
        return (try? compiler.typedAccessor(operand, at: location)) != nil
    }

    private mutating func error(_ code: LoadCode, _ message: String, at location: SourceLocation, type: String, name: String) {
        diagnostics.append(Diagnostic(.error, code, message, at: location, itemType: type, itemName: name))
    }

    private mutating func warning(_ code: LoadCode, _ message: String, at location: SourceLocation, type: String, name: String) {
        diagnostics.append(Diagnostic(.warning, code, message, at: location, itemType: type, itemName: name))
    }
}
