/// The protections of the gate against its job on this machine.
public struct GateProtection: Codable, Equatable, Sendable {
    /// This process made itself not dumpable and the kernel says it is (the gate does so at
    /// every run): a job without CAP_SYS_PTRACE cannot trace it or open its memory.
    public var undumpable = false
    /// The kernel lockdown mode (`none`, `integrity`, `confidentiality`), nil when
    /// `/sys/kernel/security/lockdown` cannot be read.
    public var lockdown: String?
    /// `bpf` is among the active LSMs (`/sys/kernel/security/lsm`).
    public var bpfLSMListed = false
    /// Whether a BPF LSM program (on `file_open`) loads here, tried for real: without one the
    /// eBPF backend cannot refuse a call in the kernel, and `--deny-on` kills instead.
    public var bpfLSMProgram: ProbeCheck?

    public init() {}
}

/// What `tollgate doctor` found out about this machine and process, every capture-relevant
/// fact tried for real rather than inferred from versions.
public struct MachineReport: Codable, Equatable, Sendable {
    public var kernelRelease: String
    public var architecture: String
    public var userID: UInt32
    /// `/sys/kernel/btf/vmlinux` is present (BTF-typed tracepoints and CO-RE).
    public var btf: ProbeCheck
    /// The capture program loaded, passed the verifier and attached to its tracepoints.
    public var bpf: ProbeCheck
    /// A record travelled from the attached program through a BPF ring buffer.
    public var ringBuffer: ProbeCheck
    /// Which syscall-exit hooks the eBPF backend gets here: ok for per-syscall tracepoints,
    /// not ok for the raw tracepoint every syscall of the machine pays for. Nil: BPF failed.
    public var syscallHooks: ProbeCheck?
    /// A child installed a seccomp filter and it acted.
    public var seccompFilter: ProbeCheck
    /// A child's notified syscall was answered with CONTINUE by this process.
    public var seccompNotify: ProbeCheck
    /// `SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP` was accepted (Linux 6.6+; cuts notification latency).
    public var seccompSyncWakeUp: Bool
    /// A child was traced through a seccomp stop with the fork and exec options set.
    public var ptrace: ProbeCheck
    /// The ptrace monitor's reader returned a known string from that stopped child: which
    /// method did (`detail`); nil when ptrace itself failed.
    public var ptraceMemory: ProbeCheck?
    /// The seccomp monitor's reader returned a known string from a notifying child; nil when
    /// user notification itself failed.
    public var seccompMemory: ProbeCheck?
    /// Effective capabilities, by kernel name.
    public var capabilities: [String]
    public var cgroups: CgroupLayout
    /// What protects the gate from the job here (filled in by `MachineProbe`).
    public var gateProtection = GateProtection()
    public var backends: [BackendStatus]
    /// What `--backend auto` would choose; nil when nothing can run.
    public var automaticBackend: BackendKind?

    public init(
        kernelRelease: String, architecture: String, userID: UInt32, btf: ProbeCheck, bpf: ProbeCheck,
        ringBuffer: ProbeCheck, seccompFilter: ProbeCheck, seccompNotify: ProbeCheck,
        seccompSyncWakeUp: Bool, ptrace: ProbeCheck, ptraceMemory: ProbeCheck? = nil, seccompMemory: ProbeCheck? = nil,
        capabilities: [String], cgroups: CgroupLayout
    ) {
        self.kernelRelease = kernelRelease
        self.architecture = architecture
        self.userID = userID
        self.btf = btf
        self.bpf = bpf
        self.ringBuffer = ringBuffer
        self.seccompFilter = seccompFilter
        self.seccompNotify = seccompNotify
        self.seccompSyncWakeUp = seccompSyncWakeUp
        self.ptrace = ptrace
        self.ptraceMemory = ptraceMemory
        self.seccompMemory = seccompMemory
        self.capabilities = capabilities
        self.cgroups = cgroups
        self.backends = BackendSelection.statuses(
            bpf: bpf, ringBuffer: ringBuffer, ptrace: ptrace, seccompNotify: seccompNotify, ptraceMemory: ptraceMemory,
            seccompMemory: seccompMemory)
        self.automaticBackend = BackendSelection.automatic(backends)
    }
}
