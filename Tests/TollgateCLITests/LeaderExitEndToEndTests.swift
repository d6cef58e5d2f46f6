import Foundation
import Testing

/// A process whose main thread exits alone (`SYS_exit`) lives on in its other threads: they stay
/// tracked (their key read and the `cat` they fork are findings) and the grace period kills
/// the process when it outlives the job, on every backend.
@Suite(.enabled(if: getuid() == 0, "needs root for eBPF and to switch to nobody"))
struct LeaderExitEndToEndTests {
    static func compile(into scratch: Scratch) throws -> URL {
        try CFixture.compile("Tests/Fixtures/gate-attacks/leader_exits_alone.c", to: scratch.url.appendingPathComponent("leader"),
                             flags: ["-O1", "-pthread"])
    }

    static let cases: [(GateBackend, Bool)] = [(.ebpf, false), (.ptrace, false), (.seccomp, false), (.ptrace, true), (.seccomp, true)]

    /// Returns the scratch folder (world-readable), the key and the compiled fixture.
    static func prepare() throws -> (Scratch, URL, URL) {
        let scratch = try Scratch()
        chmod(scratch.url.path, 0o755)
        try FileManager.default.createDirectory(at: scratch.url.appendingPathComponent(".ssh"), withIntermediateDirectories: true)
        chmod(scratch.url.appendingPathComponent(".ssh").path, 0o755)
        let key = try scratch.write(".ssh/id_rsa", "not a key\n")
        chmod(key.path, 0o644)
        return (scratch, key, try compile(into: scratch))
    }

    @Test(arguments: cases)
    func threadsOutlivingTheirLeaderStayTracked(_ backend: GateBackend, asNobody: Bool) throws {
        try EndToEnd.skipUnlessRunnable(backend, needsRoot: false)
        let (scratch, key, leader) = try Self.prepare()
        defer { scratch.remove() }
        let executable = asNobody ? try TollgateBinary.copyForOtherUsers() : TollgateBinary.url
        let outcome = try GateRun(arguments: ["run", "--no-config", "--backend", backend.rawValue, "--", leader.path, key.path],
                                  wrapper: asNobody ? DoctorCommandTests.nobody : [], executable: executable,
                                  workingDirectory: URL(fileURLWithPath: "/tmp"), timeout: 60).run()
        #expect(outcome.status == 3, "\(backend)\(asNobody ? " as nobody" : ""): \(outcome.stderr)")
        #expect(outcome.stderr.contains("SSH private key read by leader"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("SSH private key read by cat"), "\(outcome.stderr)")
    }

    @Test(arguments: [GateBackend.ebpf, .ptrace, .seccomp])
    func theGraceKillEndsAProcessWithoutItsLeader(_ backend: GateBackend) throws {
        try EndToEnd.skipUnlessRunnable(backend, needsRoot: false)
        let (scratch, key, leader) = try Self.prepare()
        defer { scratch.remove() }
        let job = "TG_LINGER=1 \(leader.path) \(key.path) & sleep 1; exit 0"
        let outcome = try GateRun(arguments: ["run", "--no-config", "--backend", backend.rawValue, "--grace", "1", "--",
                                              "/bin/sh", "-c", job], timeout: 60).run()
        #expect(outcome.status == 3, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("SSH private key read by cat"), "\(outcome.stderr)")
        let killed = try #require(outcome.stderr.firstRange(of: "after the grace period: ").map {
            Int32(outcome.stderr[$0.upperBound...].prefix { $0.isNumber })
        } ?? nil, "the lingering process was killed: \(outcome.stderr)")
        let gone = kill(killed, 0) != 0 || (try? String(contentsOfFile: "/proc/\(killed)/stat", encoding: .utf8))?.contains(") Z") == true
        #expect(gone, "process \(killed) still runs")
        if !gone { kill(killed, SIGKILL) }
    }
}

/// Compiles a C fixture of the repository with the system's `cc`.
enum CFixture {
    static func compile(_ source: String, to output: URL, flags: [String]) throws -> URL {
        let compiler = Process()
        compiler.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        compiler.arguments = ["cc"] + flags + ["-o", output.path, EndToEnd.repository.appendingPathComponent(source).path]
        try compiler.run()
        compiler.waitUntilExit()
        guard compiler.terminationStatus == 0 else { throw FixtureError(message: "cc failed for \(source)") }
        return output
    }
}
