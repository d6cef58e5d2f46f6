import CTollgate
import Foundation
import TollgateEvents

/// How the eBPF programs see syscalls (`struct tg_hooks`): per-syscall exit tracepoints for
/// the wanted syscalls when they attach, else the raw tracepoint every syscall passes through.
package struct EBPFHooks: Sendable, Equatable {
    /// `TOLLGATE_EBPF_HOOKS`: `auto` (default), `per-syscall` or `tracepoint` (forces the raw
    /// tracepoint, e.g. to compare both).
    package static let environmentVariable = "TOLLGATE_EBPF_HOOKS"

    package enum Mode: String, Sendable {
        case perSyscall = "per-syscall"
        case rawTracepoint = "tracepoint"
    }

    package var mode: Mode
    /// Wanted syscalls (table names) without an exit tracepoint on this kernel: not seen.
    package var untraced: [String]
    /// Why `auto` fell back to the raw tracepoint; empty otherwise.
    package var fallback: String

    /// One line for people: `per-syscall exit tracepoints (syscalls:sys_exit_*)`, ...
    package var description: String {
        switch mode {
        case .perSyscall: return "per-syscall exit tracepoints (syscalls:sys_exit_<name>)" + (blindSpot.map { "; \($0)" } ?? "")
        case .rawTracepoint:
            return "the raw syscall-exit tracepoint (raw_syscalls:sys_exit, every syscall of the machine)"
                + (fallback.isEmpty ? "" : "; \(fallback)")
        }
    }

    /// The blind spot of per-syscall mode, when it has one.
    package var blindSpot: String? {
        untraced.isEmpty ? nil : "no exit tracepoint on this kernel, so not seen: \(untraced.joined(separator: ", "))"
    }

    /// Opens `object` with the hooks `environment` asks for, on the exit tracepoints of
    /// `syscallNames` (names without a number on this architecture are left out).
    package static func open(
        _ object: [UInt8], config: UnsafePointer<tg_capture_config>?, syscallNames: Set<String>,
        handler: tg_record_handler?, context: UnsafeMutableRawPointer?,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(CaptureStartError) -> (capture: OpaquePointer, hooks: EBPFHooks) {
        var message = [CChar](repeating: 0, count: 512)
        var opened: OpaquePointer?
        let hooks = try withRequest(syscallNames, environment) { request in
            opened = object.withUnsafeBytes {
                tg_capture_open($0.baseAddress, $0.count, config, request, handler, context, &message, message.count)
            }
        }
        guard let opened else { throw CaptureStartError(backend: .ebpf, message: text(message)) }
        return (opened, hooks)
    }

    /// Attaches a loaded `capture` (`tg_capture_load`) for `syscallNames`, of which only
    /// `failureSyscallNames` (nil: all) are captured when they fail and the records of
    /// `urgentSyscallNames` wake the reader at once, with the hooks `environment` asks for. On
    /// failure nothing stays attached; the caller still owns `capture`. `kernelKills` is what
    /// the program kills for itself (`--kill-on`).
    package static func attach(
        _ capture: OpaquePointer, syscallNames: Set<String>, failureSyscallNames: Set<String>? = nil,
        urgentSyscallNames: Set<String> = [], kernelKills: KernelKillTable? = nil, handler: tg_record_handler?, context: UnsafeMutableRawPointer?,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(CaptureStartError) -> EBPFHooks {
        var message = [CChar](repeating: 0, count: 512)
        var failed = false
        let wanted = BPFCaptureConfig.bitmap(syscallNames: syscallNames)
        let successOnly = failureSyscallNames.map { BPFCaptureConfig.bitmap(syscallNames: syscallNames.subtracting($0)) }
        let urgent = BPFCaptureConfig.bitmap(syscallNames: urgentSyscallNames)
        let urgentKinds: UInt32 = urgentSyscallNames.isDisjoint(with: ["execve", "execveat"]) ? 0 : 1 << TG_KIND_EXEC.rawValue
        let hooks = try withRequest(syscallNames, environment) { request in
            var table = kernelKills?.table ?? tg_kill_table()
            failed = tg_capture_attach(capture, wanted, successOnly, urgent, urgentKinds, &table, request, handler, context,
                                       &message, message.count) != 0
        }
        if failed { throw CaptureStartError(backend: .ebpf, message: text(message)) }
        return hooks
    }

    /// A NUL-terminated message the C side wrote.
    static func text(_ message: [CChar]) -> String {
        String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The hooks a capture of `syscallNames` would get here, decided without loading anything
    /// (`tg_choose_hooks`), for `tollgate doctor`.
    package static func choice(for syscallNames: Set<String>,
                               environment: [String: String] = ProcessInfo.processInfo.environment) throws(CaptureStartError) -> EBPFHooks {
        var failure: Int32 = 0
        let hooks = try withRequest(syscallNames, environment) { request in
            let mode = tg_choose_hooks(request)
            if mode < 0 { failure = -mode } else { request.pointee.mode = mode }
        }
        if failure != 0 { throw CaptureStartError(backend: .ebpf, message: hooks.fallback) }
        return hooks
    }

    /// Runs `body` with a `tg_hooks` request for `syscallNames` and returns what it reported,
    /// with untraced names given back as the syscall table spells them.
    private static func withRequest(_ syscallNames: Set<String>, _ environment: [String: String],
                                    _ body: (UnsafeMutablePointer<tg_hooks>) -> Void) throws(CaptureStartError) -> EBPFHooks {
        var request = tg_hooks()
        request.mode = try requestedMode(environment)
        let wanted = syscallNames.sorted().filter { SyscallTable.info(named: $0)?.number(for: .native) != nil }
        let names = wanted.map { strdup(tracepointName($0)) }
        defer { names.forEach { free($0) } }
        (names.map { UnsafePointer($0) } + [nil]).withUnsafeBufferPointer { list in
            request.syscalls = list.baseAddress
            body(&request)
        }
        var hooks = EBPFHooks(request)
        hooks.untraced = hooks.untraced.map { event in wanted.first { tracepointName($0) == event } ?? event }
        return hooks
    }

    /// What the loader reported in `hooks`.
    init(_ hooks: tg_hooks) {
        mode = hooks.mode == Int32(TG_HOOKS_PER_SYSCALL.rawValue) ? .perSyscall : .rawTracepoint
        untraced = cString(hooks.untraced).split(separator: " ").map(String.init)
        fallback = cString(hooks.fallback)
    }

    /// The `enum tg_hook_mode` value `TOLLGATE_EBPF_HOOKS` asks for.
    static func requestedMode(_ environment: [String: String]) throws(CaptureStartError) -> Int32 {
        switch environment[environmentVariable] ?? "auto" {
        case "auto", "": return Int32(TG_HOOKS_AUTO.rawValue)
        case Mode.perSyscall.rawValue: return Int32(TG_HOOKS_PER_SYSCALL.rawValue)
        case Mode.rawTracepoint.rawValue: return Int32(TG_HOOKS_RAW_TRACEPOINT.rawValue)
        case let other:
            throw CaptureStartError(backend: .ebpf, message: "\(environmentVariable)='\(other)' is not one of 'auto', 'per-syscall', 'tracepoint'")
        }
    }

    /// The kernel's name for a syscall's tracepoints where it differs from the table's: the
    /// event is named after the SYSCALL_DEFINE, e.g. `umount2` is `sys_umount`.
    static func tracepointName(_ name: String) -> String {
        let renamed = ["umount2": "umount", "uname": "newuname", "stat": "newstat", "fstat": "newfstat",
                       "lstat": "newlstat", "sendfile": "sendfile64"]
        return renamed[name] ?? name
    }
}
