import CTollgate
import CTollgateBench
import Foundation
import Testing
@testable import TollgateCapture

struct EmbeddedBPFTests {
    @Test func captureObjectIsABPFELFFile() {
        let object = EmbeddedBPF.capture
        #expect(object.count > 64)
        #expect(Array(object.prefix(4)) == [0x7F, 0x45, 0x4C, 0x46], "ELF magic")
        let machine = UInt16(object[18]) | UInt16(object[19]) << 8
        #expect(machine == 247, "e_machine is EM_BPF")
    }

    @Test(.enabled(if: getuid() == 0, "needs root: loads and attaches the BPF program"))
    func captureProgramLoadsAttachesAndDeliversThroughTheRingBuffer() {
        let report = MachineProbe.run()
        #expect(report.bpf.ok, "\(report.bpf.detail)")
        #expect(report.ringBuffer.ok, "\(report.ringBuffer.detail)")
        #expect(report.automaticBackend == .ebpf)
    }

    @Test func unprivilegedBackendsWorkForAnyUser() {
        let report = MachineProbe.run()
        #expect(report.seccompFilter.ok, "\(report.seccompFilter.detail)")
        #expect(report.seccompNotify.ok, "\(report.seccompNotify.detail)")
        #expect(report.ptrace.ok, "\(report.ptrace.detail)")
    }
}

/// Verification is most of the eBPF backend's start-up, paid on every run: the capture program
/// must stay cheap to verify. (With its payload helpers inlined, `on_sys_exit` took 36,671
/// instructions and ~70 ms here; as global functions, ~820. Resolving opened files' names and
/// checking calls aimed at the gate brought the syscall-exit programs to 5,117 on 2026-12-07;
/// deciding `--kill-on` at an open's exit in the kernel, counting 32-bit syscalls and taking
/// openat2's flags from the opened file to 7,754 the same day; resolving pidfds, stopping opens
/// of the gate's /proc entries, reading sendmsg/sendmmsg destinations, the capability sets after
/// calls that change credentials (euid and egid read in one copy) and following the run's
/// cgroup (`is_followed`, a global function, on every wanted syscall of a task not tracked
/// yet) to 8,205 on 2026-12-08.)
struct CaptureVerificationCostTests {
    @Test(.enabled(if: getuid() == 0, "needs root: loads the BPF program to read the verifier's statistics"))
    func everyProgramVerifiesInFewInstructions() throws {
        // Loaded as a run loads it (both syscall-exit programs, as AUTO does), then the kernel's
        // own count of what its verifier processed for each program (`verified_insns`).
        var config = BPFCaptureConfig.beforeRules()
        var message = [CChar](repeating: 0, count: 512)
        let loaded = EmbeddedBPF.capture.withUnsafeBytes {
            tg_capture_load($0.baseAddress, $0.count, &config, Int32(TG_HOOKS_AUTO.rawValue), &message, message.count)
        }
        let capture = try #require(loaded, "loading failed: \(String(decoding: message.prefix { $0 != 0 }.map(UInt8.init(bitPattern:)), as: UTF8.self))")
        defer { tg_capture_close(capture) }
        var programs = [tg_program_figures](repeating: tg_program_figures(), count: 256)
        let count = tg_read_program_figures(&programs, Int32(programs.count))
        try #require(count > 0, "reading the programs' figures failed: \(String(cString: strerror(-count)))")
        // Other tests may hold the same programs at the same time: the same object, the same figures.
        var figures: [String: Int] = [:]
        for entry in programs.prefix(Int(count)) {
            let name = withUnsafeBytes(of: entry.name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            figures[name] = max(figures[name] ?? 0, Int(entry.verified_insns))
        }
        let bounds = ["on_sys_exit": 9_000, "on_syscall_exit": 9_000, "on_fork": 2_000, "on_exec": 5_000, "on_exit": 2_000]
        for (program, bound) in bounds {
            let processed = try #require(figures[program], "no statistics for \(program): \(figures)")
            #expect(processed > 0)
            #expect(processed <= bound, "\(program): the verifier processed \(processed) instructions (bound \(bound))")
        }
    }
}
