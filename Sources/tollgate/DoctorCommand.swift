import ArgumentParser
import Foundation
import TollgateCapture
import TollgateEvents
import TollgateGate

/// `tollgate doctor`: probes what this machine lets tollgate do, which backend `auto` picks and
/// which syscall hooks the eBPF backend gets for the default rules.
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Probe the machine: kernel, BTF, BPF, seccomp, ptrace, capabilities, cgroups.",
        discussion: "Exits 0 when at least one capture backend works here, 69 when none does."
    )

    @Flag(name: .long, help: "Print the report as JSON.")
    var json = false

    func run() throws {
        let syscallNames = (try? RuleSources.policy(nil).engine.neededSyscalls)?.union(SyscallTable.stateSyscallNames)
        let report = MachineProbe.run(syscallNames: syscallNames ?? SyscallTable.stateSyscallNames)
        print(json ? try DoctorReportFormat.json(report) : DoctorReportFormat.table(report))
        if report.automaticBackend == nil { throw ExitStatus.noBackend }
    }
}

/// Renders a `MachineReport` for people (an aligned table) and for programs (JSON).
enum DoctorReportFormat {
    static func json(_ report: MachineReport) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(report), as: UTF8.self)
    }

    static func table(_ report: MachineReport) -> String {
        func mark(_ check: ProbeCheck) -> String { (check.ok ? "yes  " : "no   ") + check.detail }
        func memory(_ check: ProbeCheck?, _ mechanism: String) -> String {
            guard let check else { return "not tried: \(mechanism) failed" }
            return check.ok ? mark(check) : "no   \(check.detail): backend unavailable"
        }
        let facts: [(String, String)] = [
            ("kernel", "\(report.kernelRelease) (\(report.architecture))"),
            ("user", "uid \(report.userID)"),
            ("BTF", mark(report.btf)),
            ("BPF load + attach", mark(report.bpf)),
            ("BPF ring buffer", mark(report.ringBuffer)),
            ("BPF syscall hooks", report.syscallHooks.map(mark) ?? "not tried: BPF failed"),
            ("seccomp filter", mark(report.seccompFilter)),
            ("seccomp notify", mark(report.seccompNotify)),
            ("notify sync wake-up", report.seccompSyncWakeUp ? "yes" : "no"),
            ("ptrace + seccomp", mark(report.ptrace)),
            ("ptrace memory reads", memory(report.ptraceMemory, "ptrace")),
            ("seccomp memory reads", memory(report.seccompMemory, "seccomp notify")),
            ("capabilities", report.capabilities.isEmpty ? "none" : report.capabilities.joined(separator: " ")),
            ("cgroups", report.cgroups.rawValue),
            ("gate not dumpable", report.gateProtection.undumpable ? "yes" : "no"),
            ("kernel lockdown", report.gateProtection.lockdown ?? "unknown: /sys/kernel/security/lockdown unreadable"),
            ("BPF LSM", report.gateProtection.bpfLSMListed ? "listed among the active LSMs" : "not active"),
            ("eBPF --deny-on", report.gateProtection.bpfLSMProgram.map { $0.ok ? "possible: \($0.detail) (not used yet: eBPF kills instead)" : "kills instead: \($0.detail)" } ?? "not tried"),
        ]
        let backends: [(String, String)] = report.backends.map { status in
            ("backend \(status.backend.rawValue)", (status.available ? "available: " : "unavailable: ") + status.reason)
        }
        let rows = facts + backends + [("auto chooses", report.automaticBackend?.rawValue ?? "nothing: no backend works here")]
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }
            .joined(separator: "\n")
    }
}
