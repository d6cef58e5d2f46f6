import Foundation
import Testing

/// `tollgate doctor` must tell the truth for root and for an unprivileged user.
struct DoctorCommandTests {
    struct Report: Decodable {
        struct Check: Decodable { let ok: Bool; let detail: String }
        struct Backend: Decodable { let backend: String; let available: Bool; let reason: String }
        let userID: UInt32
        let bpf: Check
        let ringBuffer: Check
        let ptrace: Check
        let seccompNotify: Check
        let seccompFilter: Check
        let backends: [Backend]
        let automaticBackend: String?
        let kernelRelease: String
        struct Protection: Decodable { let undumpable: Bool; let lockdown: String?; let bpfLSMListed: Bool; let bpfLSMProgram: Check? }
        let gateProtection: Protection
    }

    static let nobody = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--inh-caps=-all"]

    @Test func tablePrintsEveryFactAndTheChoice() throws {
        let outcome = try TollgateBinary.run(["doctor"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        for label in ["kernel", "BTF", "BPF load + attach", "BPF ring buffer", "seccomp filter", "seccomp notify",
                      "ptrace + seccomp", "capabilities", "cgroups", "backend ebpf", "backend ptrace",
                      "backend seccomp", "auto chooses", "gate not dumpable", "kernel lockdown", "BPF LSM", "eBPF --deny-on"] {
            #expect(outcome.stdout.contains(label), "missing row '\(label)'")
        }
    }

    @Test func jsonMatchesThisProcess() throws {
        let outcome = try TollgateBinary.run(["doctor", "--json"])
        let report = try JSONDecoder().decode(Report.self, from: Data(outcome.stdout.utf8))
        #expect(report.userID == geteuid())
        var names = utsname()
        uname(&names)
        let release = withUnsafeBytes(of: names.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        #expect(report.kernelRelease == release)
        #expect(report.backends.map(\.backend) == ["ebpf", "ptrace", "seccomp"])
        #expect(report.gateProtection.undumpable, "the gate makes itself not dumpable on every machine")
        if let mode = try? String(contentsOfFile: "/sys/kernel/security/lockdown", encoding: .utf8) {
            #expect(report.gateProtection.lockdown.map { mode.contains("[\($0)]") } == true, "\(mode)")
        }
        if let modules = try? String(contentsOfFile: "/sys/kernel/security/lsm", encoding: .utf8) {
            #expect(report.gateProtection.bpfLSMListed == modules.contains("bpf"), "\(modules)")
        }
        // Tried for real: a BPF LSM program on file_open loaded, or why not.
        let lsm = try #require(report.gateProtection.bpfLSMProgram)
        #expect(lsm.detail.contains("file_open"), "\(lsm.detail)")
        if !report.gateProtection.bpfLSMListed { #expect(!lsm.ok, "no BPF LSM program loads where the LSM is not active") }
    }

    @Test(.enabled(if: getuid() == 0, "needs root: expects every backend to be available"))
    func rootHasEveryBackendAndChoosesEBPF() throws {
        let outcome = try TollgateBinary.run(["doctor", "--json"])
        #expect(outcome.status == 0)
        let report = try JSONDecoder().decode(Report.self, from: Data(outcome.stdout.utf8))
        #expect(report.backends.allSatisfy { $0.available }, "\(report.backends)")
        #expect(report.automaticBackend == "ebpf")
    }

    @Test(.enabled(if: getuid() == 0, "needs root: switches to the nobody user with setpriv"))
    func nobodyLacksEBPFButHasPtraceAndSeccomp() throws {
        let copy = try TollgateBinary.copyForOtherUsers()
        defer { try? FileManager.default.removeItem(at: copy.deletingLastPathComponent()) }
        let outcome = try TollgateBinary.run(["doctor", "--json"], through: Self.nobody, executable: copy)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let report = try JSONDecoder().decode(Report.self, from: Data(outcome.stdout.utf8))
        #expect(report.userID == 65534)
        #expect(!report.bpf.ok)
        #expect(report.bpf.detail.contains("Operation not permitted"), "\(report.bpf.detail)")
        let ebpf = try #require(report.backends.first { $0.backend == "ebpf" })
        #expect(!ebpf.available)
        #expect(ebpf.reason.contains("needs root or CAP_BPF"))
        #expect(report.ptrace.ok && report.seccompNotify.ok && report.seccompFilter.ok)
        #expect(report.automaticBackend == "ptrace")
    }
}
