/// What the capture backend saw, missed and could not evaluate during a run.
public struct Coverage: Sendable, Equatable {
    /// Events delivered to the engine.
    public var events: UInt64
    /// Events lost before they reached user space (kernel ring-buffer reserve failures).
    public var drops: UInt64
    /// Records that could not be decoded.
    public var malformed: UInt64
    /// Events with a payload (a path, an address, a command line) that could not be read
    /// from the job's memory: their values are unknown, so they count as damage like drops.
    public var unreadablePayloads: UInt64
    /// Known limits of the backend that do not by themselves make a run untrustworthy
    /// (e.g. `io_uring submissions are not traced by ptrace`).
    public var blindSpots: [String]
    /// Ways this run lost coverage it should have had (e.g. `fell back from ebpf to ptrace`).
    /// Any entry makes the tracer-coverage check an error.
    public var degradations: [String]
    /// Enabled rules the backend cannot evaluate, with why.
    public var notEvaluable: [UnevaluableRule]
    /// Tracing itself failed: the analysis cannot be trusted (SARIF `executionSuccessful: false`).
    public var tracingFailed: Bool

    public init(
        events: UInt64,
        drops: UInt64 = 0,
        malformed: UInt64 = 0,
        unreadablePayloads: UInt64 = 0,
        blindSpots: [String] = [],
        degradations: [String] = [],
        notEvaluable: [UnevaluableRule] = [],
        tracingFailed: Bool = false
    ) {
        self.events = events
        self.drops = drops
        self.malformed = malformed
        self.unreadablePayloads = unreadablePayloads
        self.blindSpots = blindSpots
        self.degradations = degradations
        self.notEvaluable = notEvaluable
        self.tracingFailed = tracingFailed
    }

    /// True when events were dropped, malformed or unreadable, tracing degraded or failed.
    public var isDegraded: Bool {
        drops > 0 || malformed > 0 || unreadablePayloads > 0 || !degradations.isEmpty || tracingFailed
    }

    /// The sentence every report gives for unreadable payloads.
    public static func unreadablePayloadsProblem(_ count: UInt64) -> String {
        "\(count) events had a payload (a path, an address, a command line) that could not be read from the job's memory: their values are unknown (<NA>) and findings may be missing."
    }

    /// Why `rule` cannot be evaluated on this backend, or nil when it can.
    public func notEvaluableReason(for rule: String) -> String? {
        notEvaluable.first { $0.rule == rule }?.reason
    }

    /// One sentence per problem that makes the run degraded, for every report.
    var problems: [String] {
        var lines: [String] = []
        if tracingFailed { lines.append("Tracing failed: findings cannot be trusted.") }
        if drops > 0 { lines.append("\(drops) events were dropped: findings may be missing.") }
        if malformed > 0 { lines.append("\(malformed) records could not be decoded.") }
        if unreadablePayloads > 0 { lines.append(Self.unreadablePayloadsProblem(unreadablePayloads)) }
        lines += degradations
        return lines
    }
}

/// A rule the active backend cannot evaluate, and why.
public struct UnevaluableRule: Sendable, Equatable {
    public var rule: String
    public var reason: String

    public init(rule: String, reason: String) {
        self.rule = rule
        self.reason = reason
    }
}
