import Foundation
import Testing
import TollgateEvents
@testable import TollgateCapture

/// Real jobs under the backends that need no privileges (ptrace and seccomp), so these run
/// everywhere. Each case runs under both; `SeccompBackendTests` has what differs.
enum UnprivilegedJobs {
    static let names = SyscallTable.stateSyscallNames.union(["openat", "open", "getppid"])

    static func backend(_ kind: BackendKind, names: Set<String> = names) throws -> CaptureBackend {
        switch kind {
        case .ptrace: try PtraceBackend(syscallNames: names)
        case .seccomp: try SeccompBackend(syscallNames: names)
        case .ebpf: try EBPFBackend(syscallNames: names)
        }
    }

    static func run(_ kind: BackendKind, _ command: [String], grace: Double = 10,
                    names: Set<String> = names) throws -> (CaptureResult, RecordingSink) {
        let sink = RecordingSink()
        let job = JobSpec(command: command, environment: ["PATH=/usr/bin:/bin", "TOLLGATE_TEST=1"],
                          workingDirectory: FileManager.default.currentDirectoryPath)
        let result = try backend(kind, names: names).run(job, grace: GracePeriod(seconds: grace), sink: sink)
        return (result, sink)
    }

    static func sh(_ kind: BackendKind, _ script: String, grace: Double = 10) throws -> (CaptureResult, RecordingSink) {
        try run(kind, ["/bin/sh", "-c", script], grace: grace)
    }

    static func argv(_ event: RawEvent) -> [String]? {
        event.payload(.argv).map { $0.bytes.split(separator: 0).map { String(decoding: $0, as: UTF8.self) } }
    }

    /// Runs `command` bare with its stdout in a pipe: what the job prints and its exit status.
    static func bare(_ command: [String]) throws -> (String, Int32) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (String(decoding: output, as: UTF8.self), process.terminationStatus)
    }
}

/// The two unprivileged backends, for tables of cases.
let unprivilegedBackends: [BackendKind] = [.ptrace, .seccomp]

@Suite(.serialized)
struct PtraceBackendTests {
    @Test(arguments: unprivilegedBackends)
    func capturesOpensExecsForksAndTheExitStatus(_ kind: BackendKind) throws {
        let (result, sink) = try UnprivilegedJobs.sh(kind, "cat /etc/hostname > /dev/null; exit 7")
        #expect(result.outcome.termination == .exited(7))
        #expect(result.coverage.malformed == 0)
        #expect(sink.opened("/etc/hostname"))
        let cat = try #require(sink.execs(of: "/usr/bin/cat").first ?? sink.execs(of: "/bin/cat").first)
        #expect(UnprivilegedJobs.argv(cat) == ["cat", "/etc/hostname"])
        #expect(cat.payload(.env)?.string?.contains("TOLLGATE_TEST=1") == true)
        #expect(!sink.syscalls(named: "getppid").isEmpty, "sh reads its PPID with getppid()")
        #expect(sink.events.contains { $0.kind == .processFork && $0.pid == sink.startedPid })
        #expect(sink.events.contains { $0.kind == .processExit && $0.pid == sink.startedPid })
        #expect(sink.events.allSatisfy { $0.kind != .syscall || UnprivilegedJobs.names.contains(SyscallTable.info(arch: .native, number: $0.syscall)?.name ?? "") })
        #expect(sink.events.count == Int(result.coverage.events))
    }

    @Test(arguments: unprivilegedBackends)
    func aFailedExecIsStatus127(_ kind: BackendKind) throws {
        let (result, _) = try UnprivilegedJobs.run(kind, ["/nonexistent/tool"], grace: 1)
        #expect(result.outcome.termination == .exited(127))
    }

    @Test(arguments: unprivilegedBackends)
    func aDaemonThatOutlivesTheMainProcessIsSeen(_ kind: BackendKind) throws {
        let (result, sink) = try UnprivilegedJobs.sh(kind, "setsid sh -c 'sleep 0.3; cat /etc/hostname > /dev/null' & exit 0")
        #expect(result.outcome.termination == .exited(0))
        #expect(sink.opened("/etc/hostname"))
        #expect(result.outcome.killedDescendants.isEmpty)
    }

    @Test(arguments: unprivilegedBackends)
    func descendantsStillRunningAfterTheGraceAreKilled(_ kind: BackendKind) throws {
        let started = ContinuousClock.now
        let (result, _) = try UnprivilegedJobs.sh(kind, "sleep 30 & exit 0", grace: 0.3)
        #expect(result.outcome.termination == .exited(0))
        #expect(result.outcome.killedDescendants.count == 1)
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test(arguments: unprivilegedBackends)
    func aThousandChildrenAreAllAttributed(_ kind: BackendKind) throws {
        let (result, sink) = try UnprivilegedJobs.sh(kind, "i=0; while [ $i -lt 1000 ]; do /bin/true; i=$((i+1)); done")
        #expect(result.outcome.termination == .exited(0))
        let truePids = Set(sink.execs(of: "/bin/true").map(\.pid))
        #expect(truePids.count == 1000)
    }

    @Test(arguments: unprivilegedBackends)
    func syscallsOutsideTheSetAreNeverDelivered(_ kind: BackendKind) throws {
        let (_, sink) = try UnprivilegedJobs.run(kind, ["/bin/sh", "-c", "cat /etc/hostname >/dev/null"], grace: 1,
                                                 names: SyscallTable.stateSyscallNames)
        #expect(!SyscallTable.stateSyscallNames.contains("getppid"))
        #expect(sink.syscalls(named: "getppid").isEmpty, "sh calls getppid(), but it was not asked for")
        #expect(sink.events.allSatisfy { $0.kind != .syscall || SyscallTable.stateSyscallNames.contains(SyscallTable.info(arch: .native, number: $0.syscall)?.name ?? "") })
        #expect(!sink.events.isEmpty)
    }
}
