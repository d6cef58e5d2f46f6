import Foundation
import Testing

/// `tollgate-bench floor`, the benchmarks' floor of each backend: the command runs as it would
/// bare, output and exit status included.
struct BenchFloorCommandTests {
    @Test(arguments: ["ptrace", "seccomp"])
    func theCommandsStatusAndOutputPassThrough(_ backend: String) throws {
        try Self.checkPassThrough(backend)
    }

    @Test(.enabled(if: getuid() == 0, "needs root: the eBPF floor attaches BPF programs"))
    func theCommandsStatusAndOutputPassThroughTheEBPFFloor() throws {
        try Self.checkPassThrough("ebpf")
    }

    static func checkPassThrough(_ backend: String) throws {
        let outcome = try TollgateBinary.run(["floor", "--backend", backend, "--", "sh", "-c", "cat /etc/hostname; exit 4"], executable: TollgateBinary.benchURL)
        #expect(outcome.status == 4, "\(outcome.stderr)")
        #expect(outcome.stdout == (try String(contentsOfFile: "/etc/hostname", encoding: .utf8)))
        let killed = try TollgateBinary.run(["floor", "--backend", backend, "--", "sh", "-c", "kill -TERM $$"], executable: TollgateBinary.benchURL)
        #expect(killed.status == 128 + SIGTERM)
    }

    @Test func aCommandThatCannotRunIs127() throws {
        let outcome = try TollgateBinary.run(["floor", "--backend", "ptrace", "--", "/nonexistent/command"], executable: TollgateBinary.benchURL)
        #expect(outcome.status == 127)
        #expect(outcome.stderr.contains("cannot run '/nonexistent/command'"))
    }

    @Test func anUnknownBackendIsAUsageError() throws {
        let outcome = try TollgateBinary.run(["floor", "--backend", "dtrace", "--", "true"], executable: TollgateBinary.benchURL)
        #expect(outcome.status == 64)
        #expect(outcome.stderr.contains("unknown backend 'dtrace'"))
    }
}

