import TollgateRules

/// A loaded rule as reports describe it.
public struct RuleDescriptor: Sendable, Equatable {
    /// The rule's name, unique in a ruleset (`- rule:`). Reports use it verbatim as the id.
    public var name: String
    /// `desc`.
    public var description: String
    public var priority: Priority
    public var tags: [String]
    /// The rules file that defined it and the line of its `- rule:` item, when known.
    public var sourceFile: String?
    public var sourceLine: Int?
    public var enabled: Bool

    public init(
        name: String,
        description: String,
        priority: Priority,
        tags: [String] = [],
        sourceFile: String? = nil,
        sourceLine: Int? = nil,
        enabled: Bool = true
    ) {
        self.name = name
        self.description = description
        self.priority = priority
        self.tags = tags
        self.sourceFile = sourceFile
        self.sourceLine = sourceLine
        self.enabled = enabled
    }
}
