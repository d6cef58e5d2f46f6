import Foundation
import Testing

/// The job cannot trace the gate or its capture monitor, nor open their memory, when it runs
/// without `CAP_SYS_PTRACE` (as the same user as the gate): both are not dumpable.
@Suite(.enabled(if: getuid() == 0, "needs root to switch to the nobody user"))
struct GateIntegrityEndToEndTests {
    static let attack = EndToEnd.repository.appendingPathComponent("Tests/Fixtures/gate-attacks/trace_the_gate.py")

    @Test(arguments: [GateBackend.ptrace, .seccomp])
    func aJobCannotTraceTheGateOrReadItsMemory(_ backend: GateBackend) throws {
        if let reason = BackendAvailability.shared.unavailable[backend] {
            print("skipped \(backend): \(reason)")
            return
        }
        let copy = try TollgateBinary.copyForOtherUsers()
        let outcome = try GateRun(arguments: ["run", "--no-config", "--backend", backend.rawValue, "--quiet", "--",
                                              "python3", Self.attack.path],
                                  wrapper: DoctorCommandTests.nobody, executable: copy, workingDirectory: URL(fileURLWithPath: "/tmp")).run()
        let line = String(decoding: outcome.stdout, as: UTF8.self)
        let gateProcesses = line.split(separator: "\n").filter { $0.split(separator: ":").dropFirst().first == "tollgate" }
        #expect(gateProcesses.count == 2, "the monitor and the gate are the job's ancestors: \(line) \(outcome.stderr)")
        for entry in gateProcesses {
            #expect(entry.contains("seize=Operation not permitted"), "\(entry)")
            #expect(entry.contains("mem=Permission denied"), "\(entry)")
        }
    }
}
