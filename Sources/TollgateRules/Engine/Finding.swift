import TollgateEvents

/// One `%field` of a finding's output and its value (nil when unknown, shown as `<NA>`).
public struct OutputField: Sendable, Hashable, Codable {
    public var name: String
    public var value: String?

    public init(name: String, value: String?) {
        self.name = name
        self.value = value
    }
}

/// A rule that matched an event.
public struct Finding: Sendable, Hashable {
    /// The rule's name.
    public var rule: String
    public var priority: Priority
    /// The rule's output with every `%field` rendered (`<NA>` for unknown values).
    public var output: String
    /// The output's fields and their values, in order of appearance.
    public var outputFields: [OutputField]
    public var tags: [String]
    /// The event source (`syscall`).
    public var source: String
    /// Event time, nanoseconds since the epoch.
    public var time: UInt64
    /// Where the rule is defined (reports anchor findings there when no CI line is known).
    public var ruleLocation: SourceLocation
    /// `evt.num` and `evt.type` of the matching event.
    public var eventNumber: UInt64
    public var eventType: String
    /// The process that caused the event.
    public var pid: Int32
    /// The backend saw no result of the call (seccomp) and the rule reads it: the result was
    /// taken for a success (`UnknownResult`), so the call may have failed.
    public var resultAssumed = false
}
