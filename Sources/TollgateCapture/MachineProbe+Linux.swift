import CTollgate
import Foundation

/// Probes this machine for `tollgate doctor` and backend selection by trying each mechanism.
public enum MachineProbe {
    /// Runs every probe. Takes well under a second; each probe cleans up after itself.
    public static func run() -> MachineReport {
        let (release, machine) = unameFields()
        let bpf = probeBPF()
        let notify = check(tg_probe_seccomp_notify)
        return MachineReport(
            kernelRelease: release,
            architecture: machine,
            userID: geteuid(),
            btf: probeBTF(),
            bpf: bpf.loadAndAttach,
            ringBuffer: bpf.ringBuffer,
            seccompFilter: check(tg_probe_seccomp_filter).check,
            seccompNotify: notify.check,
            seccompSyncWakeUp: notify.extra == 1,
            ptrace: check(tg_probe_ptrace).check,
            capabilities: ((try? String(contentsOfFile: "/proc/self/status", encoding: .utf8))
                .flatMap(Capabilities.init(procStatus:))?.names) ?? [],
            cgroups: CgroupLayout(procMounts: (try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8)) ?? "")
        )
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

    private static func probeBPF() -> (loadAndAttach: ProbeCheck, ringBuffer: ProbeCheck) {
        var result = tg_bpf_probe_result()
        EmbeddedBPF.capture.withUnsafeBytes { tg_bpf_probe($0.baseAddress, $0.count, &result) }
        let message = cString(result.message)
        if result.load_errno != 0 {
            let hint = result.load_errno == EPERM ? bpfPermissionHint() : ""
            return (ProbeCheck(ok: false, detail: message + hint),
                    ProbeCheck(ok: false, detail: "not tried: loading failed"))
        }
        if result.attach_errno != 0 {
            return (ProbeCheck(ok: false, detail: message), ProbeCheck(ok: false, detail: "not tried: attaching failed"))
        }
        let attached = ProbeCheck(ok: true, detail: "loaded and attached to the syscall-exit and process fork/exec/exit tracepoints")
        if result.ringbuf_errno != 0 {
            return (attached, ProbeCheck(ok: false, detail: message))
        }
        return (attached, ProbeCheck(ok: true, detail: "\(result.records) records received"))
    }

    private static func bpfPermissionHint() -> String {
        let setting = (try? String(contentsOfFile: "/proc/sys/kernel/unprivileged_bpf_disabled", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
        return "; needs root or CAP_BPF and CAP_PERFMON (kernel.unprivileged_bpf_disabled=\(setting))"
    }

    private static func check(_ probe: (UnsafeMutablePointer<tg_probe_result>) -> Void) -> (check: ProbeCheck, extra: Int32) {
        var result = tg_probe_result()
        probe(&result)
        let check = result.error == 0
            ? ProbeCheck(ok: true, detail: "works")
            : ProbeCheck(ok: false, detail: cString(result.message))
        return (check, result.extra)
    }
}

/// A Swift string from a fixed-size C character array (a tuple in Swift).
func cString<T>(_ tuple: T) -> String {
    withUnsafeBytes(of: tuple) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
}
