import Testing
@testable import TollgateCapture

struct CapabilitiesTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let status: String
        let expected: [String]?
        var testDescription: String { name }
    }

    @Test(arguments: [
        Case(name: "root's full set holds CAP_BPF", status: "CapInh:\t0\nCapEff:\t000001ffffffffff\n",
             expected: Capability.allCases.map(\.name)),
        Case(name: "nobody holds none", status: "Name:\tx\nCapEff:\t0000000000000000\n", expected: []),
        Case(name: "bpf and perfmon only", status: "CapEff:\t000000c000000000\n", expected: ["CAP_PERFMON", "CAP_BPF"]),
        Case(name: "sys_admin and sys_ptrace", status: "CapEff:\t0000000000280000\n", expected: ["CAP_SYS_PTRACE", "CAP_SYS_ADMIN"]),
        Case(name: "missing line", status: "CapPrm:\t0\n", expected: nil),
        Case(name: "not hexadecimal", status: "CapEff:\tzz\n", expected: nil),
    ])
    func decodesEffectiveSet(_ testCase: Case) {
        #expect(Capabilities(procStatus: testCase.status)?.names == testCase.expected)
    }

    @Test func namesFollowTheKernel() {
        #expect(Capability.sysAdmin.name == "CAP_SYS_ADMIN")
        #expect(Capability.sysAdmin.rawValue == 21)
        #expect(Capability.bpf.rawValue == 39)
        #expect(Capability.checkpointRestore.name == "CAP_CHECKPOINT_RESTORE")
    }
}

struct CgroupLayoutTests {
    @Test(arguments: [
        ("unified", "cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid 0 0\nproc /proc proc rw 0 0\n", CgroupLayout.v2),
        ("hybrid", "tmpfs /sys/fs/cgroup tmpfs rw 0 0\ncgroup /sys/fs/cgroup/cpu cgroup rw,cpu 0 0\ncgroup2 /sys/fs/cgroup/unified cgroup2 rw 0 0\n", .hybrid),
        ("legacy", "cgroup /sys/fs/cgroup/memory cgroup rw,memory 0 0\n", .v1),
        ("none", "proc /proc proc rw 0 0\n", CgroupLayout.none),
        ("empty", "", CgroupLayout.none),
    ])
    func classifiesMounts(name: String, mounts: String, expected: CgroupLayout) {
        #expect(CgroupLayout(procMounts: mounts) == expected, "\(name)")
    }
}

struct BackendSelectionTests {
    static let works = ProbeCheck(ok: true, detail: "works")
    static let denied = ProbeCheck(ok: false, detail: "Operation not permitted")

    @Test(arguments: [
        ("everything works", works, works, works, BackendKind?.some(.ebpf)),
        ("unprivileged", denied, works, works, .ptrace),
        ("no ptrace either", denied, denied, works, .seccomp),
        ("nothing works", denied, denied, denied, nil),
        ("ptrace denied but bpf works", works, denied, denied, .ebpf),
    ])
    func automaticPrefersEBPFThenPtraceThenSeccomp(
        name: String, bpf: ProbeCheck, ptrace: ProbeCheck, notify: ProbeCheck, expected: BackendKind?
    ) {
        let statuses = BackendSelection.statuses(bpf: bpf, ringBuffer: bpf, ptrace: ptrace, seccompNotify: notify)
        #expect(BackendSelection.automatic(statuses) == expected, "\(name)")
    }

    @Test func explanationNamesWhyBetterBackendsWerePassedOver() {
        let statuses = BackendSelection.statuses(bpf: Self.denied, ringBuffer: Self.denied, ptrace: Self.works, seccompNotify: Self.works)
        let line = BackendSelection.explain(statuses)
        #expect(line.hasPrefix("backend ptrace"))
        #expect(line.contains("ebpf unavailable: loading and attaching a BPF program failed: Operation not permitted"))
        #expect(!line.contains("seccomp"))
    }

    @Test func explanationWhenNothingRuns() {
        let statuses = BackendSelection.statuses(bpf: Self.denied, ringBuffer: Self.denied, ptrace: Self.denied, seccompNotify: Self.denied)
        #expect(BackendSelection.explain(statuses).hasPrefix("no capture backend can run here"))
    }
}
