import CTollgate
import Foundation
import TollgateEvents

/// Runs one job under the monitor process shared by the ptrace and seccomp backends
/// (`tollgate_ptrace.h`): the monitor launches, observes, reaps and, after the grace period,
/// kills the job's tree, and streams `struct tg_record`s that are parsed here with the same
/// `RawRecordParser` as the eBPF backend's.
struct MonitorRun {
    let mode: tg_monitor_mode
    let backend: BackendKind
    let config: tg_capture_config
    /// ptrace: bitmap of the syscalls followed to their exit; nil follows every one.
    let exitSyscalls: [UInt64]?
    /// What this backend never sees, for `CaptureCoverage.blindSpots`.
    let blindSpots: [String]
    /// How the probe found the job's memory readable, when not by `process_vm_readv`.
    var mechanism: String? = nil

    func run(_ job: JobSpec, grace: GracePeriod, sink: CaptureSink) throws -> CaptureResult {
        guard let file = job.command.first else {
            throw CaptureStartError(backend: backend, message: "no command to run")
        }
        let supervisor = try ProcessSupervisor(grace: grace)
        var config = config
        var message = [CChar](repeating: 0, count: 256)
        let started = job.withCArrays { argv, envp in
            withExitBitmap { exits in
                Self.withVerdictConfig(sink.enforcement) { verdicts in
                    tg_monitor_start(mode, argv[0], argv, envp, &config, exits, verdicts, grace.seconds, &message, message.count)
                }
            }
        }
        guard let monitor = started else {
            throw CaptureStartError(backend: backend, message: String(decoding: message.prefix { $0 != 0 }.map(UInt8.init(bitPattern:)), as: UTF8.self))
        }
        defer { tg_monitor_close(monitor) }
        let summary = { tg_monitor_summary(monitor).pointee }
        let pid = summary().job_pid
        let delivery = RecordDelivery()
        delivery.sink = sink
        delivery.respond = { verdict in
            _ = tg_monitor_answer(monitor, verdict.controlByte)
        }
        delivery.argumentsReadAtEntry = mode == TG_MONITOR_SECCOMP
        let tree = JobTree(mainPid: pid)
        delivery.tree = tree
        sink.gateStarted(processes: [getpid(), summary().monitor_pid])
        sink.jobStarted(pid: pid, job: job, timestamp: BootClock.now())
        _ = tg_monitor_release(monitor)

        let context = delivery.context
        var cancelSent = false
        while summary().finished == 0 {
            let polled = tg_monitor_poll(monitor, 20, RecordDelivery.handler, context)
            // A monitor the job stopped sends nothing: noticed here within a tick and resumed.
            tg_monitor_watch(monitor)
            if polled < 0 { break }
            let cancelled = supervisor.forwardSignals(to: pid, mainRunning: summary().main_ended == 0)
            if cancelled, !cancelSent {
                tg_monitor_cancel(monitor)
                cancelSent = true
            }
        }
        var final = summary()
        let error = cString(final.error)
        if final.main_ended == 0, !error.isEmpty {
            throw CaptureStartError(backend: backend, message: error)
        }
        var orphansKilled: [Int32] = []
        if final.done == 0 {
            // The stream ended without the monitor's last word: it died (the job may have
            // killed it). It is reapable by now; what it left of the job is the gate's to end.
            for _ in 0..<50 {
                tg_monitor_watch(monitor)
                if summary().monitor_reaped != 0 { break }
                usleep(20_000)
            }
            orphansKilled = MonitorInterference.endOrphans(of: tree)
            final = summary()
        }
        var coverage = CaptureCoverage(backend: backend)
        coverage.events = delivery.events
        coverage.malformed = delivery.malformed
        coverage.unreadablePayloads = delivery.unreadablePayloads
        coverage.blindSpots = blindSpots
        coverage.interference = MonitorInterference.describe(final, orphansKilled: orphansKilled)
        coverage.memoryReads = MemoryReads(final.reads)
        if final.interruptible_waits != 0 {
            coverage.blindSpots.append("this kernel lets a signal interrupt a notified call (no SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, Linux 5.19+): a job's call can fail with EINTR without having run")
        }
        if final.no_new_privs != 0 {
            coverage.blindSpots.append("the job ran with no_new_privs (an unprivileged filter needs it): setuid programs do not gain privileges")
        }
        let killed = withUnsafeBytes(of: final.killed) { Array($0.bindMemory(to: pid_t.self).prefix(Int(min(final.killed_count, UInt64(TG_MONITOR_KILLED_MAX))))) }
        let termination = final.main_ended != 0 ? Termination(waitStatus: final.main_status) : .signaled(SIGKILL)
        let outcome = JobOutcome(pid: pid, termination: termination, killedDescendants: killed,
                                 forwardedSignals: supervisor.forwardedSignals,
                                 execFailure: final.exec_errno != 0 ? ExecFailure(file: file, errno: final.exec_errno) : nil)
        return CaptureResult(outcome: outcome, coverage: coverage)
    }

}

extension MemoryReads {
    /// The monitor's own account (`struct tg_memory_reads`).
    init(_ stats: tg_memory_reads) {
        let counts = withUnsafeBytes(of: stats.reads) { Array($0.bindMemory(to: UInt64.self).prefix(Int(TG_READ_METHODS.rawValue))) }
        self.init(method: stats.method == TG_READ_NONE.rawValue ? nil : String(cString: tg_read_method_name(stats.method)),
                  reads: counts.enumerated().map { (String(cString: tg_read_method_name(Int32($0.offset))), $0.element) },
                  failed: stats.failed)
    }
}

extension RecordVerdict {
    /// The monitor's byte for it (`tollgate_ptrace.h`).
    var controlByte: CChar {
        switch self {
        case .allow: CChar(TG_VERDICT_ALLOW)
        case .deny: CChar(TG_VERDICT_DENY)
        case .kill: CChar(TG_VERDICT_KILL)
        }
    }
}

extension MonitorRun {
    /// Calls `body` with the monitor's form of what the sink enforces (nil: nothing).
    private static func withVerdictConfig<Result>(_ enforcement: Enforcement?,
                                                  _ body: (UnsafePointer<tg_verdict_config>?) -> Result) -> Result {
        guard let enforcement else { return body(nil) }
        var config = tg_verdict_config()
        BPFCaptureConfig.store(BPFCaptureConfig.bitmap(syscallNames: enforcement.holdSyscalls), into: &config.hold_syscalls)
        BPFCaptureConfig.store(BPFCaptureConfig.bitmap(syscallNames: enforcement.probedSyscalls), into: &config.deny_syscalls)
        config.deny_errno = enforcement.denyErrno
        return withUnsafePointer(to: &config) { body($0) }
    }

    private func withExitBitmap<Result>(_ body: (UnsafePointer<UInt64>?) -> Result) -> Result {
        guard let exitSyscalls else { return body(nil) }
        return exitSyscalls.withUnsafeBufferPointer { body($0.baseAddress) }
    }

    /// Checks for real that `backend` (ptrace or seccomp) works here and can read a child's
    /// memory, with the probe of `tollgate doctor`, and prepares its filter for `syscallNames`;
    /// ptrace follows only `exitSyscallNames` (nil: all) to their exit. Without a way of
    /// reading memory it refuses to start when `memoryRequired` (`auto`), else starts blind.
    static func prepared(_ backend: BackendKind, syscallNames: Set<String>, exitSyscallNames: Set<String>? = nil,
                         blindSpots: [String], memoryRequired: Bool) throws(CaptureStartError) -> MonitorRun {
        var probe = tg_probe_result()
        backend == .seccomp ? tg_probe_seccomp_notify(&probe) : tg_probe_ptrace(&probe)
        guard probe.error == 0 else { throw CaptureStartError(backend: backend, message: cString(probe.message)) }
        var blindSpots = blindSpots
        var mechanism: String?
        if let memory = MachineProbe.memoryCheck(probe) {
            if !memory.ok {
                let why = "no way of reading the job's memory works here: \(memory.detail)"
                if memoryRequired { throw CaptureStartError(backend: backend, message: why) }
                blindSpots.append(why + "; paths, addresses and command lines are unknown")
                mechanism = "memory reads: \(memory.detail)"
            } else if memory.detail != String(cString: tg_read_method_name(TG_READ_VM.rawValue)) {
                mechanism = "memory reads through \(memory.detail)"
            }
        }
        var run = MonitorRun(mode: backend == .seccomp ? TG_MONITOR_SECCOMP : TG_MONITOR_PTRACE, backend: backend,
                             config: BPFCaptureConfig.make(syscallNames: syscallNames),
                             exitSyscalls: exitSyscallNames.map { BPFCaptureConfig.bitmap(syscallNames: $0) },
                             blindSpots: blindSpots)
        run.mechanism = mechanism
        return run
    }
}
