import TollgateRules

/// One rule match, with what Falco's JSON output carries plus the runtime detail reports show.
public struct ReportFinding: Sendable, Equatable {
    /// The rule's name.
    public var rule: String
    public var priority: Priority
    /// The rule's rendered `output` (without Falco's `time: Priority ` prefix).
    public var output: String
    /// The fields of the rule's output, in output order.
    public var outputFields: [ReportField]
    public var tags: [String]
    /// When the event happened, nanoseconds since the epoch.
    public var time: UInt64
    /// The rule's event source (`syscall`).
    public var source: String
    public var hostname: String

    /// The processes from the job's root down to the one that acted, e.g. `make`, `sh`, `curl`.
    public var processChain: [ProcessLink]
    /// The acting process.
    public var pid: Int32?
    public var exe: String?
    public var cmdline: String?
    /// The event type (`openat`, `connect`, `execve`).
    public var syscall: String?
    /// The file path or network address the event was about.
    public var target: String?
    /// `container.id` (`host` outside a container).
    public var containerID: String?
    /// What the gate did about it beyond reporting (`--deny-on`, `--kill-on`); nil: nothing.
    public var action: FindingAction?
    /// The backend saw no result of the call (seccomp) and the rule reads it: it was taken for
    /// a success, so the call may have failed.
    public var resultAssumed = false

    /// What reports add to the finding's line when `resultAssumed`.
    public static let resultAssumedNote = "result unknown, taken for a success"

    public init(
        rule: String,
        priority: Priority,
        output: String,
        outputFields: [ReportField] = [],
        tags: [String] = [],
        time: UInt64,
        source: String = "syscall",
        hostname: String,
        processChain: [ProcessLink] = [],
        pid: Int32? = nil,
        exe: String? = nil,
        cmdline: String? = nil,
        syscall: String? = nil,
        target: String? = nil,
        containerID: String? = nil,
        action: FindingAction? = nil
    ) {
        self.rule = rule
        self.priority = priority
        self.output = output
        self.outputFields = outputFields
        self.tags = tags
        self.time = time
        self.source = source
        self.hostname = hostname
        self.processChain = processChain
        self.pid = pid
        self.exe = exe
        self.cmdline = cmdline
        self.syscall = syscall
        self.target = target
        self.containerID = containerID
        self.action = action
    }

    /// `make -> sh -> curl`, or nil when the chain is unknown.
    public var processChainText: String? {
        processChain.isEmpty ? nil : processChain.map(\.name).joined(separator: " -> ")
    }
}

/// One `%field` of a rule's output and its value.
public struct ReportField: Sendable, Equatable {
    public var name: String
    public var value: ReportFieldValue

    public init(_ name: String, _ value: ReportFieldValue) {
        self.name = name
        self.value = value
    }
}

/// A field value as Falco's JSON output types it: numbers stay numbers, unknown is null.
public enum ReportFieldValue: Sendable, Equatable {
    case string(String)
    case integer(Int64)
    case bool(Bool)
    /// Unknown (`<NA>` in text).
    case unknown

    /// The value as the text output prints it.
    public var text: String {
        switch self {
        case .string(let value): return value
        case .integer(let value): return String(value)
        case .bool(let value): return value ? "true" : "false"
        case .unknown: return "<NA>"
        }
    }
}

/// One process of a finding's ancestry.
public struct ProcessLink: Sendable, Equatable {
    /// `proc.name`.
    public var name: String
    public var pid: Int32?

    public init(name: String, pid: Int32? = nil) {
        self.name = name
        self.pid = pid
    }
}

/// What the gate did about a finding beyond reporting it.
public enum FindingAction: String, Sendable, Equatable {
    /// The call was refused before it ran (`--deny-on`); the job went on.
    case denied
    /// The gate killed the whole job on it (`--kill-on`).
    case killedJob = "killed the job"
}
