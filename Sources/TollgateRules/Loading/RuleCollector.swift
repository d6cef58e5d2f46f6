/// A list after collection: definitions, appends and overrides applied.
package struct CollectedList: Sendable {
    package var name: String
    package var items: [Located<String>]
    package var location: SourceLocation
}

/// A macro after collection. `firstOrder`/`lastOrder` implement Falco's visibility rule: a
/// macro sees the macros first defined before its own last definition or append.
package struct CollectedMacro: Sendable {
    package var name: String
    package var condition: ConditionText
    package var location: SourceLocation
    package var firstOrder: Int
    package var lastOrder: Int
}

/// A rule after collection, every key resolved.
package struct CollectedRule: Sendable {
    package var name: String
    package var location: SourceLocation
    package var condition: ConditionText
    package var output: Located<String>
    package var desc: String
    package var priority: Priority
    package var source: String
    package var enabled: Bool
    package var tags: Set<String>
    package var exceptions: [ExceptionItem]
    package var warnEventTypes: Bool
    package var skipIfUnknownFilter: Bool
    package var capture: Bool
    package var captureDuration: Int
}

/// Names in definition order; redefinition keeps the original position.
package struct OrderedStore<Value: Sendable>: Sendable {
    package private(set) var values: [Value] = []
    private var indexByName: [String: Int] = [:]

    package subscript(name: String) -> Value? {
        get { indexByName[name].map { values[$0] } }
        set {
            if let index = indexByName[name] {
                if let newValue { values[index] = newValue }
            } else if let newValue {
                indexByName[name] = values.count
                values.append(newValue)
            }
        }
    }

    package var names: [String] { Array(indexByName.keys) }
}

/// Applies items in order (falcosecurity/falco `rule_loader_collector.cpp`): redefinitions,
/// `append`, `override`, standalone `enabled`, sources, engine version.
package struct RuleCollector {
    /// The engine version this implementation claims (Falco 0.44 is 0.62.0).
    package static let engineVersion = SemanticVersion(0, 62, 0)
    /// Event sources this engine evaluates.
    package static let knownSources: Set<String> = ["syscall"]

    package private(set) var lists = OrderedStore<CollectedList>()
    package private(set) var macros = OrderedStore<CollectedMacro>()
    package private(set) var rules = OrderedStore<CollectedRule>()
    /// Rules defined for a source tollgate does not know, by name, with that source: kept like
    /// Falco keeps them, so a later item for the same rule is skipped with a warning too and
    /// one for another source is a re-definition error.
    private var unknownSourceRules: [String: String] = [:]
    package private(set) var diagnostics: [Diagnostic] = []
    package private(set) var requiredEngineVersion: SemanticVersion?
    package private(set) var pluginRequirements: [PluginRequirement] = []
    private var order = 0
    private var firstDefinitions: [String: (priority: Priority, enabled: Bool)] = [:]
    private var lastDisabled: [String: SourceLocation] = [:]
    private var lastLowered: [String: SourceLocation] = [:]

    package init() {}

    package mutating func collect(_ item: RuleFileItem) {
        order += 1
        switch item {
        case .requiredEngineVersion(let version):
            if version.value.major != Self.engineVersion.major || version.value > Self.engineVersion {
                error(.validate, "Rules require engine version \(version.value), but engine version is \(Self.engineVersion)",
                      at: version.location, type: "required_engine_version")
            }
            requiredEngineVersion = max(requiredEngineVersion ?? version.value, version.value)
        case .requiredPluginVersions(let requirements):
            pluginRequirements += requirements
        case .list(let list):
            collect(list)
        case .macro(let macro):
            collect(macro)
        case .rule(let rule):
            collect(rule)
        }
    }

    private mutating func collect(_ item: ListItem) {
        let name = item.name.value
        if item.appends {
            guard var existing = lists[name] else {
                error(.validate, "List uses 'append' or 'override.items: append' but no list by that name already exists",
                      at: item.name.location, type: "list", name: name)
                return
            }
            existing.items += item.items
            lists[name] = existing
        } else {
            lists[name] = CollectedList(name: name, items: item.items, location: item.location)
        }
    }

    private mutating func collect(_ item: MacroItem) {
        let name = item.name.value
        if item.appends {
            guard var existing = macros[name] else {
                error(.validate, "Macro uses 'append' or 'override.condition: append' but no macro by that name already exists",
                      at: item.name.location, type: "macro", name: name)
                return
            }
            existing.condition.append(" ", at: item.condition.fallback)
            existing.condition.append(item.condition)
            existing.lastOrder = order
            macros[name] = existing
        } else {
            let first = macros[name]?.firstOrder ?? order
            macros[name] = CollectedMacro(name: name, condition: item.condition, location: item.location, firstOrder: first, lastOrder: order)
        }
    }

    /// Applies a rule item, noting where it disabled the rule or lowered its priority.
    private mutating func collect(_ item: RuleItem) {
        let name = item.name.value
        let before = rules[name]
        apply(item)
        guard let after = rules[name] else { return }
        guard let before else {
            firstDefinitions[name] = (after.priority, after.enabled)
            return
        }
        if before.enabled, !after.enabled { lastDisabled[name] = item.location }
        if after.priority > before.priority { lastLowered[name] = item.location }
    }

    /// Rules that later items disabled or lowered in priority, against their first definition,
    /// in definition order: what a reviewer must see to know what judged a run.
    package var weakenings: [RuleWeakening] {
        rules.values.flatMap { rule -> [RuleWeakening] in
            guard let first = firstDefinitions[rule.name] else { return [] }
            var found: [RuleWeakening] = []
            if first.enabled, !rule.enabled, let location = lastDisabled[rule.name] {
                found.append(RuleWeakening(rule: rule.name, change: "disabled", location: location))
            }
            if rule.priority > first.priority, let location = lastLowered[rule.name] {
                found.append(RuleWeakening(rule: rule.name, change: "priority lowered from \(first.priority) to \(rule.priority)", location: location))
            }
            return found
        }
    }

    private mutating func apply(_ item: RuleItem) {
        let name = item.name.value
        let itemSource = (item.source?.value).flatMap { $0.isEmpty ? nil : $0 }
        if let existing = rules[name]?.source ?? unknownSourceRules[name], let itemSource, itemSource != existing {
            error(.validate, "Rule has been re-defined with a different source", at: item.location, type: "rule", name: name)
            return
        }
        if let source = itemSource ?? unknownSourceRules[name], !Self.knownSources.contains(source) {
            warning(.unknownSource, "Unknown source \(source), skipping", at: item.source?.location ?? item.location, type: "rule", name: name)
            if rules[name] == nil { unknownSourceRules[name] = source }
            return
        }
        if item.legacyAppend {
            appendLegacy(item)
        } else if let overrides = item.overrides {
            applyOverrides(item, overrides)
        } else if item.condition == nil, item.output == nil, item.desc == nil, item.priority == nil, let enabled = item.enabled {
            guard var existing = rules[name] else {
                error(.validate, "Rule has 'enabled' key but no rule by that name already exists", at: item.location, type: "rule", name: name)
                return
            }
            warning(.deprecatedItem,
                    "The standalone 'enabled' key usage is deprecated. The correct approach requires also a 'replace' entry under the 'override' key (i.e. 'enabled: replace').",
                    at: enabled.location, type: "rule", name: name)
            existing.enabled = enabled.value
            rules[name] = existing
        } else {
            define(item)
        }
    }

    private mutating func define(_ item: RuleItem) {
        // The decoder guarantees the four definition keys are present.
        guard let condition = item.condition, let output = item.output, let desc = item.desc, let priority = item.priority else { return }
        warnDuplicateExceptionNames(item.exceptions?.value ?? [], rule: item.name.value)
        rules[item.name.value] = CollectedRule(
            name: item.name.value, location: item.location, condition: condition,
            output: Located(output.value.trimmingBlanks(), output.location), desc: desc.value,
            priority: priority.value, source: (item.source?.value).flatMap { $0.isEmpty ? nil : $0 } ?? "syscall",
            enabled: item.enabled?.value ?? true, tags: Set(item.tags?.value ?? []),
            exceptions: item.exceptions?.value ?? [], warnEventTypes: item.warnEventTypes?.value ?? true,
            skipIfUnknownFilter: item.skipIfUnknownFilter?.value ?? false, capture: item.capture?.value ?? false,
            captureDuration: item.captureDuration?.value ?? 0)
    }

    private mutating func appendLegacy(_ item: RuleItem) {
        let name = item.name.value
        guard var existing = rules[name] else {
            error(.validate, "Rule uses 'append' or 'override.<key>: append' but no rule by that name already exists",
                  at: item.location, type: "rule", name: name)
            return
        }
        guard item.condition != nil || item.exceptions != nil else {
            error(.validate, "Appended rule must have exceptions or condition property", at: item.location, type: "rule", name: name)
            return
        }
        if let condition = item.condition {
            existing.condition.append(" ", at: condition.fallback)
            existing.condition.append(condition)
        }
        if let output = item.output { existing.output.value += " " + output.value.trimmingBlanks() }
        if let exceptions = item.exceptions {
            guard appendExceptions(exceptions.value, to: &existing, legacy: true) else { return }
        }
        rules[name] = existing
    }

    private mutating func applyOverrides(_ item: RuleItem, _ overrides: [String: Located<OverrideMode>]) {
        let name = item.name.value
        guard var existing = rules[name] else {
            // Falco's messages, `<key>` and all, then the keys.
            let appended = overrides.filter { $0.value.value == .append }.keys.sorted()
            if !appended.isEmpty {
                error(.validate, "Rule uses 'append' or 'override.<key>: append' but no rule by that name already exists (\(Self.keyList(appended, "append")))",
                      at: item.location, type: "rule", name: name)
            } else {
                error(.validate, "An 'override.<key>: replace' to a rule was requested but no rule by that name already exists (\(Self.keyList(overrides.keys.sorted(), "replace")))",
                      at: item.location, type: "rule", name: name)
            }
            return
        }
        for (key, mode) in overrides.sorted(by: { $0.key < $1.key }) {
            let append = mode.value == .append
            switch key {
            case "condition":
                guard let condition = item.condition else { continue }
                if append {
                    existing.condition.append(" ", at: condition.fallback)
                    existing.condition.append(condition)
                } else {
                    existing.condition = condition
                }
            case "output":
                guard let output = item.output else { continue }
                let text = output.value.trimmingBlanks()
                existing.output = append ? Located(existing.output.value + " " + text, existing.output.location) : Located(text, output.location)
            case "desc":
                guard let desc = item.desc else { continue }
                existing.desc = append ? existing.desc + " " + desc.value : desc.value
            case "tags":
                let tags = Set(item.tags?.value ?? [])
                existing.tags = append ? existing.tags.union(tags) : tags
            case "exceptions":
                let exceptions = item.exceptions?.value ?? []
                if append {
                    guard appendExceptions(exceptions, to: &existing, legacy: false) else { return }
                } else {
                    // A replacement is a whole definition: Falco's reader wants its fields.
                    if let partial = exceptions.first(where: { $0.fields == nil }) {
                        error(.validate, "Item has no mapping for key 'fields'", at: partial.location, type: "exception", name: partial.name.value)
                        return
                    }
                    warnDuplicateExceptionNames(exceptions, rule: name)
                    existing.exceptions = exceptions
                }
            case "priority": if let priority = item.priority { existing.priority = priority.value }
            case "enabled": if let enabled = item.enabled { existing.enabled = enabled.value }
            case "warn_evttypes": if let value = item.warnEventTypes { existing.warnEventTypes = value.value }
            case "skip-if-unknown-filter": if let value = item.skipIfUnknownFilter { existing.skipIfUnknownFilter = value.value }
            case "capture": if let value = item.capture { existing.capture = value.value }
            case "capture_duration": if let value = item.captureDuration { existing.captureDuration = value.value }
            default: continue
            }
        }
        rules[name] = existing
    }

    /// Appends exception values by name, or adds new exceptions; false after an error.
    /// `override.condition: append, override.output: append`.
    private static func keyList(_ keys: [String], _ mode: String) -> String {
        keys.map { "override.\($0): \(mode)" }.joined(separator: ", ")
    }

    /// `legacy`: appended with `append: true` (Falco words a missing `fields` differently then).
    private mutating func appendExceptions(_ exceptions: [ExceptionItem], to rule: inout CollectedRule, legacy: Bool) -> Bool {
        for exception in exceptions {
            let name = exception.name.value
            if exception.values == nil || exception.values?.isEmpty == true {
                warning(.appendNoValues, "Overriding/appending exception with no values", at: exception.location, type: "exception", name: name)
            }
            if let index = rule.exceptions.firstIndex(where: { $0.name.value == name }) {
                if exception.fields != nil {
                    error(.validate, "Can not append exception fields to existing exception, only values", at: exception.location, type: "exception", name: name)
                    return false
                }
                if exception.comps != nil {
                    error(.validate, "Can not append exception comps to existing exception, only values", at: exception.location, type: "exception", name: name)
                    return false
                }
                rule.exceptions[index].values = (rule.exceptions[index].values ?? []) + (exception.values ?? [])
            } else {
                if exception.fields == nil {
                    error(.validate, legacy ? "Rule exception must have fields property with a list of fields" : "Item has no mapping for key 'fields'", at: exception.location, type: "exception", name: name)
                    return false
                }
                if exception.values == nil {
                    error(.validate, "Rule exception must have values property with a list of values", at: exception.location, type: "exception", name: name)
                    return false
                }
                rule.exceptions.append(exception)
            }
        }
        return true
    }

    private mutating func warnDuplicateExceptionNames(_ exceptions: [ExceptionItem], rule: String) {
        var seen: Set<String> = []
        for exception in exceptions where !seen.insert(exception.name.value).inserted {
            warning(.exceptionNameNotUnique, "Multiple definitions of exception '\(exception.name.value)' in the same rule",
                    at: exception.name.location, type: "exception", name: exception.name.value)
        }
    }

    private mutating func error(_ code: LoadCode, _ message: String, at location: SourceLocation, type: String? = nil, name: String? = nil) {
        diagnostics.append(Diagnostic(.error, code, message, at: location, itemType: type, itemName: name))
    }

    private mutating func warning(_ code: LoadCode, _ message: String, at location: SourceLocation, type: String? = nil, name: String? = nil) {
        diagnostics.append(Diagnostic(.warning, code, message, at: location, itemType: type, itemName: name))
    }
}

extension String {
    /// Trims the blanks Falco's `trim()` removes.
    func trimmingBlanks() -> String {
        let bytes = Array(utf8)
        var start = 0
        var end = bytes.count
        while start < end, ConditionParser.isSpace(bytes[start]) { start += 1 }
        while end > start, ConditionParser.isSpace(bytes[end - 1]) { end -= 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}
