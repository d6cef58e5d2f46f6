/// A condition on a successful open that the eBPF capture program decides itself, at the
/// call's exit, with `--kill-on`: when it holds, the program kills the caller before the call
/// returns to user space (`tg_kill_table` in `tollgate_capture_config.h`).
///
/// It is made of clauses; one that holds is enough. Each names the open calls it applies to,
/// facts of the open's flags that must be set or clear, and tests that must pass or fail. A
/// test passes when one of its patterns matches its subject.
public struct KernelOpenCondition: Sendable, Hashable {
    /// The open calls the program decides at, by Falco's event type names.
    public static let calls: [String] = ["open", "openat", "openat2", "creat", "open_by_handle_at"]

    /// What a pattern is matched against.
    public enum Subject: UInt8, Sendable, Hashable {
        /// `fd.name`: the file opened.
        case name = 0
        /// `fd.directory`.
        case directory = 1
        /// `fd.filename`.
        case filename = 2
        /// `proc.exepath`: the caller's executable.
        case executable = 3
    }

    /// Matches a subject that starts with `prefix`, ends with `suffix`, and is at least as long
    /// as both (exactly as long when `exact`).
    public struct Pattern: Sendable, Hashable {
        public var prefix: [UInt8]
        public var suffix: [UInt8]
        public var exact: Bool

        public init(prefix: [UInt8] = [], suffix: [UInt8] = [], exact: Bool = false) {
            self.prefix = prefix
            self.suffix = suffix
            self.exact = exact
        }

        /// `value` itself.
        public static func equal(_ value: [UInt8]) -> Pattern { Pattern(prefix: value, exact: true) }
    }

    /// Passes when one of `patterns` matches `subject`.
    public struct Test: Sendable, Hashable {
        public var subject: Subject
        public var patterns: [Pattern]

        public init(subject: Subject, patterns: [Pattern]) {
            self.subject = subject
            self.patterns = patterns
        }
    }

    /// Facts of an open's flags.
    public struct Facts: OptionSet, Sendable, Hashable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// `evt.is_open_read`.
        public static let read = Facts(rawValue: 1 << 0)
        /// `evt.is_open_write`.
        public static let write = Facts(rawValue: 1 << 1)
        /// `fd.typechar` is `d` (else `f`).
        public static let directory = Facts(rawValue: 1 << 2)
    }

    public struct Clause: Sendable, Hashable {
        /// Of `KernelOpenCondition.calls`; never empty.
        public var calls: Set<String>
        public var required: Facts
        public var forbidden: Facts
        /// Tests that must pass.
        public var passing: [Test]
        /// Tests that must fail.
        public var failing: [Test]

        public init(calls: Set<String>, required: Facts = [], forbidden: Facts = [], passing: [Test] = [], failing: [Test] = []) {
            self.calls = calls
            self.required = required
            self.forbidden = forbidden
            self.passing = passing
            self.failing = failing
        }
    }

    public var clauses: [Clause]

    public init(clauses: [Clause]) {
        self.clauses = clauses
    }
}
