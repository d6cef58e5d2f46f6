import CTollgate
import TollgateEvents

/// The floor of the ptrace or seccomp backend: the job runs under the monitor with the filter a
/// capture of `syscallNames` would install, and every stop or notification is let go at once,
/// nothing read and no syscall recorded. What a benchmark compares against to learn what the
/// stops alone cost this machine, as `FloorProbe` does for the eBPF hooks.
package struct MonitorFloor {
    private let monitorRun: MonitorRun

    package init(_ backend: BackendKind, syscallNames: Set<String>) throws(CaptureStartError) {
        guard backend != .ebpf else { throw CaptureStartError(backend: backend, message: "the eBPF floor is FloorProbe") }
        let prepared = try MonitorRun.prepared(backend, syscallNames: syscallNames, exitSyscallNames: [], blindSpots: [],
                                               memoryRequired: false)
        monitorRun = MonitorRun(mode: backend == .seccomp ? TG_MONITOR_SECCOMP_FLOOR : TG_MONITOR_PTRACE_FLOOR,
                                backend: backend, config: prepared.config, exitSyscalls: prepared.exitSyscalls,
                                blindSpots: [])
    }

    /// Runs `job` to the end of its tree; returns what happened to it.
    package func run(_ job: JobSpec) throws -> CaptureResult {
        try monitorRun.run(job, grace: GracePeriod(seconds: 10), sink: DiscardingSink())
    }
}

/// Takes the few records a floor still sends (fork, exec, exit) and keeps none.
private final class DiscardingSink: CaptureSink {
    func jobStarted(pid: Int32, job: JobSpec, timestamp: UInt64) {}
    func receive(_ event: RawEvent) {}
}
