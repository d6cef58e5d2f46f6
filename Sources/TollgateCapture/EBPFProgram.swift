import CTollgate
import Foundation

/// The capture program loaded into the kernel but not attached (`tg_capture_load`): the slow
/// half of starting the eBPF backend (the kernel's verifier, libbpf's BTF work). It needs
/// nothing from the rules, so `tollgate run` loads it while they compile (`CaptureBackends.Preparation`).
public final class EBPFProgram: @unchecked Sendable {
    private var capture: OpaquePointer?

    /// Loads the embedded capture program for the hook mode `environment` asks for
    /// (`EBPFHooks`), with no syscall wanted yet. Fails with the kernel's reason.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws(CaptureStartError) {
        let mode = try EBPFHooks.requestedMode(environment)
        try Self.checkCoreBTFSetting(environment)
        var config = BPFCaptureConfig.beforeRules()
        var message = [CChar](repeating: 0, count: 512)
        let loaded = EmbeddedBPF.capture.withUnsafeBytes {
            tg_capture_load($0.baseAddress, $0.count, &config, mode, &message, message.count)
        }
        guard let loaded else { throw CaptureStartError(backend: .ebpf, message: EBPFHooks.text(message)) }
        capture = loaded
    }

    /// `TOLLGATE_CORE_BTF`: unset, relocate against a minimal copy of the kernel's BTF, or
    /// `vmlinux`, let libbpf search all of it. The C loader reads it; an unknown value is
    /// refused here rather than silently taken as unset.
    static let coreBTFVariable = "TOLLGATE_CORE_BTF"

    static func checkCoreBTFSetting(_ environment: [String: String]) throws(CaptureStartError) {
        let value = environment[coreBTFVariable] ?? ""
        guard value.isEmpty || value == "vmlinux" else {
            throw CaptureStartError(backend: .ebpf, message: "\(coreBTFVariable)='\(value)' is not 'vmlinux' (unset: a minimal copy of the kernel's BTF)")
        }
    }

    /// Hands the loaded program over to its one user; nil once taken.
    func take() -> OpaquePointer? {
        defer { capture = nil }
        return capture
    }

    deinit {
        tg_capture_close(capture)
    }
}
