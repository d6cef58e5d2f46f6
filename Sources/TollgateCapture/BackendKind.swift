/// A way of capturing a job's syscalls. Every backend delivers the same records.
public enum BackendKind: String, CaseIterable, Codable, Sendable {
    /// Raw syscall tracepoints and a ring buffer; needs root or CAP_BPF + CAP_PERFMON.
    case ebpf
    /// ptrace driven by a SECCOMP_RET_TRACE filter; works unprivileged.
    case ptrace
    /// seccomp user notification; works unprivileged and beside a job's own ptrace use.
    case seccomp

    /// Whether it sees what a syscall returns (return value, memory the kernel writes):
    /// seccomp answers notifications at entry and never sees the exit.
    public var seesExitData: Bool { self != .seccomp }

    /// The order in which `auto` tries the backends: most faithful and cheapest first.
    public static let preference: [BackendKind] = [.ebpf, .ptrace, .seccomp]
}

/// Whether one backend can run here, and why not when it cannot.
public struct BackendStatus: Codable, Equatable, Sendable {
    public let backend: BackendKind
    public let available: Bool
    /// What it rests on when available; why it is not, otherwise.
    public let reason: String

    public init(backend: BackendKind, available: Bool, reason: String) {
        self.backend = backend
        self.available = available
        self.reason = reason
    }
}

/// The outcome of one real attempt, e.g. loading a BPF program.
public struct ProbeCheck: Codable, Equatable, Sendable {
    public let ok: Bool
    public let detail: String

    public init(ok: Bool, detail: String) {
        self.ok = ok
        self.detail = detail
    }
}

/// Picks the backend `--backend auto` uses from what the machine probe found.
public enum BackendSelection {
    /// Each backend's status, in preference order, from the probe's checks. A monitor backend
    /// whose memory reads failed (`ptraceMemory`, `seccompMemory`; nil when not tried) would
    /// see no path, address or command line: it is not available.
    public static func statuses(
        bpf: ProbeCheck, ringBuffer: ProbeCheck, ptrace: ProbeCheck, seccompNotify: ProbeCheck,
        ptraceMemory: ProbeCheck? = nil, seccompMemory: ProbeCheck? = nil
    ) -> [BackendStatus] {
        let reads = memoryReads
        return [
            status(.ebpf, requires: [("loading and attaching a BPF program", bpf), ("BPF ring buffer", ringBuffer)]),
            status(.ptrace, requires: [("ptrace with a SECCOMP_RET_TRACE filter", ptrace)] + (ptraceMemory.map { [(reads, $0)] } ?? [])),
            status(.seccomp, requires: [("seccomp user notification", seccompNotify)] + (seccompMemory.map { [(reads, $0)] } ?? [])),
        ]
    }

    /// The first available backend in preference order, or nil when none is.
    public static func automatic(_ statuses: [BackendStatus]) -> BackendKind? {
        BackendKind.preference.first { kind in statuses.contains { $0.backend == kind && $0.available } }
    }

    /// One line for the user: which backend `auto` chose and why each better one was not.
    public static func explain(_ statuses: [BackendStatus]) -> String {
        guard let chosen = automatic(statuses) else {
            let reasons = statuses.map { "\($0.backend.rawValue): \($0.reason)" }.joined(separator: "; ")
            return "no capture backend can run here (\(reasons))"
        }
        let passedOver = statuses.prefix { $0.backend != chosen }
            .map { "\($0.backend.rawValue) unavailable: \($0.reason)" }
        return passedOver.isEmpty
            ? "backend \(chosen.rawValue)"
            : "backend \(chosen.rawValue) (\(passedOver.joined(separator: "; ")))"
    }

    private static let memoryReads = "reading the job's memory"

    private static func status(_ backend: BackendKind, requires checks: [(String, ProbeCheck)]) -> BackendStatus {
        if let failed = checks.first(where: { !$0.1.ok }) {
            return BackendStatus(backend: backend, available: false, reason: "\(failed.0) failed: \(failed.1.detail)")
        }
        let reasons = checks.map { $0.0 == memoryReads ? "\($0.0) works through \($0.1.detail)" : "\($0.0) works" }
        return BackendStatus(backend: backend, available: true, reason: reasons.joined(separator: ", "))
    }
}
