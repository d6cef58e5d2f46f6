import Foundation
import Testing

/// A tool the credential rules trust is not trusted when a library is preloaded into it: a
/// constructor reading the SSH key inside `ssh-keygen` fails the gate on every backend, and
/// `ps`'s environment output (`-o args e`) counts as reading other processes' environments.
struct HijackedToolEndToEndTests {
    static func compilePreload(into scratch: Scratch) throws -> URL {
        try CFixture.compile("Tests/Fixtures/attacks/preload_read_key.c", to: scratch.url.appendingPathComponent("libsteal.so"),
                             flags: ["-shared", "-fPIC", "-O1"])
    }

    static let cases: [(GateBackend, Bool)] = [(.ebpf, false), (.ptrace, false), (.seccomp, false), (.ptrace, true), (.seccomp, true)]

    @Test(.enabled(if: getuid() == 0, "needs root for eBPF and to switch to nobody"), arguments: cases)
    func aKeyReadFromALibraryPreloadedIntoSshKeygenFails(_ backend: GateBackend, asNobody: Bool) throws {
        try EndToEnd.skipUnlessRunnable(backend, needsRoot: false)
        let scratch = try Scratch()
        defer { scratch.remove() }
        chmod(scratch.url.path, 0o755)
        try FileManager.default.createDirectory(at: scratch.url.appendingPathComponent(".ssh"), withIntermediateDirectories: true)
        let key = try scratch.write(".ssh/id_rsa", "not a key\n")
        chmod(key.path, 0o644)
        let library = try Self.compilePreload(into: scratch)
        let job = "LD_PRELOAD=\(library.path) TG_STOLEN_FILE=\(key.path) /usr/bin/ssh-keygen -l -f /dev/null 2>/dev/null; exit 0"
        let executable = asNobody ? try TollgateBinary.copyForOtherUsers() : TollgateBinary.url
        let outcome = try GateRun(arguments: ["run", "--no-config", "--backend", backend.rawValue, "--", "/bin/sh", "-c", job],
                                  wrapper: asNobody ? DoctorCommandTests.nobody : [], executable: executable,
                                  workingDirectory: URL(fileURLWithPath: "/tmp")).run()
        #expect(outcome.status == 3, "\(backend)\(asNobody ? " as nobody" : ""): \(outcome.stderr)")
        #expect(outcome.stderr.contains("CI Read SSH private key: SSH private key read by ssh-keygen"), "\(outcome.stderr)")
    }

    @Test(.enabled(if: getuid() == 0, "needs root: gates with the eBPF backend"))
    func psPrintingEnvironmentsFails() throws {
        let outcome = try GateRun(arguments: ["run", "--no-config", "--", "/bin/sh", "-c", "ps -ww -o args e > /dev/null"]).run()
        #expect(outcome.status == 3, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("CI Read another process memory or environment"), "\(outcome.stderr)")
        let listing = try GateRun(arguments: ["run", "--no-config", "--", "/bin/sh", "-c", "ps -ef > /dev/null; ps aux > /dev/null"]).run()
        #expect(listing.status == 0, "a plain process listing stays quiet: \(listing.stderr)")
    }
}
