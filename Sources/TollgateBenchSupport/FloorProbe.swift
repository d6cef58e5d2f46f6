import CTollgate
import Glibc
import TollgateCapture

/// tollgate's tracepoints with empty programs attached, the syscall-exit one in the same hook
/// mode a capture of `syscallNames` would use: what a benchmark compares against to learn the
/// cost this machine charges for merely enabling the hooks.
package final class FloorProbe {
    private let attached: OpaquePointer
    package let hooks: EBPFHooks

    package init(syscallNames: Set<String>) throws(CaptureStartError) {
        (attached, hooks) = try EBPFHooks.open(FloorBPF.object, config: nil, syscallNames: syscallNames,
                                               handler: nil, context: nil)
    }

    /// Runs `job` while the hooks are attached, launched as the eBPF backend launches one
    /// (`JobLauncher`), and waits for its first process in `waitpid` itself: a run loop's
    /// child-exit notice came up to ~50 ms late and counted as the floor's own cost.
    package func run(_ job: JobSpec) throws -> JobOutcome {
        let launch = try JobLauncher.prepare(job)
        let execFailure = JobLauncher.release(launch, job: job)
        var status: Int32 = 0
        while waitpid(launch.pid, &status, 0) < 0 && errno == EINTR {}
        return JobOutcome(pid: launch.pid, termination: Termination(waitStatus: status), execFailure: execFailure)
    }

    deinit {
        tg_capture_close(attached)
    }
}
