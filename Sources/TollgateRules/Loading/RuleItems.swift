/// A string value read from a rules file, with where it was written.
package struct Located<Value: Sendable>: Sendable {
    package var value: Value
    package var location: SourceLocation

    package init(_ value: Value, _ location: SourceLocation) {
        self.value = value
        self.location = location
    }
}

/// `append` or `replace` under `override:`.
package enum OverrideMode: String, Sendable {
    case append, replace
}

/// `- list:` as read.
package struct ListItem: Sendable {
    package var name: Located<String>
    package var items: [Located<String>]
    package var location: SourceLocation
    /// `append: true` or `override: {items: append}`.
    package var appends: Bool
}

/// `- macro:` as read.
package struct MacroItem: Sendable {
    package var name: Located<String>
    package var condition: ConditionText
    package var location: SourceLocation
    package var appends: Bool
}

/// One entry of a rule's `exceptions:`.
package struct ExceptionItem: Sendable {
    package enum Shape: Sendable {
        case scalar(Located<String>)
        case list([Located<String>])
    }

    package var name: Located<String>
    package var fields: Shape?
    package var comps: Shape?
    /// Each value: a scalar (for scalar fields) or a tuple whose elements are scalars or lists.
    package var values: [YAMLValue]?
    package var location: SourceLocation
}

/// `- rule:` as read: every key optional, so appends and overrides can be told apart later.
package struct RuleItem: Sendable {
    package var name: Located<String>
    package var location: SourceLocation
    package var condition: ConditionText?
    package var conditionLocation: SourceLocation?
    package var output: Located<String>?
    package var desc: Located<String>?
    package var priority: Located<Priority>?
    package var source: Located<String>?
    package var enabled: Located<Bool>?
    package var tags: Located<[String]>?
    package var exceptions: Located<[ExceptionItem]>?
    package var warnEventTypes: Located<Bool>?
    package var skipIfUnknownFilter: Located<Bool>?
    package var capture: Located<Bool>?
    package var captureDuration: Located<Int>?
    /// `append: true`.
    package var legacyAppend: Bool
    /// `override:` entries, key -> mode.
    package var overrides: [String: Located<OverrideMode>]?

    /// The keys that can appear under `override:` and are present in the item.
    package var overridableKeysPresent: [String] {
        var keys: [String] = []
        if condition != nil { keys.append("condition") }
        if output != nil { keys.append("output") }
        if desc != nil { keys.append("desc") }
        if priority != nil { keys.append("priority") }
        if tags != nil { keys.append("tags") }
        if exceptions != nil { keys.append("exceptions") }
        if enabled != nil { keys.append("enabled") }
        if warnEventTypes != nil { keys.append("warn_evttypes") }
        if skipIfUnknownFilter != nil { keys.append("skip-if-unknown-filter") }
        if capture != nil { keys.append("capture") }
        if captureDuration != nil { keys.append("capture_duration") }
        return keys
    }
}

/// `- required_plugin_versions:` entry.
package struct PluginRequirement: Sendable {
    package var name: String
    package var version: String
    package var alternatives: [(name: String, version: String)]
}

/// One item of a rules file, in file order.
package enum RuleFileItem: Sendable {
    case requiredEngineVersion(Located<SemanticVersion>)
    case requiredPluginVersions([PluginRequirement])
    case list(ListItem)
    case macro(MacroItem)
    case rule(RuleItem)
}

/// A semver `x.y.z`.
public struct SemanticVersion: Sendable, Comparable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public var patch: Int

    public init(_ major: Int, _ minor: Int, _ patch: Int) {
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    /// Parses `x.y.z` (a leading `v` and a `-pre`/`+build` suffix are ignored).
    public init?(parsing text: String) {
        var core = Substring(text)
        if core.hasPrefix("v") { core = core.dropFirst() }
        if let cut = core.firstIndex(where: { $0 == "-" || $0 == "+" }) { core = core[..<cut] }
        let parts = core.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let a = Int(parts[0]), let b = Int(parts[1]), let c = Int(parts[2]),
              a >= 0, b >= 0, c >= 0 else { return nil }
        self.init(a, b, c)
    }

    public var description: String { "\(major).\(minor).\(patch)" }

    public static func < (lhs: SemanticVersion, rhs: SemanticVersion) -> Bool {
        (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
    }
}
