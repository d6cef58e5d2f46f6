import TollgateEvents

/// A started capture mechanism that can run one job under observation.
public protocol CaptureBackend: AnyObject {
    var kind: BackendKind { get }
    /// Launches `job`, captures its whole process tree into `sink` until every process of it
    /// has exited (killing stragglers after `grace`), and returns what happened and what the
    /// backend could see.
    func run(_ job: JobSpec, grace: GracePeriod, sink: CaptureSink) throws -> CaptureResult
    /// How it hooks in, when the kind does not say it all (eBPF: which syscall tracepoints).
    var mechanism: String? { get }
    /// How this run sees less than the backend can elsewhere (a slower or missing way of reading
    /// the job's memory), for the one line every run starts with; nil when nothing is lost.
    var degradation: String? { get }
}

extension CaptureBackend {
    public var mechanism: String? { nil }
    public var degradation: String? { nil }
}

/// Receives what a backend captures, on the thread that runs the backend, in order.
public protocol CaptureSink: AnyObject {
    /// The job's first process exists (not yet exec'd); seed process state from `job`.
    func jobStarted(pid: Int32, job: JobSpec, timestamp: UInt64)
    /// One captured record.
    func receive(_ event: RawEvent)
    /// The gate's own processes (the gate, its capture monitor), told before `jobStarted`: a
    /// job's open of their `/proc/<pid>` entries is an attempt on the gate.
    func gateStarted(processes: [Int32])
    /// What to enforce on the job, read once before it starts; nil: only watch.
    var enforcement: Enforcement? { get }
    /// A call about to run (`RawEvent.Flags.probe`, never an event): whether it may. Only
    /// calls of `enforcement.probedSyscalls` are asked about, on backends that can refuse.
    func decide(_ probe: RawEvent) -> RecordVerdict
    /// Whether the job must be killed now; asked after every record.
    var killsJob: Bool { get }
}

extension CaptureSink {
    public func gateStarted(processes: [Int32]) {}
    public var enforcement: Enforcement? { nil }
    public func decide(_ probe: RawEvent) -> RecordVerdict { .allow }
    public var killsJob: Bool { false }
}

/// What a sink wants done to the job beyond watching it (`--kill-on`, `--deny-on`), in the
/// backend's terms.
public struct Enforcement: Sendable, Equatable {
    /// Syscalls whose records can lead to killing the job: ptrace and seccomp hold the task
    /// of each such record until the sink has evaluated it (its `killsJob` then says).
    public var holdSyscalls: Set<String>
    /// Syscalls the sink decides on before they run (`decide`: refuse the call, or kill the
    /// job): ptrace and seccomp send each such call as a probe first.
    public var probedSyscalls: Set<String>
    /// The error a refused call returns.
    public var denyErrno: Int32
    /// Rules eBPF's capture program decides itself at an open's exit, killing the caller
    /// there; the first that fit (`KernelKillTable`).
    public var kernelDecided: [KernelDecidedRule]

    public init(holdSyscalls: Set<String>, probedSyscalls: Set<String>, denyErrno: Int32, kernelDecided: [KernelDecidedRule] = []) {
        self.holdSyscalls = holdSyscalls
        self.probedSyscalls = probedSyscalls
        self.denyErrno = denyErrno
        self.kernelDecided = kernelDecided
    }
}

/// What a task held by the backend may do next.
public enum RecordVerdict: Sendable, Equatable {
    /// Go on as it would have.
    case allow
    /// Refuse the call (a probe only): it returns the enforcement's error.
    case deny
    /// Kill every process of the job now.
    case kill
}

/// What a backend could and could not see during a run; reports state it, and a run that
/// saw less than it should must not pass silently.
public struct CaptureCoverage: Sendable, Equatable {
    /// eBPF and ptrace: what killing the opener of the gate's /proc entries leaves open.
    public static let gateEntryKilled = "an open of the gate's /proc/<pid> entries (mem, maps, fd, ...) kills its caller as the call returns, but a process sharing its fd table (clone CLONE_FILES) keeps the fd: a root job can so write the gate's memory and turn its exit status into 0 (every report still carries the CRITICAL finding, on which the GitHub action and GitLab component fail the run with 70); a reopen of the gate's own pipes through /proc/<pid>/fd/N is not stopped"
    /// What no backend sees, stated in every run's coverage beside each backend's own.
    public static let everyBackendBlindSpots = [
        "io_uring submissions are not seen as syscalls",
        "a signal the kernel sends for a file's owner (fcntl F_SETOWN/F_SETSIG, ioctl FIOSETOWN) is not seen: a job can so stop the gate, and the run then never ends (never a pass)",
        "a file opened through an overlay mount is named by its overlay path, not by the layer it lies in: a credential folder a root job makes an overlay layer is not recognized there",
    ]

    public var backend: BackendKind
    /// Records delivered to the sink.
    public var events: UInt64 = 0
    /// Records the kernel lost (ring buffer full).
    public var drops: UInt64 = 0
    /// Records that arrived but could not be parsed.
    public var malformed: UInt64 = 0
    /// Records with a payload that could not be read from the job's memory
    /// (`RawEvent.hasUnreadablePayload`): damage, like drops.
    public var unreadablePayloads: UInt64 = 0
    /// ptrace and seccomp: how the monitor read the job's memory; nil for eBPF.
    public var memoryReads: MemoryReads?
    /// Things this backend does not observe at all, in words.
    public var blindSpots: [String] = []
    /// What the job had run out of the capture's sight (containers an engine ran where the
    /// gate cannot follow them), in words, each also a blind spot: like lost events, they fail
    /// the run unless the user accepts them (`--tolerate-drops`).
    public var unseen: [String] = []
    /// Syscalls the run asked for that this backend could not hook here (named in `blindSpots`).
    public var untracedSyscalls: Set<String> = []
    /// What the job did to the capture itself (stopped or killed the monitor process), in
    /// words: each one fails the run, whatever the flags say.
    public var interference: [String] = []

    public init(backend: BackendKind) {
        self.backend = backend
    }
}

/// How the ptrace or seccomp monitor read the job's memory during a run.
public struct MemoryReads: Sendable, Equatable {
    /// The method its probe chose at the start (`process_vm_readv`, `/proc/<pid>/mem`,
    /// `PTRACE_PEEKDATA`), or nil when none worked.
    public var method: String?
    /// Reads each method served, by method name, in the order they are tried.
    public var reads: [(method: String, count: UInt64)]
    /// Reads no method could serve.
    public var failed: UInt64

    public init(method: String?, reads: [(method: String, count: UInt64)], failed: UInt64) {
        self.method = method
        self.reads = reads
        self.failed = failed
    }

    /// `memory reads: 812 through /proc/<pid>/mem, 2 failed`.
    public var description: String {
        let served = reads.filter { $0.count > 0 }.map { "\($0.count) through \($0.method)" }
        return "memory reads: " + (served + (failed > 0 ? ["\(failed) failed"] : [])).joined(separator: ", ")
    }

    public static func == (lhs: MemoryReads, rhs: MemoryReads) -> Bool {
        lhs.method == rhs.method && lhs.failed == rhs.failed && lhs.reads.elementsEqual(rhs.reads) { $0 == $1 }
    }
}

/// The outcome of a captured run.
public struct CaptureResult: Sendable, Equatable {
    public var outcome: JobOutcome
    public var coverage: CaptureCoverage
}

/// Why a backend could not start; the gate exits 69 with this message.
public struct CaptureStartError: Error, CustomStringConvertible, Sendable {
    public let backend: BackendKind
    public let message: String

    public init(backend: BackendKind, message: String) {
        self.backend = backend
        self.message = message
    }

    public var description: String { "the \(backend.rawValue) backend could not start: \(message)" }
}

/// How long the gate waits for descendants after the main process ended.
public struct GracePeriod: Sendable, Equatable {
    public var seconds: Double

    public init(seconds: Double) {
        self.seconds = seconds
    }
}
