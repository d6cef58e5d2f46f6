/// Reads the items of one rules file (falcosecurity/falco `rule_loader_reader.cpp`): classifies
/// items, checks keys and types, and reports LOAD_ERR_YAML_* errors and reader warnings.
package struct RuleFileDecoder {
    package let file: SourceFile
    package private(set) var items: [RuleFileItem] = []
    package private(set) var diagnostics: [Diagnostic] = []

    static let listKeys = ["list", "items", "append", "override"]
    static let macroKeys = ["macro", "condition", "append", "override"]
    static let ruleKeys = [
        "rule", "desc", "condition", "output", "priority", "tags", "enabled", "source", "exceptions",
        "warn_evttypes", "skip-if-unknown-filter", "capture", "capture_duration", "append", "override",
    ]
    static let exceptionKeys = ["name", "fields", "comps", "values"]
    static let ruleAppendableKeys: Set<String> = ["condition", "output", "desc", "tags", "exceptions"]
    static let ruleReplaceableKeys: Set<String> = [
        "condition", "output", "desc", "priority", "capture", "capture_duration", "tags", "exceptions",
        "enabled", "warn_evttypes", "skip-if-unknown-filter",
    ]

    package init(file: SourceFile) {
        self.file = file
    }

    /// Reads the file; YAML syntax errors end the file at the failing document.
    package mutating func decode() {
        let (documents, failure) = YAMLTreeReader.read(file)
        for document in documents { decode(document: document) }
        if let failure {
            diagnostics.append(Diagnostic(.error, .yamlParse, failure.message, at: failure.location))
        }
    }

    private mutating func decode(document: YAMLValue) {
        switch document {
        case .null:
            return
        case .scalar(let scalar):
            error(.yamlValidate, "Rules content is not yaml", at: scalar.location, type: "rules content")
        case .mapping(_, let location):
            error(.yamlValidate, "Rules content is not yaml array of objects", at: location, type: "rules content")
        case .sequence(let elements, _):
            for element in elements { decode(element: element) }
        }
    }

    private mutating func decode(element: YAMLValue) {
        guard case .mapping(let entries, let location) = element else {
            if case .null = element { return }
            error(.yamlValidate, "Unexpected element type. Each element should be a yaml associative array.",
                  at: element.location, type: "rules content item")
            return
        }
        let mapping = YAMLMapping(entries: entries, location: location)
        let kind = ["required_engine_version", "required_plugin_versions", "list", "macro", "rule"].first(where: mapping.has)
        do {
            switch kind {
            case "required_engine_version": try decodeEngineVersion(mapping)
            case "required_plugin_versions": try decodePluginVersions(mapping)
            case "list": try decodeList(mapping)
            case "macro": try decodeMacro(mapping)
            case "rule": try decodeRule(mapping)
            default:
                let keys = entries.map(\.key)
                let hint = keys.lazy.compactMap { Suggestion.closest(to: $0, in: ["rule", "macro", "list"]) }.first
                    .map { "; did you mean '\($0)'?" } ?? ""
                warning(.unknownItem, "Unknown top level item\(hint)", at: location, type: "rules content item")
            }
        } catch let failure as ItemDecodingError {
            let name = kind.flatMap { try? mapping.string($0)?.value }
            error(.yamlValidate, failure.message, at: failure.location, type: kind, name: name)
        } catch {
            self.error(.yamlValidate, "\(error)", at: location, type: kind)
        }
    }

    // MARK: - Items

    private mutating func decodeEngineVersion(_ mapping: YAMLMapping) throws {
        let value = try mapping.requiredString("required_engine_version")
        let version: SemanticVersion
        if let number = Int(value.value), number >= 0 {
            version = SemanticVersion(0, number, 0)
        } else if let parsed = SemanticVersion(parsing: value.value) {
            version = parsed
        } else {
            throw ItemDecodingError(
                message: "Unable to parse engine version '\(value.value)' as a semver string. Expected \"x.y.z\" semver format.",
                location: value.location)
        }
        items.append(.requiredEngineVersion(Located(version, value.location)))
    }

    private mutating func decodePluginVersions(_ mapping: YAMLMapping) throws {
        guard let entry = mapping.entry("required_plugin_versions") else { return }
        var requirements: [PluginRequirement] = []
        for element in try Self.mappings(in: entry.value) {
            let (name, version) = try Self.pluginNameAndVersion(element)
            var alternatives: [(String, String)] = []
            var seen: Set<String> = [name.value]
            if let alternativesEntry = element.entry("alternatives") {
                for alternative in try Self.mappings(in: alternativesEntry.value) {
                    let (altName, altVersion) = try Self.pluginNameAndVersion(alternative)
                    if !seen.insert(altName.value).inserted {
                        throw ItemDecodingError(message: "Multiple definitions of plugin with name \(altName.value)", location: altName.location)
                    }
                    alternatives.append((altName.value, altVersion.value))
                }
            }
            requirements.append(PluginRequirement(name: name.value, version: version.value, alternatives: alternatives))
        }
        items.append(.requiredPluginVersions(requirements))
    }

    /// The elements of a sequence of mappings.
    private static func mappings(in value: YAMLValue) throws -> [YAMLMapping] {
        guard case .sequence(let elements, _) = value else {
            throw ItemDecodingError(message: "Value is not a sequence", location: value.location)
        }
        return try elements.map { element in
            guard case .mapping(let entries, let location) = element else {
                throw ItemDecodingError(message: "Unexpected element type. Each element should be a yaml associative array.", location: element.location)
            }
            return YAMLMapping(entries: entries, location: location)
        }
    }

    private static func pluginNameAndVersion(_ plugin: YAMLMapping) throws -> (Located<String>, Located<String>) {
        let name = try plugin.requiredString("name")
        let version = try plugin.requiredString("version")
        if SemanticVersion(parsing: version.value) == nil {
            throw ItemDecodingError(message: "Invalid required version '\(version.value)' for plugin '\(name.value)'", location: version.location)
        }
        return (name, version)
    }

    private mutating func decodeList(_ mapping: YAMLMapping) throws {
        let name = try mapping.requiredString("list")
        warnUnknownKeys(mapping, allowed: Self.listKeys, type: "list", name: name.value)
        guard let itemsEntry = mapping.entry("items") else {
            throw ItemDecodingError(message: "Item has no mapping for key 'items'", location: mapping.location)
        }
        let values = try YAMLMapping.scalars(of: itemsEntry.value, key: "items")
        let appends = try appendMode(mapping, type: "list", name: name.value, allowedKeys: ["items"])
        if !Self.isValidListName(name.value) {
            warning(.invalidListName, "List has an invalid name. List names should match a regular expression: ([^()\"'[:space:]=,]+)",
                    at: name.location, type: "list", name: name.value)
        }
        items.append(.list(ListItem(name: name, items: values, location: mapping.location, appends: appends)))
    }

    private mutating func decodeMacro(_ mapping: YAMLMapping) throws {
        let name = try mapping.requiredString("macro")
        warnUnknownKeys(mapping, allowed: Self.macroKeys, type: "macro", name: name.value)
        let condition = try conditionText(mapping, required: true)
        let appends = try appendMode(mapping, type: "macro", name: name.value, allowedKeys: ["condition"])
        if !Self.isValidMacroName(name.value) {
            warning(.invalidMacroName, "Macro has an invalid name. Macro names should match a regular expression: ([a-zA-Z]+[a-zA-Z0-9_]*)",
                    at: name.location, type: "macro", name: name.value)
        }
        // `condition` is required, so `conditionText` never returns nil here.
        guard let condition else { return }
        items.append(.macro(MacroItem(name: name, condition: condition, location: mapping.location, appends: appends)))
    }

    private func conditionText(_ mapping: YAMLMapping, required: Bool) throws -> ConditionText? {
        guard let entry = mapping.entry("condition") else {
            if required { throw ItemDecodingError(message: "Item has no mapping for key 'condition'", location: mapping.location) }
            return nil
        }
        switch entry.value {
        case .scalar(let scalar) where !scalar.string.isEmpty:
            return ConditionText(scalar: scalar, in: file)
        case .scalar(let scalar):
            throw ItemDecodingError(message: "Value must be non-empty", location: scalar.location)
        case .null:
            throw ItemDecodingError(message: "Mapping for key 'condition' is empty", location: entry.keyLocation)
        default:
            throw ItemDecodingError(message: "Value is not a scalar value", location: entry.value.location)
        }
    }

    /// `append: true` (deprecated) or `override: {<key>: append|replace}` for lists and macros.
    private mutating func appendMode(_ mapping: YAMLMapping, type: String, name: String, allowedKeys: [String]) throws -> Bool {
        let legacy = try mapping.bool("append")
        // Warned first, like Falco, even when `override` makes the item an error.
        if let legacy, legacy.value {
            deprecatedAppendWarning(at: legacy.location, type: type, name: name)
        }
        let overrides = try overrideEntries(mapping, legacyAppend: legacy?.value == true)
        guard let overrides else { return legacy?.value ?? false }
        var appends = false
        for (key, mode) in overrides {
            guard allowedKeys.contains(key) else {
                throw ItemDecodingError(message: "Key '\(key)' cannot be overridden in a \(type)\(Suggestion.hint(for: key, in: allowedKeys))", location: mode.location)
            }
            appends = mode.value == .append
        }
        return appends
    }

    private func overrideEntries(_ mapping: YAMLMapping, legacyAppend: Bool) throws -> [(String, Located<OverrideMode>)]? {
        guard let entry = mapping.entry("override") else { return nil }
        if legacyAppend {
            throw ItemDecodingError(
                message: "Keys 'override' and 'append: true' cannot be used together. Add an 'append' entry (e.g. 'condition: append') under 'override' instead.",
                location: entry.keyLocation)
        }
        guard case .mapping(let entries, _) = entry.value else {
            throw ItemDecodingError(message: "Value is not a map", location: entry.value.location)
        }
        return try entries.map { overrideEntry in
            guard let scalar = overrideEntry.value.scalar, let mode = OverrideMode(rawValue: scalar.string) else {
                let text = overrideEntry.value.scalar?.string ?? ""
                throw ItemDecodingError(
                    message: "Invalid override operation for key '\(overrideEntry.key)': '\(text)'. Allowed values are: append replace",
                    location: overrideEntry.value.location)
            }
            return (overrideEntry.key, Located(mode, scalar.location))
        }
    }

    private mutating func decodeRule(_ mapping: YAMLMapping) throws {
        let name = try mapping.requiredString("rule")
        warnUnknownKeys(mapping, allowed: Self.ruleKeys, type: "rule", name: name.value)
        var rule = RuleItem(name: name, location: mapping.location, legacyAppend: false)
        rule.condition = try conditionText(mapping, required: false)
        rule.conditionLocation = mapping.entry("condition")?.value.location
        rule.output = try mapping.string("output")
        rule.desc = try mapping.string("desc")
        if let priority = try mapping.string("priority") {
            guard let parsed = Priority(parsing: priority.value) else {
                throw ItemDecodingError(
                    message: "Invalid priority '\(priority.value)'\(Suggestion.hint(for: priority.value.uppercased(), in: Priority.spellings)); expected one of \(Priority.spellings.joined(separator: ", "))",
                    location: priority.location)
            }
            rule.priority = Located(parsed, priority.location)
        }
        rule.source = try mapping.string("source", allowEmpty: true)
        rule.enabled = try mapping.bool("enabled")
        rule.tags = try mapping.strings("tags")
        rule.warnEventTypes = try mapping.bool("warn_evttypes")
        rule.skipIfUnknownFilter = try mapping.bool("skip-if-unknown-filter")
        rule.capture = try mapping.bool("capture")
        rule.captureDuration = try mapping.integer("capture_duration")
        let legacy = try mapping.bool("append")
        rule.legacyAppend = legacy?.value ?? false
        if rule.legacyAppend, let legacy {
            deprecatedAppendWarning(at: legacy.location, type: "rule", name: name.value)
        }
        if let overrides = try overrideEntries(mapping, legacyAppend: rule.legacyAppend) {
            rule.overrides = Dictionary(overrides, uniquingKeysWith: { _, last in last })
        }
        if let entry = mapping.entry("exceptions") {
            rule.exceptions = Located(try decodeExceptions(entry.value, requireFields: !rule.legacyAppend && rule.overrides == nil), entry.value.location)
        }
        if let overrides = rule.overrides {
            try checkOverrides(rule, overrides)
        } else if !rule.legacyAppend {
            let definitionKeys: [(String, Bool)] = [
                ("condition", rule.condition != nil), ("output", rule.output != nil),
                ("desc", rule.desc != nil), ("priority", rule.priority != nil),
            ]
            let standaloneEnabled = rule.enabled != nil && !definitionKeys.contains(where: \.1)
            if !standaloneEnabled, let missing = definitionKeys.first(where: { !$0.1 }) {
                throw ItemDecodingError(message: "Item has no mapping for key '\(missing.0)'", location: mapping.location)
            }
        }
        items.append(.rule(rule))
    }

    private func checkOverrides(_ rule: RuleItem, _ overrides: [String: Located<OverrideMode>]) throws {
        let present = Set(rule.overridableKeysPresent)
        for (key, mode) in overrides.sorted(by: { $0.key < $1.key }) {
            switch mode.value {
            case .append where !Self.ruleAppendableKeys.contains(key):
                throw ItemDecodingError(message: "Key '\(key)' cannot be appended to, use 'replace' instead", location: mode.location)
            case .replace where !Self.ruleReplaceableKeys.contains(key):
                throw ItemDecodingError(message: "Key '\(key)' cannot be replaced", location: mode.location)
            default:
                break
            }
            if !present.contains(key) {
                throw ItemDecodingError(
                    message: "An \(mode.value.rawValue) override for '\(key)' was specified but '\(key)' is not defined",
                    location: mode.location)
            }
        }
        for key in rule.overridableKeysPresent where overrides[key] == nil {
            throw ItemDecodingError(message: "Unexpected key '\(key)': no corresponding entry under 'override' is defined.", location: rule.location)
        }
    }

    private func decodeExceptions(_ value: YAMLValue, requireFields: Bool) throws -> [ExceptionItem] {
        guard case .sequence(let elements, _) = value else {
            if case .null = value { return [] }
            throw ItemDecodingError(message: "Rule exceptions must be a sequence", location: value.location)
        }
        return try elements.map { element in
            guard case .mapping(let entries, let location) = element else {
                throw ItemDecodingError(message: "Rule exception must be a mapping", location: element.location)
            }
            let mapping = YAMLMapping(entries: entries, location: location)
            let name = try mapping.requiredString("name")
            var exception = ExceptionItem(name: name, location: location)
            exception.fields = try shape(mapping, "fields")
            exception.comps = try shape(mapping, "comps")
            if requireFields, exception.fields == nil {
                throw ItemDecodingError(message: "Item has no mapping for key 'fields'", location: location)
            }
            if let values = mapping.entry("values") {
                switch values.value {
                case .sequence(let items, _): exception.values = items
                case .null: exception.values = []
                default: throw ItemDecodingError(message: "Value is not a sequence", location: values.value.location)
                }
            }
            return exception
        }
    }

    private func shape(_ mapping: YAMLMapping, _ key: String) throws -> ExceptionItem.Shape? {
        guard let entry = mapping.entry(key) else { return nil }
        switch entry.value {
        case .scalar(let scalar): return .scalar(Located(scalar.string, scalar.location))
        case .null: return nil
        default: return .list(try YAMLMapping.scalars(of: entry.value, key: key))
        }
    }

    // MARK: - Diagnostics

    private mutating func warnUnknownKeys(_ mapping: YAMLMapping, allowed: [String], type: String, name: String) {
        for entry in mapping.entries where !allowed.contains(entry.key) {
            warning(.unknownKey, "Unknown key '\(entry.key)'. The key will be ignored\(Suggestion.hint(for: entry.key, in: allowed).replacingFirstSemicolon())",
                    at: entry.keyLocation, type: type, name: name)
        }
    }

    private mutating func deprecatedAppendWarning(at location: SourceLocation, type: String, name: String) {
        warning(.deprecatedItem, "'append' key is deprecated. Add an 'append' entry (e.g. 'condition: append') under 'override' instead.",
                at: location, type: type, name: name)
    }

    private mutating func error(_ code: LoadCode, _ message: String, at location: SourceLocation, type: String? = nil, name: String? = nil) {
        diagnostics.append(Diagnostic(.error, code, message, at: location, itemType: type, itemName: name))
    }

    private mutating func warning(_ code: LoadCode, _ message: String, at location: SourceLocation, type: String? = nil, name: String? = nil) {
        diagnostics.append(Diagnostic(.warning, code, message, at: location, itemType: type, itemName: name))
    }

    static func isValidMacroName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, ConditionParser.isLetter(first) else { return false }
        return bytes.allSatisfy(ConditionParser.isWordByte)
    }

    static func isValidListName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy(ConditionParser.isBareStringByte)
    }
}

extension String {
    /// Turns a `; did you mean` hint into a sentence that follows `… ignored`.
    func replacingFirstSemicolon() -> String {
        isEmpty ? "." : ". D" + dropFirst(3)
    }
}
