/// The ptrace backend: the job runs under a seccomp filter that returns `SECCOMP_RET_TRACE`
/// for the syscalls wanted and allows the rest, traced by a monitor process that follows each
/// stopped call to its exit when a rule or the decoder's state needs its result (the others
/// are recorded at entry, without one). Arguments, results, payloads; no privileges.
public final class PtraceBackend: CaptureBackend {
    public let kind = BackendKind.ptrace
    private let monitorRun: MonitorRun

    static let blindSpots = [
        "syscalls outside the rules' and state tracking's set are not stopped (the filter allows them)",
        CaptureCoverage.gateEntryKilled,
        "the job cannot ptrace its own processes (they are traced already); use --backend seccomp for debuggers",
        "proc.is_exe_upper_layer and proc.is_exe_lower_layer are unknown for an image on overlayfs (/proc does not tell the layer)",
    ] + CaptureCoverage.everyBackendBlindSpots

    /// Checks for real that this process may trace a child under a `SECCOMP_RET_TRACE` filter
    /// and read its memory, and prepares the filter for `syscallNames`, following
    /// `exitSyscallNames` (nil: all) to their exit: each costs one more stop. When no way of
    /// reading works, it refuses to start if `memoryRequired`, else starts blind to payloads.
    public init(syscallNames: Set<String>, exitSyscallNames: Set<String>? = nil,
                memoryRequired: Bool = true) throws(CaptureStartError) {
        monitorRun = try .prepared(.ptrace, syscallNames: syscallNames, exitSyscallNames: exitSyscallNames,
                                   blindSpots: Self.blindSpots, memoryRequired: memoryRequired)
    }

    /// How it reads the job's memory, when not by `process_vm_readv`.
    public var mechanism: String? { monitorRun.mechanism }
    /// The monitor states its way of reading memory only when it is not the usual one.
    public var degradation: String? { monitorRun.mechanism }

    public func run(_ job: JobSpec, grace: GracePeriod, sink: CaptureSink) throws -> CaptureResult {
        try monitorRun.run(job, grace: grace, sink: sink)
    }
}
