import TollgateEvents

/// A loaded, compiled rule.
public struct CompiledRule: Sendable {
    public var name: String
    public var description: String
    public var priority: Priority
    /// Sorted.
    public var tags: [String]
    public var source: String
    public var enabled: Bool
    /// Where the rule was (first) defined.
    public var location: SourceLocation
    /// The event types the condition can match, sorted; nil when it can match any type.
    public var eventTypes: [String]?
    /// The condition after lists, macros and exceptions, in libs' canonical form.
    public var condition: String
    /// The output template.
    public var outputTemplate: String
    /// Fields the rule reads that the event source does not record (always `<NA>`): a rule
    /// that needs one in its condition may never fire on tollgate.
    public var uncapturedFields: [String]
    /// Fields the condition cannot do without that need the syscall's exit (its return
    /// value, memory the kernel writes; see `ExitDataProbe`), sorted: a backend that sees
    /// syscalls at entry only (seccomp) cannot evaluate the rule.
    public var exitDataFields: [String] = []

    /// Event types whose own exit (return value, memory the kernel writes) the condition or
    /// the output reads: a tracer must follow these calls to their exit.
    package var ownExitTypes: Set<EventType> = []
    /// Event types whose failed calls (an error returned) the condition can match; nil: any
    /// type's. A capture may leave out the failed calls of the other types.
    package var failureTypes: Set<EventType>?

    package var predicate: EventPredicate
    /// The condition after lists, macros and exceptions, as a tree.
    package var conditionTree: ConditionNode?
    /// The condition reads the call's result (`evt.failed` or a `UnknownResult` field).
    package var readsResult = false
    package var output: CompiledOutput
    package var eventTypeIDs: [EventType]?
    /// `predicate` specialized to each of `eventTypeIDs` (where specializing changed it).
    package var specialized: [SpecializedPredicate] = []

    /// What the eBPF capture program can decide of the condition itself, at a successful
    /// open's exit (`KernelOpenCompiler`); nil when nothing.
    public var kernelOpenCondition: KernelOpenCondition? {
        conditionTree.flatMap(KernelOpenCompiler.condition)
    }

    /// The condition to evaluate for events of `type`: specialized where that changed it.
    package func condition(for type: EventType) -> SpecializedPredicate {
        specialized.first { $0.type == type } ?? SpecializedPredicate(type: type, predicate: predicate, never: false)
    }
}

/// A rule's condition compiled for one event type, with what the type decides folded away.
package struct SpecializedPredicate: Sendable {
    package var type: EventType
    package var predicate: EventPredicate
    /// The condition can never match this type (folded to false).
    package var never: Bool
    /// The predicate as its first conjunct and the rest, when it has more than one: the
    /// engine tests a conjunct shared by several rules once for all of them.
    package var split: SplitPredicate?
}

/// A predicate as `first && rest`, with the canonical form of `first` to match it by.
package struct SplitPredicate: Sendable {
    package var firstKey: String
    package var first: EventPredicate
    package var rest: EventPredicate
}

/// The result of loading rules files: the compiled rules in definition order.
public struct RuleSet: Sendable {
    public var rules: [CompiledRule]
    /// The highest `required_engine_version` the files declared.
    public var requiredEngineVersion: SemanticVersion?
    /// `required_plugin_versions` entries, by plugin name (not enforced: tollgate loads no plugins).
    public var requiredPlugins: [String: String]
    /// Rules a later item disabled or lowered in priority.
    public var weakenings: [RuleWeakening]

    public init(rules: [CompiledRule], requiredEngineVersion: SemanticVersion? = nil, requiredPlugins: [String: String] = [:],
                weakenings: [RuleWeakening] = []) {
        self.rules = rules
        self.requiredEngineVersion = requiredEngineVersion
        self.requiredPlugins = requiredPlugins
        self.weakenings = weakenings
    }
}

/// A rule that an override, a standalone `enabled` or a redefinition made weaker than its first
/// definition: disabled, or a lower priority.
public struct RuleWeakening: Sendable, Equatable {
    public var rule: String
    /// `disabled`, or `priority lowered from ERROR to NOTICE`.
    public var change: String
    /// The item that made the change (the last one, when several did).
    public var location: SourceLocation

    public init(rule: String, change: String, location: SourceLocation) {
        self.rule = rule
        self.change = change
        self.location = location
    }
}
