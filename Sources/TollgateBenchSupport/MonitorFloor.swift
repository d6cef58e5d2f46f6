import CTollgate
import CTollgateBench
import Glibc
import TollgateCapture

/// The floor of the ptrace or seccomp backend (`tollgate_floor.h`): the job runs with the filter
/// a capture of `syscallNames` would have it install, under a bare tracer or notifier that lets
/// every stop or notification go at once, nothing read and no syscall recorded. What a
/// benchmark compares against to learn what the mechanism alone costs this machine, as
/// `FloorProbe` does for the eBPF hooks.
package struct MonitorFloor {
    private let mode: tg_monitor_mode
    private let config: tg_capture_config

    /// What the floor saw of a run.
    package struct Run {
        package var outcome: JobOutcome
        /// ptrace stops or seccomp notifications let go.
        package var stops: UInt64
    }

    /// Checks that `backend` works here with the probe a run starts with (`tollgate doctor`'s),
    /// so that a floor, like a run, exits 69 where the backend cannot start.
    package init(_ backend: BackendKind, syscallNames: Set<String>) throws(CaptureStartError) {
        guard backend != .ebpf else { throw CaptureStartError(backend: backend, message: "the eBPF floor is FloorProbe") }
        var probe = tg_probe_result()
        backend == .seccomp ? tg_probe_seccomp_notify(&probe) : tg_probe_ptrace(&probe)
        guard probe.error == 0 else {
            throw CaptureStartError(backend: backend, message: withUnsafeBytes(of: probe.message) { Self.text($0) })
        }
        mode = backend == .seccomp ? TG_MONITOR_SECCOMP : TG_MONITOR_PTRACE
        config = BPFCaptureConfig.make(syscallNames: syscallNames)
    }

    /// Runs `job` to the end of its tree.
    package func run(_ job: JobSpec) throws(CaptureStartError) -> Run {
        var config = config
        var result = tg_floor_result()
        var message = [CChar](repeating: 0, count: 256)
        let status = job.withCArrays { argv, envp in
            tg_floor_run(mode, argv[0], argv, envp, &config, &result, &message, message.count)
        }
        let backend: BackendKind = mode == TG_MONITOR_SECCOMP ? .seccomp : .ptrace
        guard status == 0 else { throw CaptureStartError(backend: backend, message: message.withUnsafeBytes { Self.text($0) }) }
        let failure = result.exec_errno != 0 ? ExecFailure(file: job.command.first ?? "", errno: result.exec_errno) : nil
        return Run(outcome: JobOutcome(pid: result.pid, termination: Termination(waitStatus: result.status), execFailure: failure),
                   stops: result.stops)
    }

    private static func text(_ bytes: UnsafeRawBufferPointer) -> String {
        String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }
}
