import CTollgate
import Foundation
import TollgateEvents

/// The eBPF backend: the embedded capture program on the syscall-exit tracepoints (per
/// syscall when they attach, see `EBPFHooks`) and the process fork/exec/exit tracepoints,
/// filtering in the kernel by process tree and syscall set.
public final class EBPFBackend: CaptureBackend {
    public let kind = BackendKind.ebpf
    private var capture: OpaquePointer?
    private let delivery: RecordDelivery
    /// The syscall hooks in use.
    package let hooks: EBPFHooks
    /// The kernel leaves out the failed calls of some captured syscalls.
    private let leavesOutFailures: Bool

    /// Loads and attaches the capture program for `syscallNames` (the rules' needs plus what
    /// state tracking needs), of which the kernel ships failed calls only for
    /// `failureSyscallNames` (nil: all), with the syscall hooks `environment` asks for
    /// (`EBPFHooks`). Fails with the kernel's reason, e.g. missing privileges.
    public convenience init(syscallNames: Set<String>, failureSyscallNames: Set<String>? = nil, urgentSyscallNames: Set<String> = [],
                            kernelKills: KernelKillTable? = nil,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws(CaptureStartError) {
        try self.init(program: EBPFProgram(environment: environment), syscallNames: syscallNames,
                      failureSyscallNames: failureSyscallNames, urgentSyscallNames: urgentSyscallNames, kernelKills: kernelKills,
                      environment: environment)
    }

    /// Attaches `program`, loaded ahead, as `init(syscallNames:failureSyscallNames:urgentSyscallNames:environment:)`
    /// says; the backend owns it from here on. The records of `urgentSyscallNames` wake the
    /// reader at once (a finding on them may kill the job); the program kills for itself what
    /// `kernelKills` holds.
    public init(program: EBPFProgram, syscallNames: Set<String>, failureSyscallNames: Set<String>? = nil,
                urgentSyscallNames: Set<String> = [], kernelKills: KernelKillTable? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment) throws(CaptureStartError) {
        guard let loaded = program.take() else {
            throw CaptureStartError(backend: .ebpf, message: "the loaded capture program is already in use")
        }
        let delivery = RecordDelivery()
        self.delivery = delivery
        leavesOutFailures = failureSyscallNames.map { !syscallNames.subtracting($0).isEmpty } ?? false
        do {
            hooks = try EBPFHooks.attach(loaded, syscallNames: syscallNames, failureSyscallNames: failureSyscallNames,
                                         urgentSyscallNames: urgentSyscallNames, kernelKills: kernelKills, handler: RecordDelivery.handler, context: delivery.context, environment: environment)
        } catch {
            tg_capture_close(loaded)
            throw error
        }
        capture = loaded
    }

    public var mechanism: String? { "syscalls through \(hooks.description)" }

    deinit {
        tg_capture_close(capture)
    }

    /// Makes the program follow the processes of the cgroup2 folder `cgroup` as the job's.
    private func follow(_ cgroup: String?) throws(CaptureStartError) {
        guard let cgroup else { return }
        let fd = open(cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            throw CaptureStartError(backend: .ebpf, message: "opening the run's cgroup '\(cgroup)': \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        let followed = tg_capture_follow_cgroup(capture, fd)
        guard followed == 0 else {
            throw CaptureStartError(backend: .ebpf, message: "following the run's cgroup: \(String(cString: strerror(-followed)))")
        }
    }

    public func run(_ job: JobSpec, grace: GracePeriod, sink: CaptureSink) throws -> CaptureResult {
        guard capture != nil else {
            throw CaptureStartError(backend: .ebpf, message: "the capture already ran a job")
        }
        // One job a backend: its end detaches the hooks and frees the ring at once, so the
        // machine stops paying for them while the gate writes its reports.
        defer {
            tg_capture_close(capture)
            capture = nil
        }
        let supervisor = try ProcessSupervisor(grace: grace)
        delivery.sink = sink
        defer { delivery.sink = nil }

        try follow(job.followedCgroup)
        let launch = try JobLauncher.prepare(job)
        let tracked = tg_capture_track(capture, launch.pid)
        guard tracked == 0 else {
            JobLauncher.abort(launch)
            throw CaptureStartError(backend: .ebpf, message: "tracking the job's process: \(String(cString: strerror(-tracked)))")
        }
        supervisor.watchMain(launch.pid)
        let tree = JobTree(mainPid: launch.pid)
        delivery.tree = tree
        // The kernel cannot refuse calls here: a sink that kills is served from user space.
        let enforcing = sink.enforcement != nil
        delivery.respond = { verdict in
            if verdict == .kill { supervisor.killJob(tree) }
        }
        defer {
            delivery.tree = nil
            delivery.respond = nil
        }
        sink.gateStarted(processes: [getpid()])
        sink.jobStarted(pid: launch.pid, job: job, timestamp: BootClock.now())
        let execFailure = JobLauncher.release(launch, job: job)

        // Records do not wake this loop one by one; the supervisor's descriptors wake it when
        // the main process ends or the gate is cancelled, the 20 ms tick for the rest.
        // The records a kill may follow wake this loop at once (`urgentSyscallNames`); the
        // others wait for the tick, shorter when the sink may kill.
        let tick: Int32 = enforcing ? 2 : 20
        while true {
            _ = supervisor.wakeDescriptors.withUnsafeBufferPointer {
                tg_capture_poll(capture, tick, $0.baseAddress, Int32($0.count))
            }
            if supervisor.step(tree) { break }
        }
        // Everything has exited; what the kernel produced is in the ring already.
        while tg_capture_poll(capture, 0, nil, 0) > 0 {}

        var coverage = CaptureCoverage(backend: .ebpf)
        coverage.events = delivery.events
        coverage.malformed = delivery.malformed
        coverage.unreadablePayloads = delivery.unreadablePayloads
        let compatSyscalls = tg_capture_compat_syscalls(capture)
        coverage.drops = tg_capture_drops(capture) + compatSyscalls
        coverage.blindSpots = [
            compatSyscalls > 0 ? "the job made \(compatSyscalls) 32-bit syscalls (int 0x80), which the capture cannot decode: counted as lost" : nil,
            "syscalls outside the rules' and state tracking's set are filtered out in the kernel",
            leavesOutFailures ? "failed calls that no rule can match and that change no state are filtered out in the kernel" : nil,
            CaptureCoverage.gateEntryKilled,
            hooks.blindSpot,
        ].compactMap { $0 } + CaptureCoverage.everyBackendBlindSpots
        coverage.untracedSyscalls = Set(hooks.untraced)
        var outcome = supervisor.outcome(mainPid: launch.pid)
        outcome.execFailure = execFailure
        return CaptureResult(outcome: outcome, coverage: coverage)
    }
}

/// Nanoseconds of CLOCK_BOOTTIME, the clock capture records carry.
public enum BootClock {
    public static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_BOOTTIME, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    /// Add to a boot-clock timestamp to get nanoseconds since the Unix epoch.
    public static func wallClockOffset() -> Int64 {
        var wall = timespec()
        clock_gettime(CLOCK_REALTIME, &wall)
        let wallNanoseconds = Int64(wall.tv_sec) * 1_000_000_000 + Int64(wall.tv_nsec)
        return wallNanoseconds - Int64(now())
    }
}
