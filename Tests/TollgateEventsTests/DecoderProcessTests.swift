import Testing

@testable import TollgateEvents
import TollgateBenchSupport

/// Process tree, exec, fork and exit behaviour, built from RawEvent sequences.
struct DecoderProcessTests {
    typealias T = TestEvents

    @Test func seededProcessFields() throws {
        let decoder = T.decoder()
        let event = try #require(decoder.decode(T.sys("getppid", ret: 1, time: 5_000)))
        let p = event.process
        #expect(p.pid == 1000 && p.ppid == 1 && p.isKnown)
        #expect(p.exe == "make" && p.exePath == "/usr/bin/make" && p.name == "make")
        #expect(p.args == ["test"])
        #expect(p.cmdline == "make test")
        #expect(p.cwd == "/home/builder/src/")
        #expect(p.duration(at: event.timestamp) == 4_000)
        #expect(p.environmentValue("HOME") == "/home/builder")
        #expect(p.environmentValue("HOM") == nil)
        #expect(p.containerID == "host")
        #expect(event.user?.name == "builder")
        #expect(event.groupName == "builder")
        #expect(p.isExeFromMemfd == false)
        #expect(p.isExeWritable == nil)
    }

    @Test func forkCopiesStateAndExecReplacesIt() throws {
        let decoder = T.decoder()
        T.run(decoder, [T.openat("/etc/passwd", fd: 3), T.fork(child: 1001)])
        let child = try #require(decoder.processes.process(1001))
        #expect(child.parent === decoder.processes.process(1000))
        #expect(child.ppid == 1000)
        #expect(child.name == "make" && child.cwd == "/home/builder/src/")
        #expect(child.fds[3]?.name == "/etc/passwd")
        #expect(child.startTime == 3_000)
        // The child's fd table is a copy: closing in the child leaves the parent's fd.
        T.run(decoder, [T.sys("close", pid: 1001, args: [3])])
        #expect(child.fds[3] == nil)
        #expect(decoder.processes.process(1000)?.fds[3] != nil)

        let exec = try #require(decoder.decode(T.exec(
            pid: 1001, path: "/usr/bin/python3.12", argv: ["python3", "-c", "print(1)"], env: ["A=1", "B=2"])))
        #expect(exec.name == "execve")
        #expect(child.exe == "python3" && child.exePath == "/usr/bin/python3.12")
        #expect(child.name == "python3.12")
        #expect(child.args == ["-c", "print(1)"])
        #expect(child.cmdline == "python3.12 -c print(1)")
        #expect(child.env == ["A=1", "B=2"])
        #expect(exec.argument(named: "exe")?.rendered == "python3")
        #expect(exec.argument(named: "args")?.rendered == "-c print(1)")
        #expect(exec.argument(named: "filename")?.rendered == "/usr/bin/python3.12")
        #expect(exec.argument(named: "flags")?.rendered == "0")
        #expect(exec.argument(named: "ptid") == .pid(1000))
        #expect(exec.process.parent?.name == "make")
    }

    @Test func execKeepsEnvWhenAbsentAndClosesCloexecFds() throws {
        let decoder = T.decoder()
        T.run(decoder, [T.openat("/keep", fd: 3), T.openat("/drop", fd: 4, flags: 0o2000000),
                        T.exec(pid: 1000, path: "/bin/sh", argv: ["sh"], cwd: "/tmp")])
        let p = try #require(decoder.processes.process(1000))
        #expect(p.env == ["HOME=/home/builder"])
        #expect(p.cwd == "/tmp/")
        #expect(p.fds[3]?.name == "/keep")
        #expect(p.fds[4] == nil)
    }

    @Test func execFromMemfdSetsFlags() throws {
        let decoder = T.decoder()
        let exec = try #require(decoder.decode(T.exec(
            pid: 1000, path: "/memfd:payload (deleted)", argv: ["x"],
            flags: [.exeFromMemfd, .exeWritable, .exeWritableKnown, .exeLayerKnown])))
        #expect(exec.process.isExeFromMemfd == true)
        #expect(exec.process.isExeWritable == true)
        #expect(exec.process.isExeUpperLayer == false)
        #expect(exec.argument(named: "flags")?.rendered == "EXE_WRITABLE|EXE_FROM_MEMFD")
    }

    /// A command line the capture cut is known as cut (`proc.is_cmdline_truncated`) by the
    /// process and its children, until one of them execs a whole one.
    @Test func cutCommandLineIsKnownAndInherited() throws {
        let decoder = T.decoder()
        #expect(decoder.processes.process(1000)?.argsTruncated == false, "the seeded process's command line is whole")
        var cut = T.exec(pid: 1000, path: "/usr/bin/curl", argv: ["curl", "-H", "X-Pad: xxxx"])
        cut.flags = [.commandLineTruncated, .payloadTruncated]
        let exec = try #require(decoder.decode(cut))
        #expect(exec.process.argsTruncated == true)
        #expect(exec.process.args == ["-H", "X-Pad: xxxx"])
        T.run(decoder, [T.fork(child: 1001)])
        #expect(decoder.processes.process(1001)?.argsTruncated == true)
        T.run(decoder, [T.exec(pid: 1001, path: "/bin/true", argv: ["true"])])
        #expect(decoder.processes.process(1001)?.argsTruncated == false)
        var envOnly = T.exec(pid: 1000, path: "/bin/env", argv: ["env"])
        envOnly.flags = [.payloadTruncated]  // another payload (the environment) was cut
        #expect(try #require(decoder.decode(envOnly)).process.argsTruncated == false)
    }

    @Test func failedExecveChangesNothing() throws {
        let decoder = T.decoder()
        let event = try #require(decoder.decode(
            T.sys("execve", args: [0, 0, 0], ret: -2, payloads: [.arg(0): "/no/such"])))
        #expect(event.failed && event.resultString == "ENOENT")
        #expect(event.argument(named: "filename")?.rendered == "/no/such")
        #expect(event.process.exe == "make")
    }

    @Test func threadsShareTheProcess() throws {
        let decoder = T.decoder()
        T.run(decoder, [T.fork(child: 1005, flags: 0x3D0F00)])  // CLONE_THREAD|CLONE_FILES|CLONE_VM|...
        let thread = try #require(decoder.processes.thread(1005))
        #expect(thread.process === decoder.processes.process(1000))
        #expect(!thread.isMainThread)
        T.run(decoder, [T.sys("openat", pid: 1000, tid: 1005, args: [T.atFdcwd, 0, 0], ret: 3, payloads: [.arg(1): "/t"])])
        #expect(decoder.processes.process(1000)?.fds[3]?.name == "/t")
        T.run(decoder, [T.exit(pid: 1000, tid: 1005)])
        #expect(decoder.processes.process(1000) != nil)
        #expect(decoder.processes.threadCount == 1)
    }

    @Test func clone3SyscallRecordWithThreadFlagAddsAThread() throws {
        let decoder = T.decoder()
        let cloneArgs = ByteString((0..<64).map { i in i < 8 ? UInt8((UInt64(0x3D0F00) >> UInt64(8 * i)) & 0xFF) : 0 })
        let event = try #require(decoder.decode(T.sys("clone3", args: [0, 88], ret: 1010, payloads: [.arg(0): cloneArgs])))
        #expect(event.argument(named: "flags")?.rendered.contains("CLONE_THREAD") == true)
        #expect(decoder.processes.thread(1010)?.process === decoder.processes.process(1000))
        #expect(decoder.processes.process(1010) == nil)
        // Without the payload the flags are unknown and a new process is assumed.
        T.run(decoder, [T.sys("clone3", args: [0, 88], ret: 1011)])
        #expect(decoder.processes.process(1011)?.parent?.pid == 1000)
    }

    @Test func cloneFilesSharesTheTable() throws {
        let decoder = T.decoder()
        T.run(decoder, [T.fork(child: 1002, flags: 0x400), T.openat("/shared", fd: 5, pid: 1002)])
        #expect(decoder.processes.process(1000)?.fds[5]?.name == "/shared")
    }

    @Test func ancestorsAndProcExit() throws {
        let decoder = T.decoder()
        T.run(decoder, [T.fork(child: 1001), T.exec(pid: 1001, path: "/bin/bash", argv: ["bash"]),
                        T.fork(parent: 1001, child: 1002), T.exec(pid: 1002, path: "/usr/bin/curl", argv: ["curl"])])
        let curl = try #require(decoder.processes.process(1002))
        #expect(curl.ancestor(0)?.name == "curl")
        #expect(curl.ancestor(1)?.name == "bash")
        #expect(curl.ancestor(2)?.name == "make")
        #expect(curl.ancestor(3) == nil)
        #expect(curl.ancestors.map(\.pid) == [1001, 1000])
        #expect(curl.ancestor(-1) == nil)
        // The parent exits; the child keeps its ancestry.
        let exit = try #require(decoder.decode(T.exit(pid: 1001, status: 0x0100)))
        #expect(exit.name == "procexit")
        #expect(exit.argument(named: "ret") == .signed(1))
        #expect(exit.argument(named: "sig")?.rendered == "0")
        #expect(decoder.processes.process(1001) == nil)
        #expect(curl.parent?.name == "bash")
        // A late event of the exited process still resolves to it.
        let late = try #require(decoder.decode(T.sys("getppid", pid: 1001, ret: 1)))
        #expect(late.process.name == "bash")
        let killed = try #require(decoder.decode(T.exit(pid: 1002, status: 9)))
        #expect(killed.argument(named: "sig")?.rendered == "SIGKILL")
    }

    @Test func unknownPreexistingProcessHasNilFields() throws {
        let decoder = T.decoder()
        let event = try #require(decoder.decode(
            T.sys("openat", pid: 4242, args: [T.atFdcwd, 0, 0], ret: 3, payloads: [.arg(1): "rel"], uid: 0)))
        #expect(!event.process.isKnown)
        #expect(event.process.name == nil && event.process.exe == nil && event.process.cmdline == nil)
        #expect(event.process.cwd == nil)
        #expect(event.process.uid == 0)
        #expect(event.user?.name == "root")
        #expect(event.process.duration(at: 10) == nil)
        #expect(event.fd?.name == "rel")  // no cwd to resolve against
        #expect(event.argument(named: "name")?.rendered == "rel")
    }

    @Test func thousandChildrenStayBounded() {
        let decoder = T.decoder()
        for i in 0..<1000 {
            let child = Int32(2000 + i)
            T.run(decoder, [T.fork(child: child), T.exec(pid: child, path: "/bin/true", argv: ["true"]),
                            T.openat("/etc/ld.so.cache", fd: 3, pid: child), T.exit(pid: child)])
        }
        #expect(decoder.eventCount == 4000)
        #expect(decoder.processes.processCount == 1)
        #expect(decoder.processes.threadCount == 1)
    }

    @Test func setuidAndSessions() throws {
        let decoder = T.decoder()
        T.run(decoder, [T.sys("setsid", ret: 1000), T.sys("setuid", args: [0], uid: 0)])
        let p = try #require(decoder.processes.process(1000))
        #expect(p.sid == 1000 && p.pgid == 1000)
        #expect(p.uid == 0)
        #expect(p.sessionLeader === p)
        #expect(p.tty == 0)
        // A child inherits the session; its own process group makes it a group leader.
        T.run(decoder, [T.fork(child: 1001), T.exec(pid: 1001, path: "/bin/sleep", argv: ["sleep"]),
                        T.sys("setpgid", pid: 1001, args: [0, 0])])
        let child = try #require(decoder.processes.process(1001))
        #expect(child.sessionLeader?.name == "make")
        #expect(child.groupLeader === child && child.pgid == 1001)
        #expect(child.sid == 1000)
    }

    @Test func exitedSessionLeadersAreFreed() {
        weak var leader: ProcessRecord?
        do {
            let decoder = EventDecoder(arch: .x86_64, users: T.users, processes: ProcessTable(exitedRetention: 1))
            decoder.seed(pid: 1000, exePath: "/bin/sh", argv: ["sh"], env: nil, cwd: "/", uid: 0, gid: 0, startTime: 0)
            T.run(decoder, [T.fork(child: 1001), T.sys("setsid", pid: 1001, ret: 1001)])
            leader = decoder.processes.process(1001)
            #expect(leader?.sessionLeader === leader)
            T.run(decoder, [T.exit(pid: 1001), T.fork(child: 1002), T.exit(pid: 1002)])
        }
        #expect(leader == nil)
    }

    @Test func seedCarriesLoginAndTerminal() throws {
        let decoder = EventDecoder(arch: .x86_64, users: T.users)
        let p = decoder.seed(pid: 7, exePath: "/bin/sh", argv: ["sh"], env: nil, cwd: "/", uid: 0, gid: 0,
                             startTime: 0, loginUID: 1000, tty: 34816, sid: 7, pgid: 7)
        #expect(p.loginUID == 1000 && p.tty == 34816)
        #expect(p.sessionLeader === p && p.groupLeader === p)
        #expect(p.cwd == "/")
        let event = try #require(decoder.decode(T.sys("getppid", pid: 7, uid: 0)))
        #expect(event.argument(named: "res") == .pid(0))
        #expect(event.user?.name == "root")
    }

    /// The gate that started the job is its first process's parent: named, not tracked.
    @Test func theLauncherIsTheFirstProcessParent() throws {
        let launcher = LauncherIdentity(pid: 6, name: "tollgate", executable: "/opt/tg/tollgate",
                                        arguments: ["/opt/tg/tollgate", "run", "--", "cat", "key"])
        let decoder = EventDecoder(arch: .x86_64, users: T.users)
        let p = decoder.seed(pid: 7, ppid: 6, exePath: "/bin/cat", argv: ["cat", "key"], env: nil, cwd: "/", uid: 0, gid: 0,
                             startTime: 0, launcher: launcher)
        let parent = try #require(p.parent)
        #expect(parent.pid == 6 && parent.name == "tollgate" && parent.exePath == "/opt/tg/tollgate")
        #expect(parent.exe == "/opt/tg/tollgate" && parent.cmdline == "tollgate run -- cat key")
        #expect(parent.uid == 0 && parent.parent == nil && parent.isLauncher && !p.isLauncher)
        #expect(p.ancestors.map(\.pid) == [6])
        #expect(decoder.processes.process(6) == nil, "the launcher is not tracked")
        let child = try #require(decoder.decode(T.fork(parent: 7, child: 8)))
        #expect(child.process.pid == 7)
        #expect(decoder.processes.process(8)?.ancestors.map(\.pid) == [7, 6])

        let other = EventDecoder(arch: .x86_64, users: T.users)
        let orphan = other.seed(pid: 7, ppid: 5, exePath: "/bin/cat", argv: ["cat"], env: nil, cwd: "/", uid: 0, gid: 0,
                                startTime: 0, launcher: launcher)
        #expect(orphan.parent == nil, "a launcher of another pid is not the parent")
    }

    @Test func ancestorChainMatchesAncestors() {
        let decoder = T.decoder()
        T.run(decoder, [T.fork(child: 1001), T.fork(parent: 1001, child: 1002), T.fork(parent: 1002, child: 1003)])
        let leaf = decoder.processes.process(1003)!
        #expect(Array(leaf.ancestorChain).map(\.pid) == leaf.ancestors.map(\.pid))
        #expect(leaf.ancestors.map(\.pid) == [1002, 1001, 1000])
    }

    @Test func uidArgumentsRenderAsNames() throws {
        let decoder = T.decoder()
        let setuid = try #require(decoder.decode(T.sys("setuid", args: [1000])))
        #expect(setuid.argument(named: "uid") == .uid(1000))
        #expect(setuid.renderedArgument(named: "uid") == "builder")
        #expect(setuid.renderedArgument(named: "res") == "0")
        #expect(setuid.renderedArguments == "res=0 uid=builder")
        let unknown = try #require(decoder.decode(T.sys("setuid", args: [4242])))
        #expect(unknown.renderedArgument(named: "uid") == "4242")
        let chown = try #require(decoder.decode(T.sys("fchown", args: [3, 0, 1000])))
        #expect(chown.renderedArgument(named: "gid") == "builder")
        #expect(chown.renderedArgument(named: "nope") == nil)
    }

    @Test func scriptExecTakesItsNameFromTheFilename() throws {
        let decoder = T.decoder()
        var raw = T.exec(pid: 1000, path: "/usr/bin/bash", argv: ["/bin/sh", "./deploy.sh"])
        raw.setPayload(.arg(0), Array("./deploy.sh".utf8))
        let event = try #require(decoder.decode(raw))
        #expect(event.process.name == "deploy.sh")
        #expect(event.process.exePath == "/usr/bin/bash")
        #expect(event.argument(named: "filename")?.rendered == "./deploy.sh")
    }

    @Test func execPrefersTheKernelResolvedExecutable() throws {
        let decoder = T.decoder()
        var raw = T.exec(pid: 1000, path: "/usr/bin/python3", argv: ["python3", "x.py"])
        raw.setPayload(.resolvedPath, Array("/usr/bin/python3.12".utf8))
        let event = try #require(decoder.decode(raw))
        #expect(event.process.exePath == "/usr/bin/python3.12")
        #expect(event.process.name == "python3")
        #expect(event.process.exe == "python3")
    }

    @Test func cloneEventArguments() throws {
        let decoder = T.decoder()
        let clone = try #require(decoder.decode(T.fork(child: 1003, flags: 0x1200011)))
        #expect(clone.name == "clone")
        #expect(clone.argument(named: "res") == .pid(1003))
        let flags = try #require(clone.argument(named: "flags")?.rendered)
        #expect(flags.contains("CLONE_CHILD_SETTID") && flags.contains("CLONE_CHILD_CLEARTID"))
        #expect(!flags.contains("CLONE_THREAD"))
    }

    @Test func childEventBeforeForkRecordIsAdopted() throws {
        let decoder = T.decoder()
        T.run(decoder, [T.openat("/etc/hosts", fd: 3)])
        // The child's first syscall arrives before the fork record that announces it.
        let early = try #require(decoder.decode(T.sys("getppid", pid: 1007, ret: 1000)))
        #expect(!early.process.isKnown && early.process.name == nil)
        T.run(decoder, [T.fork(child: 1007)])
        let child = try #require(decoder.processes.process(1007))
        #expect(child === early.process)
        #expect(child.isKnown && child.name == "make" && child.parent?.pid == 1000)
        #expect(child.cmdline == "make test")
        #expect(child.fds[3]?.name == "/etc/hosts")
    }

    @Test func unknownSyscallIsCounted() {
        let decoder = T.decoder()
        let raw = RawEvent(kind: .syscall, timestamp: 1, pid: 1000, tid: 1000, syscall: 999)
        #expect(decoder.decode(raw) == nil)
        var called = false
        #expect(!decoder.decode(raw) { _ in called = true })
        #expect(!called)
        #expect(decoder.unknownSyscallCount == 2)
    }

    @Test func closureDecodeMatchesOptionalDecode() {
        let viaOptional = T.decoder()
        let viaClosure = T.decoder()
        let events = SyntheticRawEvents.events(children: 3, arch: .x86_64)
        for raw in events {
            let expected = viaOptional.decode(raw)
            var seen: (UInt64, String, ByteString?)?
            let decoded = viaClosure.decode(raw) { event in seen = (event.number, event.name, event.fd?.name) }
            #expect(decoded == (expected != nil))
            #expect(seen?.0 == expected?.number && seen?.1 == expected?.name && seen?.2 == expected?.fd?.name)
        }
        #expect(viaClosure.eventCount == viaOptional.eventCount)
    }
}
