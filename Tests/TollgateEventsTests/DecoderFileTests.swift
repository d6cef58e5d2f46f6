import Testing

@testable import TollgateEvents

/// fd table behaviour for files, built from RawEvent sequences.
struct DecoderFileTests {
    typealias T = TestEvents

    struct Case: Sendable, CustomStringConvertible {
        let description: String
        let events: [RawEvent]
        /// fd number -> expected fd.name (nil = expect the fd to be absent).
        let expectedNames: [Int64: ByteString?]
        var expectedRaw: [Int64: ByteString] = [:]
        var expectedType: [Int64: FdType] = [:]
    }

    static let cases: [Case] = [
        Case(description: "absolute open", events: [T.openat("/etc/passwd", fd: 3)],
             expectedNames: [3: "/etc/passwd"], expectedType: [3: .file]),
        Case(description: "open then close", events: [T.openat("/etc/passwd", fd: 3), T.sys("close", args: [3])],
             expectedNames: [3: nil]),
        Case(description: "failed open creates nothing", events: [T.openat("/nope", fd: -2)], expectedNames: [-2: nil]),
        Case(description: "failed close keeps the fd",
             events: [T.openat("/etc/hosts", fd: 3), T.sys("close", args: [3], ret: -9)], expectedNames: [3: "/etc/hosts"]),
        Case(description: "relative to cwd", events: [T.openat("build/out.o", fd: 4)],
             expectedNames: [4: "/home/builder/src/build/out.o"], expectedRaw: [4: "build/out.o"]),
        Case(description: "dot-dot traversal normalised, raw kept", events: [T.openat("../../../etc/shadow", fd: 5)],
             expectedNames: [5: "/etc/shadow"], expectedRaw: [5: "../../../etc/shadow"]),
        Case(description: "relative to a dirfd",
             events: [T.openat("/var/log", fd: 3, flags: 0o200000), T.openat("syslog", fd: 4, dirfd: 3)],
             expectedNames: [3: "/var/log", 4: "/var/log/syslog"], expectedType: [3: .directory, 4: .file]),
        Case(description: "open() and creat() use the cwd",
             events: [T.sys("open", args: [0, 0], ret: 3, payloads: [.arg(0): "a.txt"]),
                      T.sys("creat", args: [0, 0o644], ret: 4, payloads: [.arg(0): "./b.txt"])],
             expectedNames: [3: "/home/builder/src/a.txt", 4: "/home/builder/src/b.txt"]),
        Case(description: "kernel-resolved path wins",
             events: [T.sys("openat", args: [T.atFdcwd, 0, 0], ret: 3,
                            payloads: [.arg(1): "link", .resolvedPath: "/real/target"])],
             expectedNames: [3: "/real/target"], expectedRaw: [3: "link"]),
        Case(description: "open_by_handle_at: the resolved name, no raw path",
             events: [T.sys("open_by_handle_at", args: [3, 0x7ffd_0000, 0], ret: 4,
                            payloads: [.resolvedPath: "/home/builder/.ssh/id_rsa"])],
             expectedNames: [4: "/home/builder/.ssh/id_rsa"], expectedRaw: [4: "/home/builder/.ssh/id_rsa"],
             expectedType: [4: .file]),
        // The fd exists (its type says so) and its name is unknown (`<NA>`), never empty.
        Case(description: "open_by_handle_at without a resolved name has an unknown name",
             events: [T.sys("open_by_handle_at", args: [3, 0x7ffd_0000, 0], ret: 4)], expectedNames: [4: nil],
             expectedType: [4: .file]),
        Case(description: "a resolved name below its own /proc entry reads /proc/self",
             events: [T.sys("openat", args: [T.atFdcwd, 0, 0], ret: 3,
                            payloads: [.arg(1): "/proc/self/environ", .resolvedPath: ByteString("/proc/\(T.job)/environ")]),
                      T.sys("openat", tid: T.job + 1, args: [T.atFdcwd, 0, 0], ret: 4,
                            payloads: [.arg(1): "/proc/thread-self/environ",
                                       .resolvedPath: ByteString("/proc/\(T.job)/task/\(T.job + 1)/environ")]),
                      T.sys("openat", args: [T.atFdcwd, 0, 0], ret: 5,
                            payloads: [.arg(1): "/proc/thread-self/../../../1/environ", .resolvedPath: "/proc/1/environ"]),
                      T.sys("openat", args: [T.atFdcwd, 0, 0], ret: 6,
                            payloads: [.arg(1): "x", .resolvedPath: ByteString("/proc/\(T.job)0/environ")])],
             expectedNames: [3: "/proc/self/environ", 4: "/proc/thread-self/environ", 5: "/proc/1/environ",
                             6: ByteString("/proc/\(T.job)0/environ")]),
        Case(description: "chdir then relative open",
             events: [T.sys("chdir", args: [0], payloads: [.arg(0): "/tmp/work"]), T.openat("x", fd: 3)],
             expectedNames: [3: "/tmp/work/x"]),
        Case(description: "relative chdir",
             events: [T.sys("chdir", args: [0], payloads: [.arg(0): "../other"]), T.openat("y", fd: 3)],
             expectedNames: [3: "/home/builder/other/y"]),
        Case(description: "fchdir to an open directory",
             events: [T.openat("/opt", fd: 3, flags: 0o200000), T.sys("fchdir", args: [3]), T.openat("z", fd: 4)],
             expectedNames: [4: "/opt/z"]),
        Case(description: "dup copies the name",
             events: [T.openat("/etc/passwd", fd: 3), T.sys("dup", args: [3], ret: 4)],
             expectedNames: [3: "/etc/passwd", 4: "/etc/passwd"]),
        Case(description: "dup2 replaces the target",
             events: [T.openat("/a", fd: 3), T.openat("/b", fd: 4), T.sys("dup2", args: [3, 4], ret: 4)],
             expectedNames: [4: "/a"]),
        Case(description: "fcntl F_DUPFD",
             events: [T.openat("/a", fd: 3), T.sys("fcntl", args: [3, 0, 10], ret: 10)], expectedNames: [10: "/a"]),
        Case(description: "fcntl F_GETFL changes nothing",
             events: [T.openat("/a", fd: 3), T.sys("fcntl", args: [3, 3], ret: 0)], expectedNames: [3: "/a", 0: nil]),
        Case(description: "close_range",
             events: [T.openat("/a", fd: 3), T.openat("/b", fd: 4), T.openat("/c", fd: 9),
                      T.sys("close_range", args: [4, 0xFFFF_FFFF, 0])],
             expectedNames: [3: "/a", 4: nil, 9: nil]),
        Case(description: "close_range CLOEXEC only marks",
             events: [T.openat("/a", fd: 3), T.sys("close_range", args: [0, 10, 4])], expectedNames: [3: "/a"]),
        Case(description: "pipe", events: [T.sys("pipe2", args: [0, 0], payloads: [.arg(0): T.fdPair(5, 6)])],
             expectedNames: [5: "pipe", 6: "pipe"], expectedType: [5: .pipe, 6: .pipe]),
        Case(description: "memfd",
             events: [T.sys("memfd_create", args: [0, 1], ret: 7, payloads: [.arg(0): "payload"])],
             expectedNames: [7: "memfd:payload"], expectedType: [7: .memfd]),
        Case(description: "eventfd and epoll",
             events: [T.sys("eventfd2", args: [0, 0], ret: 8), T.sys("epoll_create1", args: [0], ret: 9)],
             expectedNames: [8: "anon_inode:[eventfd]", 9: "anon_inode:[eventpoll]"],
             expectedType: [8: .event, 9: .eventpoll]),
        Case(description: "non-UTF-8 path kept exact",
             events: [T.openat(ByteString([0x2F, 0x74, 0xFF, 0x2F, 0x66]), fd: 3)],
             expectedNames: [3: ByteString([0x2F, 0x74, 0xFF, 0x2F, 0x66])]),
    ]

    @Test(arguments: cases)
    func fdTable(_ c: Case) {
        let decoder = T.decoder()
        T.run(decoder, c.events)
        let fds = decoder.processes.process(T.job)!.fds
        for (number, name) in c.expectedNames {
            #expect(fds[number]?.name == name, "\(c.description): fd \(number)")
        }
        for (number, raw) in c.expectedRaw {
            #expect(fds[number]?.nameRaw == raw, "\(c.description): raw fd \(number)")
        }
        for (number, type) in c.expectedType {
            #expect(fds[number]?.type == type, "\(c.description): type fd \(number)")
        }
    }

    @Test func openEventFieldsAndFlags() throws {
        let decoder = T.decoder()
        let event = try #require(decoder.decode(T.openat("/etc/shadow", fd: 3, flags: 0o2000000)))
        #expect(event.name == "openat")
        #expect(event.direction == "<")
        #expect(event.number == 1)
        #expect(event.fdNumber == 3)
        #expect(event.fd?.type.typeChar == "f")
        #expect(event.fd?.directory == "/etc")
        #expect(event.fd?.filename == "shadow")
        #expect(event.isOpenRead && !event.isOpenWrite)
        #expect(event.argument(named: "flags")?.rendered == "O_RDONLY|O_CLOEXEC")
        #expect(event.argument(named: "name")?.byteString == "/etc/shadow")
        #expect(event.argument(named: "fd") == .fd(3))
        #expect(event.argument(named: "dirfd") == .fd(-100))
        #expect(event.argument(named: "dev") == nil)
        #expect(event.resultString == "SUCCESS")
        #expect(event.fsPath?.name == "/etc/shadow")
        let truncating = try #require(decoder.decode(T.openat("/var/log/syslog", fd: 4, flags: 0o1001)))
        #expect(truncating.isOpenWrite && !truncating.isOpenRead)
        #expect(truncating.argument(named: "flags")?.rendered.contains("O_TRUNC") == true)
        #expect(truncating.number == 2)
        let failed = try #require(decoder.decode(T.openat("/nope", fd: -2)))
        #expect(failed.failed)
        #expect(failed.resultString == "ENOENT")
        #expect(failed.result == -2)
        #expect(failed.fd?.name == "/nope")  // the fd the call was about, for fd.name in outputs
        #expect(failed.fdNumber == -1, "Falco: fd.num is -1 for a failed open (open_file_failed)")
    }

    @Test func closeEventStillSeesTheClosedFd() throws {
        let decoder = T.decoder()
        T.run(decoder, [T.openat("/tmp/f", fd: 3)])
        let close = try #require(decoder.decode(T.sys("close", args: [3])))
        #expect(close.fd?.name == "/tmp/f")
        #expect(close.fdNumber == 3)
        #expect(decoder.processes.process(T.job)?.fds[3] == nil)
    }

    @Test func twoPathSyscalls() throws {
        let decoder = T.decoder()
        let symlink = try #require(decoder.decode(
            T.sys("symlinkat", args: [0, T.atFdcwd, 0], payloads: [.arg(0): "/etc/shadow", .arg(2): "s"])))
        #expect(symlink.argument(named: "target")?.rendered == "/etc/shadow")
        #expect(symlink.argument(named: "linkpath")?.rendered == "s")
        #expect(symlink.fsPath?.target == "/home/builder/src/s")
        #expect(symlink.fsPath?.source == "/etc/shadow")
        let rename = try #require(decoder.decode(
            T.sys("renameat2", args: [T.atFdcwd, 0, T.atFdcwd, 0, 1],
                  payloads: [.arg(1): "a", .arg(3): "/tmp/b"])))
        #expect(rename.argument(named: "oldpath")?.rendered == "a")
        #expect(rename.absolutePath(parameterAt: 2) == "/home/builder/src/a")
        #expect(rename.fsPath?.targetRaw == "/tmp/b")
        #expect(rename.argument(named: "flags")?.rendered == "RENAME_NOREPLACE")
        let link = try #require(decoder.decode(T.sys("link", args: [0, 0], payloads: [.arg(0): "/etc/sudoers", .arg(1): "x"])))
        #expect(link.argument(named: "oldpath")?.rendered == "/etc/sudoers")
        #expect(link.fsPath?.target == "/home/builder/src/x")
        let unlink = try #require(decoder.decode(T.sys("unlinkat", args: [T.atFdcwd, 0, 0x200], payloads: [.arg(1): "d"])))
        #expect(unlink.argument(named: "flags")?.rendered == "AT_REMOVEDIR")
        #expect(unlink.fsPath?.name == "/home/builder/src/d")
        #expect(unlink.fsPath?.nameRaw == "d")
    }

    @Test func chmodModeRendering() throws {
        let decoder = T.decoder()
        let chmod = try #require(decoder.decode(T.sys("chmod", args: [0, 0o4755], payloads: [.arg(0): "/tmp/x"])))
        let mode = try #require(chmod.argument(named: "mode")?.rendered)
        #expect(mode.contains("S_ISUID"))
        #expect(!mode.contains("S_ISGID"))
        #expect(mode.contains("S_IRUSR"))
    }

    @Test func seccompUnknownReturnStillNamesTheFile() throws {
        let decoder = T.decoder()
        var raw = T.openat("/etc/shadow", fd: 0)
        raw.flags = [.returnValueUnknown, .argsReadAtEntry]
        let event = try #require(decoder.decode(raw))
        #expect(event.fd?.name == "/etc/shadow")
        #expect(event.fdNumber == nil)
        #expect(event.result == nil)
        #expect(event.resultString == nil)
        #expect(decoder.processes.process(T.job)?.fds.count == 0)
    }

    /// openat2 is an openat whose flags and mode live in its `struct open_how` (argument 2): a
    /// write through it registers a writable fd, like openat's.
    @Test func openat2WriteRegistersAWritableFd() throws {
        let decoder = T.decoder()
        let how = ByteString([UInt64(0o2002101), 0o644, 0].flatMap { v in (0..<8).map { UInt8((v >> (8 * UInt64($0))) & 0xFF) } })
        let event = try #require(decoder.decode(
            T.sys("openat2", args: [T.atFdcwd, 0, 0, 24], ret: 5, payloads: [.arg(1): ".bashrc", .arg(2): how])))
        #expect(event.isOpenWrite && !event.isOpenRead)
        #expect(event.argument(named: "flags")?.rendered == "O_APPEND|O_CREAT|O_WRONLY|O_CLOEXEC")
        let fd = try #require(decoder.processes.process(T.job)?.fds[5])
        #expect(fd.name == "/home/builder/src/.bashrc")
        #expect(fd.closeOnExec)
        let withoutHow = try #require(decoder.decode(
            T.sys("openat2", args: [T.atFdcwd, 0, 0, 24], ret: 6, payloads: [.arg(1): "x"])))
        #expect(!withoutHow.isOpenWrite, "no open_how payload: flags unknown, not a write")
    }

    /// fcntl(F_DUPFD/F_DUPFD_CLOEXEC) copies an fd to its result, socket facts included; its
    /// minimum is an argument; with the result unknown (seccomp) nothing is registered.
    @Test func fcntlDupfdCopiesASocket() throws {
        let decoder = T.decoder()
        T.run(decoder, [T.sys("socket", args: [2, 1, 0], ret: 0),
                        T.sys("fcntl", args: [0, 0, 1], ret: 1),
                        T.sys("fcntl", args: [0, 1030, 10], ret: 10)])
        let fds = try #require(decoder.processes.process(T.job)?.fds)
        #expect(fds[1]?.type.typeChar == "4")
        #expect(fds[1]?.closeOnExec == false)
        #expect(fds[10]?.type.typeChar == "4")
        #expect(fds[10]?.closeOnExec == true)
        let event = try #require(decoder.decode(T.sys("fcntl", args: [0, 0, 2], ret: 2)))
        #expect(event.argument(named: "cmd")?.rendered == "F_DUPFD")
        #expect(event.argument(named: "arg")?.rendered == "2")
        #expect(event.fd?.type.typeChar == "4")
        var unknown = T.sys("fcntl", args: [0, 0, 3], ret: 0)
        unknown.flags = [.returnValueUnknown, .argsReadAtEntry]
        _ = try #require(decoder.decode(unknown))
        #expect(decoder.processes.process(T.job)?.fds[3] == nil)
        T.run(decoder, [T.exec(pid: T.job, path: "/bin/sh", argv: ["sh"])])
        #expect(decoder.processes.process(T.job)?.fds[10] == nil, "F_DUPFD_CLOEXEC's copy closes at exec")
        #expect(decoder.processes.process(T.job)?.fds[1]?.type.typeChar == "4")
    }

    /// Under seccomp a dup2 onto a known fd (a shell's `> out`) may have replaced it: the old
    /// name must not outlive it. dup2 of an fd onto itself changes nothing, also when the
    /// register's upper half is not zero (the kernel reads an unsigned int).
    @Test func seccompDup2ForgetsItsTarget() throws {
        let decoder = T.decoder()
        _ = decoder.decode(T.openat("/etc/hosts", fd: 1))
        _ = decoder.decode(T.openat("/etc/passwd", fd: 4))
        for (old, new): (UInt64, UInt64) in [(3, 1), (4, 4), (4, 4 | 1 << 32)] {
            var dup2 = T.sys("dup2", args: [old, new], ret: 0)
            dup2.flags = [.returnValueUnknown, .argsReadAtEntry]
            _ = try #require(decoder.decode(dup2))
        }
        let fds = try #require(decoder.processes.process(T.job)?.fds)
        #expect(fds[1] == nil)
        #expect(fds[4]?.name == "/etc/passwd")
    }
}
