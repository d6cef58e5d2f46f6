/// The seccomp backend: the job runs under a user-notification filter for the syscalls wanted
/// (plus clone/fork/exec/exit, to learn the tree); a monitor process reads each call's
/// arguments and memory, then lets it continue. No ptrace, so jobs may debug or trace their own
/// processes; the price is what it cannot see (`blindSpots`).
public final class SeccompBackend: CaptureBackend {
    public let kind = BackendKind.seccomp
    private let monitorRun: MonitorRun

    static let blindSpots = [
        "return values: a notified call is seen before it runs, so failed and successful calls look alike",
        "file descriptors allocated by a call (open, socket, accept, dup, pipe) are unknown, so later fd.* fields are too",
        "memory the kernel writes (accept's peer address, pipe's fds) is not read",
        "arguments are read at syscall entry; the job could change that memory before the kernel reads it",
        "fd.name of an open is resolved by the monitor at entry (symlinks, /proc/<pid>/root, cwd and dirfd); the job could swap a symlink or mount between that lookup and the kernel's (also for the opens of the gate's /proc/<pid> entries it refuses; a reopen of the gate's own pipes through /proc/<pid>/fd/N is not refused)",
        "exec records are derived when exec is called (path, argv, env from memory, if the target is an executable file)",
        "an exec's event shows the credentials from before it (user.*, group.*, thread.cap_*: a set-user-ID or file-capability program's are known from its next call on, so rules that need thread.cap_* on an exec are not evaluable), and the image the monitor found at the path (proc.exe_ino*); proc.is_exe_writable is unknown",
        "a set*id, capset, unshare or setns call's new credentials are known from the caller's next notified call on",
        "proc.is_exe_upper_layer and proc.is_exe_lower_layer are unknown for an image on overlayfs (/proc does not tell the layer)",
        "exits of processes killed by a signal are seen only when the monitor is their parent",
        "syscalls outside the rules' and state tracking's set are not notified (the filter allows them)",
        "a notified call that a signal with a handler interrupts before the monitor has received it fails with EINTR without having run (a shell's close() of a pipe end: its pipeline can hang); the monitor receives waiting notifications early to keep this rare",
    ] + CaptureCoverage.everyBackendBlindSpots

    /// Checks for real that a child can hand this process a user-notification listener whose
    /// memory it can read, and prepares the filter for `syscallNames`. When no way of reading
    /// works, it refuses to start if `memoryRequired`, else starts blind to payloads (every one
    /// of them then fails the run, see `CaptureCoverage.unreadablePayloads`).
    public init(syscallNames: Set<String>, memoryRequired: Bool = true) throws(CaptureStartError) {
        monitorRun = try .prepared(.seccomp, syscallNames: syscallNames, blindSpots: Self.blindSpots,
                                   memoryRequired: memoryRequired)
    }

    /// How it reads the job's memory, when not by `process_vm_readv`.
    public var mechanism: String? { monitorRun.mechanism }
    /// The monitor states its way of reading memory only when it is not the usual one.
    public var degradation: String? { monitorRun.mechanism }

    public func run(_ job: JobSpec, grace: GracePeriod, sink: CaptureSink) throws -> CaptureResult {
        try monitorRun.run(job, grace: grace, sink: sink)
    }
}
