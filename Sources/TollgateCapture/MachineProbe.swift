import CTollgate
import Foundation
import TollgateEvents

/// Probes this machine for `tollgate doctor` and backend selection by trying each mechanism.
public enum MachineProbe {
    /// Runs every probe. Takes well under a second; each probe cleans up after itself.
    /// `syscallNames` (a run's set) decides which syscall hooks the eBPF backend would pick.
    public static func run(syscallNames: Set<String> = SyscallTable.stateSyscallNames) -> MachineReport {
        let (release, machine) = unameFields()
        let bpf = probeBPF(syscallNames: syscallNames)
        let notify = check(tg_probe_seccomp_notify)
        let ptrace = check(tg_probe_ptrace)
        var report = MachineReport(
            kernelRelease: release,
            architecture: machine,
            userID: geteuid(),
            btf: probeBTF(),
            bpf: bpf.loadAndAttach,
            ringBuffer: bpf.ringBuffer,
            seccompFilter: check(tg_probe_seccomp_filter).check,
            seccompNotify: notify.check,
            seccompSyncWakeUp: notify.extra == 1,
            ptrace: ptrace.check,
            ptraceMemory: ptrace.memory,
            seccompMemory: notify.memory,
            capabilities: ((try? String(contentsOfFile: "/proc/self/status", encoding: .utf8))
                .flatMap(Capabilities.init(procStatus:))?.names) ?? [],
            cgroups: CgroupLayout(procMounts: (try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8)) ?? "")
        )
        report.syscallHooks = bpf.hooks
        report.gateProtection = probeGateProtection()
        return report
    }

    private static func probeGateProtection() -> GateProtection {
        var protection = GateProtection()
        protection.undumpable = tg_become_undumpable() == 0 && tg_is_dumpable() == 0
        let security = "/sys/kernel/security/"
        protection.lockdown = (try? String(contentsOfFile: security + "lockdown", encoding: .utf8))
            .flatMap { text in text.split(separator: " ").first { $0.hasPrefix("[") } }
            .map { String($0.dropFirst().prefix { $0 != "]" }) }
        protection.bpfLSMListed = ((try? String(contentsOfFile: security + "lsm", encoding: .utf8)) ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",").contains("bpf")
        var lsm = tg_probe_result()
        tg_probe_bpf_lsm(&lsm)
        protection.bpfLSMProgram = ProbeCheck(ok: lsm.error == 0, detail: cString(lsm.message))
        return protection
    }

    private static func unameFields() -> (release: String, machine: String) {
        var names = utsname()
        uname(&names)
        return (cString(names.release), cString(names.machine))
    }

    private static func probeBTF() -> ProbeCheck {
        let path = "/sys/kernel/btf/vmlinux"
        return FileManager.default.isReadableFile(atPath: path)
            ? ProbeCheck(ok: true, detail: path)
            : ProbeCheck(ok: false, detail: "\(path) is missing or unreadable")
    }

    /// Loads the capture program with the syscall hooks `TOLLGATE_EBPF_HOOKS` asks for (auto by
    /// default), then says which hooks a capture of `syscallNames` would get.
    private static func probeBPF(syscallNames: Set<String>) -> (loadAndAttach: ProbeCheck, ringBuffer: ProbeCheck, hooks: ProbeCheck?) {
        var result = tg_bpf_probe_result()
        let mode: Int32
        do {
            mode = try EBPFHooks.requestedMode(ProcessInfo.processInfo.environment)
        } catch {
            let failed = ProbeCheck(ok: false, detail: error.message)
            return (failed, ProbeCheck(ok: false, detail: "not tried: \(error.message)"), failed)
        }
        EmbeddedBPF.capture.withUnsafeBytes { tg_bpf_probe($0.baseAddress, $0.count, mode, &result) }
        let message = cString(result.message)
        if result.load_errno != 0 {
            let hint = result.load_errno == EPERM ? bpfPermissionHint() : ""
            return (ProbeCheck(ok: false, detail: message + hint),
                    ProbeCheck(ok: false, detail: "not tried: loading failed"), nil)
        }
        if result.attach_errno != 0 {
            return (ProbeCheck(ok: false, detail: message), ProbeCheck(ok: false, detail: "not tried: attaching failed"), nil)
        }
        var hooks = EBPFHooks(result.hooks)
        if hooks.mode == .perSyscall {
            do {
                hooks = try EBPFHooks.choice(for: syscallNames)
            } catch {
                hooks.fallback = error.message
            }
        }
        let attached = ProbeCheck(ok: true, detail: "loaded and attached to the syscall-exit and process fork/exec/exit tracepoints")
        let hookCheck = ProbeCheck(ok: hooks.mode == .perSyscall, detail: hooks.description)
        if result.ringbuf_errno != 0 {
            return (attached, ProbeCheck(ok: false, detail: message), hookCheck)
        }
        return (attached, ProbeCheck(ok: true, detail: "\(result.records) records received"), hookCheck)
    }

    private static func bpfPermissionHint() -> String {
        let setting = (try? String(contentsOfFile: "/proc/sys/kernel/unprivileged_bpf_disabled", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
        return "; needs root or CAP_BPF and CAP_PERFMON (kernel.unprivileged_bpf_disabled=\(setting))"
    }

    private static func check(_ probe: (UnsafeMutablePointer<tg_probe_result>) -> Void)
        -> (check: ProbeCheck, extra: Int32, memory: ProbeCheck?) {
        var result = tg_probe_result()
        probe(&result)
        let check = result.error == 0
            ? ProbeCheck(ok: true, detail: "works")
            : ProbeCheck(ok: false, detail: cString(result.message))
        return (check, result.extra, result.error == 0 ? memoryCheck(result) : nil)
    }

    /// How the probe's child memory was read: `process_vm_readv`, `/proc/<pid>/mem
    /// (process_vm_readv refused: EPERM)`, or not ok with `none (...)` naming every refusal.
    /// Nil when no read was tried.
    static func memoryCheck(_ result: tg_probe_result) -> ProbeCheck? {
        guard result.memory_tried != 0 else { return nil }
        let errors = withUnsafeBytes(of: result.read_errno) { Array($0.bindMemory(to: Int32.self).prefix(Int(TG_READ_METHODS.rawValue))) }
        let refusals = errors.enumerated().filter { $0.element != 0 }.map { method, error in
            "\(String(cString: tg_read_method_name(Int32(method)))) refused: \(Errno.name(Int64(error)) ?? "errno \(error)")"
        }
        let why = refusals.isEmpty ? "" : " (\(refusals.joined(separator: "; ")))"
        guard result.read_method != TG_READ_NONE.rawValue else { return ProbeCheck(ok: false, detail: "none" + why) }
        return ProbeCheck(ok: true, detail: String(cString: tg_read_method_name(result.read_method)) + why)
    }
}

/// A Swift string from a fixed-size C character array (a tuple in Swift).
func cString<T>(_ tuple: T) -> String {
    withUnsafeBytes(of: tuple) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
}
