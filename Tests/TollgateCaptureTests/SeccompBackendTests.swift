import Foundation
import Testing
import TollgateEvents
@testable import TollgateCapture

/// What only the seccomp backend does: it leaves ptrace to the job, and says what it cannot see.
@Suite(.serialized)
struct SeccompBackendTests {
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/strace"), "needs /usr/bin/strace (apt-get install strace)"))
    func aJobThatUsesPtraceItselfWorks() throws {
        let (result, sink) = try UnprivilegedJobs.run(.seccomp, ["/usr/bin/strace", "-f", "-o", "/dev/null", "/bin/sh", "-c", "cat /etc/hostname >/dev/null; exit 4"])
        #expect(result.outcome.termination == .exited(4), "strace reports its tracee's status")
        #expect(sink.opened("/etc/hostname"), "the traced job's calls are still seen")
        #expect(!sink.syscalls(named: "ptrace").isEmpty || !SyscallTable.stateSyscallNames.contains("ptrace"))
    }

    @Test func underPtraceTheSameJobCannotTrace() throws {
        let (result, _) = try UnprivilegedJobs.run(.ptrace, ["/usr/bin/strace", "-f", "-o", "/dev/null", "/bin/true"])
        #expect(result.outcome.termination != .exited(0), "a traced process cannot be traced twice: that is why the seccomp backend exists")
    }

    @Test func returnValuesAreUnknownAndSaidSo() throws {
        let (result, sink) = try UnprivilegedJobs.sh(.seccomp, "cat /nonexistent 2>/dev/null; exit 0")
        let opens = sink.syscalls(named: "openat").filter { $0.payload(.arg(1))?.string == "/nonexistent" }
        #expect(!opens.isEmpty)
        #expect(opens.allSatisfy { $0.flags.contains(.returnValueUnknown) && $0.flags.contains(.argsReadAtEntry) })
        #expect(result.coverage.blindSpots.contains { $0.hasPrefix("return values") })
    }

    @Test func underPtraceReturnValuesAreKnown() throws {
        let (_, sink) = try UnprivilegedJobs.sh(.ptrace, "cat /nonexistent 2>/dev/null; exit 0")
        let opens = sink.syscalls(named: "openat").filter { $0.payload(.arg(1))?.string == "/nonexistent" }
        #expect(!opens.isEmpty)
        #expect(opens.allSatisfy { $0.returnValue == -Int64(ENOENT) && !$0.flags.contains(.returnValueUnknown) })
    }

    /// ptrace follows only the calls whose result is needed to their exit: the others are
    /// recorded at entry, saying so, and the job behaves the same.
    @Test func underPtraceOnlyTheNamedCallsWaitForTheirExit() throws {
        let names = UnprivilegedJobs.names
        let backend = try PtraceBackend(syscallNames: names, exitSyscallNames: SyscallTable.returnStateSyscallNames)
        let sink = RecordingSink()
        let job = JobSpec(command: ["/bin/sh", "-c", "cat /etc/hostname /nonexistent > /dev/null 2>&1; exit 7"],
                          environment: ["PATH=/usr/bin:/bin"], workingDirectory: "/")
        let result = try backend.run(job, grace: GracePeriod(seconds: 10), sink: sink)
        #expect(result.outcome.termination == .exited(7))
        #expect(!SyscallTable.returnStateSyscallNames.contains("close"))
        let closes = sink.syscalls(named: "close")
        #expect(!closes.isEmpty)
        #expect(closes.allSatisfy { $0.flags.contains(.returnValueUnknown) && $0.flags.contains(.argsReadAtEntry) })
        let opens = sink.syscalls(named: "openat").filter { $0.payload(.arg(1))?.string == "/nonexistent" }
        #expect(!opens.isEmpty)
        #expect(opens.allSatisfy { $0.returnValue == -Int64(ENOENT) && !$0.flags.contains(.returnValueUnknown) })
        #expect(sink.syscalls(named: "getppid").allSatisfy { $0.flags.contains(.returnValueUnknown) })
    }

    @Test(arguments: unprivilegedBackends)
    func anExecFromAMemfdIsFlagged(_ kind: BackendKind) throws {
        let script = "import os\nfd = os.memfd_create('payload')\nos.write(fd, open('/bin/true', 'rb').read())\nos.execve(fd, ['payload'], {})"
        let (result, sink) = try UnprivilegedJobs.run(kind, ["/usr/bin/env", "python3", "-c", script])
        #expect(result.outcome.termination == .exited(0))
        let exec = try #require(sink.events.last { $0.kind == .processExec })
        #expect(RawEvent.ExecFlags(rawValue: exec.args[0]).contains(.exeFromMemfd))
        #expect(exec.payload(.exePath)?.string?.hasPrefix("/dev/fd/") == true)
    }

    /// A script's exec shows the argv the kernel gives its interpreter, under both backends.
    @Test(arguments: unprivilegedBackends)
    func aScriptRunsUnderItsInterpreterArgv(_ kind: BackendKind) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tg-script-\(UUID().uuidString).sh").path
        // Written by a child: a file this process held open for writing could be inherited by a
        // monitor another test forks meanwhile, and exec would fail with ETXTBSY.
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/bin/sh")
        writer.arguments = ["-c", "printf '#!/bin/sh -e\\nexit 0\\n' > \"$1\" && chmod 755 \"$1\"", "sh", path]
        try writer.run()
        writer.waitUntilExit()
        try #require(writer.terminationStatus == 0)
        defer { unlink(path) }
        let (result, sink) = try UnprivilegedJobs.run(kind, [path, "one", "two"])
        #expect(result.outcome.termination == .exited(0))
        let exec = try #require(sink.execs(of: path).first)
        #expect(UnprivilegedJobs.argv(exec) == ["/bin/sh", "-e", path, "one", "two"])
    }
}

