/// Starts the backend a run asks for: an explicit one or, for `auto`, the first that starts
/// in preference order.
public enum CaptureBackends {
    /// What `--backend` accepts.
    public enum Choice: String, CaseIterable, Sendable {
        case auto, ebpf, ptrace, seccomp
    }

    /// The started backend and, for `auto`, one line saying why better ones were passed over.
    public struct Started {
        public let backend: CaptureBackend
        public let explanation: String

        init(backend: CaptureBackend, explanation: String) {
            self.backend = backend
            self.explanation = explanation + (backend.mechanism.map { "; \($0)" } ?? "")
        }
    }

    /// Starts `choice` for `syscallNames`, of which only `exitSyscallNames` (nil: all) need
    /// their result (ptrace skips the exit stop of the others). An explicit backend that
    /// cannot start is an error, never a silent downgrade; `auto` fails only when none can start.
    public static func start(_ choice: Choice, syscallNames: Set<String>, exitSyscallNames: Set<String>? = nil) throws(CaptureStartError) -> Started {
        guard choice == .auto else {
            let kind = BackendKind(rawValue: choice.rawValue) ?? .ebpf
            return Started(backend: try start(kind, syscallNames: syscallNames, exitSyscallNames: exitSyscallNames), explanation: "backend \(kind.rawValue) (asked for)")
        }
        var passedOver: [String] = []
        for kind in BackendKind.preference {
            do {
                let backend = try start(kind, syscallNames: syscallNames, exitSyscallNames: exitSyscallNames)
                let reasons = passedOver.isEmpty ? "" : " (\(passedOver.joined(separator: "; ")))"
                return Started(backend: backend, explanation: "backend \(kind.rawValue)\(reasons)")
            } catch {
                passedOver.append("\(kind.rawValue) unavailable: \(error.message)")
            }
        }
        throw CaptureStartError(backend: .ebpf, message: "no capture backend can run here (\(passedOver.joined(separator: "; ")))")
    }

    private static func start(_ kind: BackendKind, syscallNames: Set<String>, exitSyscallNames: Set<String>?) throws(CaptureStartError) -> CaptureBackend {
        switch kind {
        case .ebpf:
            return try EBPFBackend(syscallNames: syscallNames)
        case .ptrace:
            return try PtraceBackend(syscallNames: syscallNames, exitSyscallNames: exitSyscallNames)
        case .seccomp:
            return try SeccompBackend(syscallNames: syscallNames)
        }
    }
}
