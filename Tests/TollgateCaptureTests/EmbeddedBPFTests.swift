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
