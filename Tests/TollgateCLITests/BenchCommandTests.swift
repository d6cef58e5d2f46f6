import Foundation
import Testing
import TollgateBenchSupport

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

/// The shipped `tollgate` carries no benchmark: no command, no floor program, no benchmark
/// code (issue #27). `tollgate-bench`, built from the same sources, has them all, which shows
/// that the checks below would find them.
struct ProductHasNoBenchmarksTests {
    @Test func theBenchmarkCommandsAreUnknownToTollgate() throws {
        let floor = try TollgateBinary.run(["bench-floor", "--", "true"])
        #expect(floor.status == 64, "\(floor.stderr)")
        let engine = try TollgateBinary.run(["rules", "bench-engine", "--events", "1000"])
        #expect(engine.status == 64, "\(engine.stderr)")
        let help = try TollgateBinary.run(["--help"])
        #expect(!help.stdout.contains("bench"))
    }

    @Test func tollgateBenchOffersThem() throws {
        let floor = try TollgateBinary.run(["floor", "--backend", "ptrace", "--", "true"], executable: TollgateBinary.benchURL)
        #expect(floor.status == 0, "\(floor.stderr)")
        let engine = try TollgateBinary.run(["engine", "--events", "1000", "rules"], executable: TollgateBinary.benchURL)
        #expect(engine.status == 0, "\(engine.stderr)")
        #expect(engine.stdout.contains("engine throughput: "))
    }

    /// What only benchmarks use, as it appears in a binary: the floor BPF object (embedded as
    /// base64 text) and the benchmark code's symbols.
    static let benchmarkMarks: [(what: String, bytes: [UInt8])] = {
        let floorText = Data(FloorBPF.object).base64EncodedString()
        // A slice from the middle, on a 4-character boundary: the object's own bytes, not the
        // ELF header every BPF object starts with.
        let start = floorText.index(floorText.startIndex, offsetBy: floorText.count / 8 * 4)
        let slice = String(floorText[start...].prefix(128))
        return [("the floor BPF object", Array(slice.utf8))]
            + ["floorBase64", "FloorProbe", "MonitorFloor", "tg_floor_run", "tg_read_program_figures",
               "EngineBenchmark", "SyntheticWorkload", "SyntheticRawEvents"].map { ($0, Array($0.utf8)) }
    }()

    static func marks(in binary: URL) throws -> [String] {
        let bytes = try Data(contentsOf: binary)
        return benchmarkMarks.filter { bytes.range(of: Data($0.bytes)) != nil }.map(\.what)
    }

    @Test func theTollgateBinaryEmbedsNoFloorProgramAndNoBenchmarkCode() throws {
        #expect(try Self.marks(in: TollgateBinary.url) == [])
        // The control: what tollgate-bench uses is found in it.
        let inBench = Set(try Self.marks(in: TollgateBinary.benchURL))
        for used in ["the floor BPF object", "FloorProbe", "MonitorFloor", "tg_floor_run", "EngineBenchmark", "SyntheticWorkload"] {
            #expect(inBench.contains(used), "\(used) not found in tollgate-bench: the check would not see it")
        }
    }
}
