import Foundation
import Testing

/// `--kill-on` and `--deny-on` (issue 28), end to end on every backend.
///
/// ptrace and seccomp hold a task whose call a kill rule may fire on until the gate has
/// evaluated it, and ask the gate before a call a rule can decide at its entry runs: the job dies
/// (or the call fails) before it does anything with the key. eBPF cannot hold or refuse a call
/// on this kernel (BPF LSM programs do not load): its capture program kills the caller itself at
/// the exit of an open that a rule it can decide matches (`KernelOpenCompiler`), and the gate
/// kills from user space on the other rules once the record reaches it; `--deny-on` kills there
/// too. Known blind spots, listed in the run's coverage (issue #28):
/// - eBPF, rules decided in user space: a job fast enough finishes calls between the one that
///   gave it away and the kill (a C program that renames `~/.ssh` first, then reads the key from
///   its new name and sends it, gets it out).
/// - seccomp: a call is let run with CONTINUE, so the kernel reads its arguments again after the
///   gate decided on them: another thread can rewrite a path in between.
/// - ptrace: a call held at its exit has run; another thread of the process can use its result
///   until the kill lands (calls a rule can decide at their entry are decided there instead).
@Suite(.enabled(if: getuid() == 0, "needs root: the gate captures with eBPF, ptrace or seccomp as root"))
struct EnforcementEndToEndTests {
    /// ExitStatus.blockingFinding (the executable's table; tests cannot import it).
    static let blocking: Int32 = 3
    static let stealAndSend = EndToEnd.repository.appendingPathComponent("Tests/Fixtures/enforcement/steal_and_send.py")

    /// A home with a fake SSH key, and a loopback listener that keeps what it receives.
    struct Victim {
        let home: URL
        let listener: LoopbackListener

        init() throws {
            home = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-enforce-\(UUID().uuidString)")
            let ssh = home.appendingPathComponent(".ssh")
            try FileManager.default.createDirectory(at: ssh, withIntermediateDirectories: true)
            try Data("FAKE-PRIVATE-KEY\n".utf8).write(to: ssh.appendingPathComponent("id_rsa"))
            listener = try LoopbackListener()
        }

        var environment: [String: String] {
            var environment = ProcessInfo.processInfo.environment
            environment["HOME"] = home.path
            for name in ["GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "GITLAB_CI"] { environment[name] = nil }
            return environment
        }

        func remove() {
            listener.close()
            try? FileManager.default.removeItem(at: home)
        }
    }

    /// Runs `tollgate run` with `arguments` before `--` and the job after it, in `victim`'s home.
    static func run(_ backend: GateBackend, _ arguments: [String], job: [String], victim: Victim) throws -> (GateRun.Outcome, String, String) {
        let reports = victim.home.appendingPathComponent("reports")
        try FileManager.default.createDirectory(at: reports, withIntermediateDirectories: true)
        let sarif = reports.appendingPathComponent("run.sarif"), summary = reports.appendingPathComponent("summary.md")
        let outcome = try GateRun(arguments: ["run", "--no-config", "--backend", backend.rawValue, "--sarif", sarif.path,
                                              "--summary", summary.path] + arguments + ["--"] + job,
                                  environment: victim.environment, timeout: 120).run()
        return (outcome, (try? String(contentsOf: sarif, encoding: .utf8)) ?? "", (try? String(contentsOf: summary, encoding: .utf8)) ?? "")
    }

    @Test(arguments: [GateBackend.ptrace, .seccomp])
    func killOnKillsTheJobBeforeTheKeyIsSent(_ backend: GateBackend) throws {
        try EndToEnd.skipUnlessRunnable(backend, needsRoot: false)
        let victim = try Victim()
        defer { victim.remove() }
        let (outcome, sarif, summary) = try Self.run(backend, ["--kill-on", "error"],
                                                     job: ["python3", Self.stealAndSend.path, "\(victim.listener.port)", "0"], victim: victim)
        let stdout = String(decoding: outcome.stdout, as: UTF8.self)
        #expect(outcome.status == Self.blocking, "\(outcome.stderr)")
        #expect(!stdout.contains("read"), "the job died at the open, before it had the key: \(stdout)")
        #expect(victim.listener.received().isEmpty, "nothing reached the listener")
        #expect(outcome.stderr.contains("ERROR CI Read SSH private key [killed the job]"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("Killed the job on 'CI Read SSH private key'"), "\(outcome.stderr)")
        #expect(sarif.contains("\"action\": \"killed the job\""), "\(sarif.suffix(2000))")
        #expect(sarif.contains("tollgate/job-killed"))
        #expect(summary.contains("| Enforcement | kill on ERROR. Killed the job on 'CI Read SSH private key'"), "\(summary)")
    }

    /// eBPF kills from user space on a rule its capture program cannot decide (the cloud
    /// credentials rule's exceptions read the command line): a job that waits after the read is
    /// dead before it sends.
    @Test func killOnUnderEBPFKillsFromUserSpaceAndSaysSo() throws {
        try EndToEnd.skipUnlessRunnable(.ebpf, needsRoot: true)
        let victim = try Victim()
        defer { victim.remove() }
        let aws = victim.home.appendingPathComponent(".aws")
        try FileManager.default.createDirectory(at: aws, withIntermediateDirectories: true)
        try Data("[default]\naws_secret_access_key = FAKE\n".utf8).write(to: aws.appendingPathComponent("credentials"))
        let (outcome, sarif, summary) = try Self.run(.ebpf, ["--kill-on", "error"],
                                                     job: ["python3", Self.stealAndSend.path, "\(victim.listener.port)", "2", ".aws/credentials"],
                                                     victim: victim)
        #expect(outcome.status == Self.blocking, "\(outcome.stderr)")
        #expect(!String(decoding: outcome.stdout, as: UTF8.self).contains("sent"))
        #expect(victim.listener.received().isEmpty)
        #expect(outcome.stderr.contains("ERROR CI Read cloud credentials [killed the job]"), "\(outcome.stderr)")
        #expect(sarif.contains("\"killedInKernel\": false"), "\(sarif.suffix(1500))")
        #expect(summary.contains("kills from user space"), "the race is a listed blind spot: \(summary)")
    }

    static let stealFast = Result {
        try CFixture.compile("Tests/Fixtures/enforcement/steal_fast.c",
                             to: FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-steal-fast-\(getpid())"),
                             flags: ["-O1", "-pthread"])
    }

    /// eBPF's capture program kills a C job that sends the key the moment it has it, at the
    /// open, before the read: by every way of naming the key the fixture knows.
    @Test(arguments: ["plain", "symlink", "dirfd", "openat2", "procfd"])
    func killOnUnderEBPFKillsInTheKernelBeforeTheKeyIsRead(_ how: String) throws {
        try EndToEnd.skipUnlessRunnable(.ebpf, needsRoot: true)
        let program = try Self.stealFast.get()
        let victim = try Victim()
        defer { victim.remove() }
        let (outcome, sarif, summary) = try Self.run(.ebpf, ["--kill-on", "error"], job: [program.path, "\(victim.listener.port)", how],
                                                     victim: victim)
        #expect(outcome.status == Self.blocking, "\(outcome.stderr)")
        #expect(victim.listener.received().isEmpty, "nothing reached the listener")
        #expect(!outcome.stderr.contains("read\n"), "the job died at the open: \(outcome.stderr)")
        #expect(outcome.stderr.contains("ERROR CI Read SSH private key [killed the job]"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("the capture program killed the caller in the kernel at that syscall's exit"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("job killed by signal 9"), "\(outcome.stderr)")
        #expect(sarif.contains("\"killedInKernel\": true"), "\(sarif.suffix(1500))")
        #expect(summary.contains("killed the caller in the kernel"), "\(summary)")
    }

    /// Renaming the key's folder first takes the job out of what the kernel decides (the rename
    /// rule is the gate's): the job is still killed, from user space, on the rename. Whether
    /// the key got out first is the listed race, not asserted here.
    @Test func aRenamedCredentialFolderIsKilledOnFromUserSpace() throws {
        try EndToEnd.skipUnlessRunnable(.ebpf, needsRoot: true)
        let program = try Self.stealFast.get()
        let victim = try Victim()
        defer { victim.remove() }
        let (outcome, sarif, _) = try Self.run(.ebpf, ["--kill-on", "error"], job: [program.path, "\(victim.listener.port)", "rename"],
                                               victim: victim)
        #expect(outcome.status == Self.blocking, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("Killed the job on 'CI Link or rename of a credential file'"), "\(outcome.stderr)")
        #expect(sarif.contains("\"killedInKernel\": false"), "\(sarif.suffix(1500))")
    }

    /// The kernel keeps the rule's exceptions: an SSH tool reading a key is not killed.
    @Test func anSSHToolReadingAKeyIsNotKilledInTheKernel() throws {
        try EndToEnd.skipUnlessRunnable(.ebpf, needsRoot: true)
        let keygen = "/usr/bin/ssh-keygen"
        try #require(FileManager.default.isExecutableFile(atPath: keygen), "openssh-client is installed by scripts/install-deps.sh")
        let victim = try Victim()
        defer { victim.remove() }
        let key = victim.home.appendingPathComponent(".ssh/id_ed25519")
        let maker = Process()
        maker.executableURL = URL(fileURLWithPath: keygen)
        maker.arguments = ["-q", "-t", "ed25519", "-N", "", "-f", key.path]
        try maker.run()
        maker.waitUntilExit()
        try #require(maker.terminationStatus == 0)
        let (outcome, _, _) = try Self.run(.ebpf, ["--kill-on", "error"], job: [keygen, "-y", "-f", key.path], victim: victim)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(String(decoding: outcome.stdout, as: UTF8.self).hasPrefix("ssh-ed25519 "))
    }

    @Test(arguments: [GateBackend.ptrace, .seccomp])
    func denyOnRefusesTheReadAndTheJobGoesOn(_ backend: GateBackend) throws {
        try EndToEnd.skipUnlessRunnable(backend, needsRoot: false)
        let victim = try Victim()
        defer { victim.remove() }
        let job = ["/bin/sh", "-c", "cat \"$HOME/.ssh/id_rsa\"; echo \"cat:$?\"; echo later-step"]
        let (outcome, sarif, summary) = try Self.run(backend, ["--deny-on", "error"], job: job, victim: victim)
        let stdout = String(decoding: outcome.stdout, as: UTF8.self)
        #expect(stdout == "cat:1\nlater-step\n", "the read failed, the job went on: \(stdout) \(outcome.stderr)")
        #expect(outcome.stderr.contains("Operation not permitted"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("ERROR CI Read SSH private key [denied]"), "\(outcome.stderr)")
        #expect(outcome.status == Self.blocking, "a denied attempt is still a finding at ERROR")
        #expect(sarif.contains("denied"))
        #expect(summary.contains("deny on ERROR (EPERM)"), "\(summary)")
        #expect(summary.components(separatedBy: "**denied**").count == 2, "reported once, not again for the refused call's record: \(summary)")

        let (chosen, _, _) = try Self.run(backend, ["--deny-on", "error", "--deny-errno", "EACCES"], job: job, victim: victim)
        #expect(chosen.stderr.contains("Permission denied"), "\(chosen.stderr)")
    }

    @Test func denyOnUnderEBPFKillsInstead() throws {
        try EndToEnd.skipUnlessRunnable(.ebpf, needsRoot: true)
        let victim = try Victim()
        defer { victim.remove() }
        let (outcome, sarif, _) = try Self.run(.ebpf, ["--deny-on", "error"],
                                               job: ["python3", Self.stealAndSend.path, "\(victim.listener.port)", "2"], victim: victim)
        #expect(outcome.status == Self.blocking)
        #expect(outcome.stderr.contains("eBPF cannot refuse calls here: --deny-on kills the job instead"), "\(outcome.stderr)")
        #expect(victim.listener.received().isEmpty)
        #expect(sarif.contains("killedOn"))
    }

    @Test(arguments: [GateBackend.ptrace, .seccomp, .ebpf])
    func anHonestJobRunsUnchangedUnderBothFlags(_ backend: GateBackend) throws {
        try EndToEnd.skipUnlessRunnable(backend, needsRoot: backend == .ebpf)
        let victim = try Victim()
        defer { victim.remove() }
        let job = ["/bin/sh", "-c", "cat \"$HOME/.ssh/id_rsa.pub\" 2>/dev/null; ls \"$HOME\" | sort | tr a-z A-Z; echo done"]
        let (outcome, _, _) = try Self.run(backend, ["--kill-on", "warning", "--deny-on", "warning"], job: job, victim: victim)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(String(decoding: outcome.stdout, as: UTF8.self) == "REPORTS\ndone\n", "\(outcome.stderr)")
    }

    /// A refused attempt on the gate never waits for a verdict: when a site rule made `kill`
    /// a call a kill may follow, its record was flagged as waiting but nothing waited, and the
    /// gate's answer went to another call or nowhere (the run then hung).
    @Test(arguments: [GateBackend.ptrace, .seccomp])
    func aRefusedAttemptOnTheGateDoesNotShiftTheVerdicts(_ backend: GateBackend) throws {
        try EndToEnd.skipUnlessRunnable(backend, needsRoot: false)
        let victim = try Victim()
        defer { victim.remove() }
        let site = victim.home.appendingPathComponent("site.yaml")
        try Data("""
            - rule: CI Attack on the gate
              priority: WARNING
              override:
                priority: replace
            - rule: Kill of a build daemon
              desc: makes kill(2) a call a kill may follow under --kill-on error
              condition: evt.type = kill and evt.arg.sig = 9 and proc.name = no-such-daemon-killer
              output: kill by %proc.name
              priority: ERROR
            """.utf8).write(to: site)
        let rules = EndToEnd.repository.appendingPathComponent("rules").path
        // The pause lets the monitor's tick take the stray answer; setuid's exit stop then waited
        // for an answer that never came.
        let job = ["/bin/sh", "-c", "kill -TERM $PPID; sleep 0.1; python3 -c 'import os; os.setuid(0)'; cat \"$HOME/.ssh/id_rsa\" > /dev/null; echo after"]
        let (outcome, _, _) = try Self.run(backend, ["--kill-on", "error", "--rules", rules, "--rules", site.path], job: job, victim: victim)
        #expect(outcome.status == Self.blocking, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("Killed the job on 'CI Read SSH private key'"), "\(outcome.stderr)")
        #expect(!String(decoding: outcome.stdout, as: UTF8.self).contains("after"))
    }

    /// `rules list` says which backends can refuse each rule's calls (none for a rule that
    /// needs the call's result), and whether eBPF kills on it in the kernel.
    @Test func rulesListNamesTheBackendsThatCanRefuseAndKill() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-deny-list-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("r.yaml")
        try Data("""
            - rule: Key opened
              desc: d
              condition: evt.type = openat and fd.name endswith "/id_rsa"
              output: "%fd.name"
              priority: ERROR
            - rule: Key opened above stderr
              desc: d
              condition: evt.type = openat and fd.name endswith "/id_rsa" and fd.num > 2
              output: "%fd.name"
              priority: ERROR
            - rule: Key opened by cat
              desc: d
              condition: evt.type = openat and fd.name endswith "/id_rsa" and proc.name = cat
              output: "%fd.name"
              priority: ERROR
            """.utf8).write(to: file)
        let text = try GateRun(arguments: ["rules", "list", file.path]).run()
        let lines = String(decoding: text.stdout, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines.first?.hasSuffix("\tdeny: ptrace,seccomp\tkill: in the kernel (ebpf)") == true, "\(lines)")
        #expect(lines.dropFirst().first?.hasSuffix("\tdeny: no (needs the call's result)\tkill: by the gate") == true, "\(lines)")
        #expect(lines.last?.hasSuffix("\tdeny: ptrace,seccomp\tkill: by the gate") == true, "\(lines)")
        let json = try GateRun(arguments: ["rules", "list", file.path, "--json"]).run()
        let rows = try #require(try JSONSerialization.jsonObject(with: json.stdout) as? [[String: Any]])
        #expect(rows.map { $0["denies"] as? [String] ?? ["?"] } == [["ptrace", "seccomp"], [], ["ptrace", "seccomp"]])
        #expect(rows.map { $0["killsInKernel"] as? Bool } == [true, false, false])
    }

    @Test func flagsAndConfigAreChecked() throws {
        let bad = try GateRun(arguments: ["run", "--no-config", "--kill-on", "loud", "--", "true"]).run()
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("unknown priority 'loud' for '--kill-on'"), "\(bad.stderr)")
        let errno = try GateRun(arguments: ["run", "--no-config", "--deny-errno", "EWHAT", "--", "true"]).run()
        #expect(errno.status == 64)
        #expect(errno.stderr.contains("unknown errno 'EWHAT'"), "\(errno.stderr)")
    }
}

/// A TCP listener on 127.0.0.1 that accepts and keeps whatever arrives, on a thread of its own.
final class LoopbackListener: @unchecked Sendable {
    let port: UInt16
    private let socket: Int32
    private let lock = NSLock()
    private var bytes: [UInt8] = []
    private var open = true

    init() throws {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard fd >= 0, bound, listen(fd, 8) == 0 else { throw CocoaError(.fileWriteUnknown) }
        socket = fd
        port = UInt16(bigEndian: address.sin_port)
        Thread { [self] in acceptLoop() }.start()
    }

    private func acceptLoop() {
        while true {
            let connection = accept(socket, nil, nil)
            guard connection >= 0 else { return }
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let got = read(connection, &buffer, buffer.count)
                if got <= 0 { break }
                lock.lock()
                bytes += buffer[0..<got]
                lock.unlock()
            }
            Glibc.close(connection)
        }
    }

    /// What arrived so far, after a moment for anything in flight.
    func received() -> [UInt8] {
        usleep(200_000)
        lock.lock()
        defer { lock.unlock() }
        return bytes
    }

    func close() {
        lock.lock()
        defer { lock.unlock() }
        guard open else { return }
        open = false
        shutdown(socket, Int32(SHUT_RDWR))
        Glibc.close(socket)
    }
}
