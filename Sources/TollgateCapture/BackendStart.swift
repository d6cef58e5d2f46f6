import Foundation
import TollgateEvents

/// Starts the backend a run asks for: an explicit one or, for `auto`, the first that starts
/// in preference order.
public enum CaptureBackends {
    /// What `--backend` accepts.
    public typealias Choice = BackendChoice

    /// The started backend, in one short line for every run and in detail for `--verbose`.
    public struct Started {
        public let backend: CaptureBackend
        /// `backend ptrace (ebpf unavailable)`: the backend and, for `auto`, the better ones
        /// passed over.
        public let headline: String
        /// The headline with why each better backend was passed over and how this one hooks
        /// syscalls (its blind spots on this machine).
        public let explanation: String

        init(backend: CaptureBackend, choice: Choice, passedOver: [(kind: BackendKind, reason: String)] = []) {
            self.backend = backend
            let name = "backend \(backend.kind.rawValue)"
            let skipped = passedOver.map { "\($0.kind.rawValue) unavailable" }
            headline = name + (skipped.isEmpty ? "" : " (\(skipped.joined(separator: ", ")))")
                + (backend.degradation.map { "; \($0)" } ?? "")
            let reasons = choice == .auto ? passedOver.map { "\($0.kind.rawValue) unavailable: \($0.reason)" } : ["asked for"]
            explanation = name + (reasons.isEmpty ? "" : " (\(reasons.joined(separator: "; ")))")
                + (backend.mechanism.map { "; \($0)" } ?? "")
        }
    }

    /// The slow, rule-independent part of starting `choice`, begun at once on a thread of its
    /// own so that it overlaps the rules' compilation: loading the eBPF program when eBPF may
    /// be used. `start` waits for it.
    public final class Preparation: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private var program: Result<EBPFProgram, CaptureStartError>?

        public init(_ choice: Choice, environment: [String: String] = ProcessInfo.processInfo.environment) {
            guard choice == .auto || choice == .ebpf else {
                done.signal()
                return
            }
            Thread { [self] in
                program = Result { () throws(CaptureStartError) in try EBPFProgram(environment: environment) }
                done.signal()
            }.start()
        }

        /// The loaded eBPF program, or why it could not load; nil when eBPF was not asked for.
        func loadedProgram() -> Result<EBPFProgram, CaptureStartError>? {
            done.wait()
            done.signal()
            return program
        }
    }

    /// Starts `choice` for `syscallNames`, of which only `exitSyscallNames` (nil: all) need
    /// their result (ptrace skips the exit stop of the others) and only `failureSyscallNames`
    /// (nil: all) matter when they fail (eBPF leaves the other failures in the kernel), with
    /// what the sink will enforce (eBPF, which cannot hold or refuse calls, wakes its reader at
    /// once for the records of either; ptrace and seccomp learn the rest from the sink). An
    /// explicit backend that cannot start is an error, never a silent downgrade; `auto` fails
    /// only when none can start. `preparation`, when given, is `choice`'s.
    public static func start(_ choice: Choice, syscallNames: Set<String>, exitSyscallNames: Set<String>? = nil,
                             failureSyscallNames: Set<String>? = nil, enforcement: Enforcement? = nil,
                             preparation: Preparation? = nil) throws(CaptureStartError) -> Started {
        let program = preparation?.loadedProgram()
        let request = Request(syscallNames: syscallNames, exitSyscallNames: exitSyscallNames, failureSyscallNames: failureSyscallNames,
                              urgentSyscallNames: enforcement.map { $0.holdSyscalls.union($0.probedSyscalls) } ?? [],
                              kernelKills: enforcement.map { KernelKillTable($0.kernelDecided) })
        guard choice == .auto else {
            let kind = BackendKind(rawValue: choice.rawValue) ?? .ebpf
            // Asked for by name, a monitor backend that cannot read memory still runs: every
            // payload it misses then fails the run, with the reason in the reports.
            var asked = request
            asked.memoryRequired = false
            return Started(backend: try start(kind, asked, program: program), choice: choice)
        }
        var passedOver: [(kind: BackendKind, reason: String)] = []
        for kind in BackendKind.preference {
            do {
                return Started(backend: try start(kind, request, program: program), choice: choice, passedOver: passedOver)
            } catch {
                passedOver.append((kind, error.message))
            }
        }
        let reasons = passedOver.map { "\($0.kind.rawValue) unavailable: \($0.reason)" }
        throw CaptureStartError(backend: .ebpf, message: "no capture backend can run here (\(reasons.joined(separator: "; ")))")
    }

    /// What `start` asks of every backend it tries.
    private struct Request {
        var syscallNames: Set<String>
        var exitSyscallNames: Set<String>?
        var failureSyscallNames: Set<String>?
        /// eBPF: records that wake the reader at once (the sink may kill the job on them).
        var urgentSyscallNames: Set<String> = []
        /// eBPF: what the capture program kills for itself.
        var kernelKills: KernelKillTable?
        /// ptrace and seccomp must be able to read the job's memory to start (`auto`).
        var memoryRequired = true
    }

    private static func start(_ kind: BackendKind, _ request: Request,
                              program: Result<EBPFProgram, CaptureStartError>?) throws(CaptureStartError) -> CaptureBackend {
        switch kind {
        case .ebpf:
            guard let program else {
                return try EBPFBackend(syscallNames: request.syscallNames, failureSyscallNames: request.failureSyscallNames,
                                       urgentSyscallNames: request.urgentSyscallNames, kernelKills: request.kernelKills)
            }
            return try EBPFBackend(program: try program.get(), syscallNames: request.syscallNames,
                                   failureSyscallNames: request.failureSyscallNames, urgentSyscallNames: request.urgentSyscallNames,
                                   kernelKills: request.kernelKills)
        case .ptrace:
            return try PtraceBackend(syscallNames: request.syscallNames, exitSyscallNames: request.exitSyscallNames,
                                     memoryRequired: request.memoryRequired)
        case .seccomp:
            return try SeccompBackend(syscallNames: request.syscallNames, memoryRequired: request.memoryRequired)
        }
    }
}
