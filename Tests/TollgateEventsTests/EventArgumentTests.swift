import Testing

@testable import TollgateEvents

/// `evt.arg.<name>` values as Falco renders them, one syscall record each.
struct EventArgumentTests {
    typealias T = TestEvents

    struct Case: Sendable, CustomStringConvertible {
        let description: String
        let raw: RawEvent
        let parameter: String
        let expected: String?
    }

    static let openHow = ByteString((0..<24).map { i -> UInt8 in
        let words: [UInt64] = [0o1101, 0o600, 0]
        return UInt8((words[i / 8] >> UInt64(8 * (i % 8))) & 0xFF)
    })

    static let cases: [Case] = [
        Case(description: "ptrace attach", raw: T.sys("ptrace", args: [16, 4321]), parameter: "request",
             expected: "PTRACE_ATTACH"),
        Case(description: "ptrace traceme", raw: T.sys("ptrace", args: [0]), parameter: "request",
             expected: "PTRACE_TRACEME"),
        Case(description: "ptrace pid", raw: T.sys("ptrace", args: [16, 4321]), parameter: "pid", expected: "4321"),
        Case(description: "packet socket", raw: T.sys("socket", args: [17, 3, 0], ret: 3), parameter: "domain",
             expected: "AF_PACKET"),
        Case(description: "truncating open", raw: T.openat("/var/log/x.log", fd: 3, flags: 0o1101), parameter: "flags",
             expected: "O_TRUNC|O_CREAT|O_WRONLY"),
        Case(description: "openat2 flags from open_how",
             raw: T.sys("openat2", args: [T.atFdcwd, 0, 0, 24], ret: 3, payloads: [.arg(1): "f", .arg(2): openHow]),
             parameter: "flags", expected: "O_TRUNC|O_CREAT|O_WRONLY"),
        Case(description: "openat2 mode from open_how",
             raw: T.sys("openat2", args: [T.atFdcwd, 0, 0, 24], ret: 3, payloads: [.arg(1): "f", .arg(2): openHow]),
             parameter: "mode", expected: "S_IWUSR|S_IRUSR"),
        Case(description: "setgid bit", raw: T.sys("fchmodat", args: [T.atFdcwd, 0, 0o2755], payloads: [.arg(1): "b"]),
             parameter: "mode", expected: "S_IXOTH|S_IROTH|S_IXGRP|S_IRGRP|S_IXUSR|S_IWUSR|S_IRUSR|S_ISGID"),
        Case(description: "unshare user namespace", raw: T.sys("unshare", args: [0x1000_0000]), parameter: "flags",
             expected: "CLONE_NEWUSER"),
        Case(description: "setns", raw: T.sys("setns", args: [5, 0x4000_0000]), parameter: "nstype",
             expected: "CLONE_NEWNET"),
        Case(description: "kill", raw: T.sys("kill", args: [77, 15]), parameter: "sig", expected: "SIGTERM"),
        Case(description: "mmap prot", raw: T.sys("mmap", args: [0, 4096, 7, 0x22, UInt64(bitPattern: -1), 0]),
             parameter: "prot", expected: "PROT_READ|PROT_WRITE|PROT_EXEC"),
        Case(description: "memfd flags", raw: T.sys("memfd_create", args: [0, 1], ret: 3, payloads: [.arg(0): "x"]),
             parameter: "flags", expected: "MFD_CLOEXEC"),
        Case(description: "memfd name", raw: T.sys("memfd_create", args: [0, 1], ret: 3, payloads: [.arg(0): "x"]),
             parameter: "name", expected: "x"),
        Case(description: "bpf prog load", raw: T.sys("bpf", args: [5, 0, 128], ret: 4), parameter: "cmd",
             expected: "BPF_PROG_LOAD"),
        Case(description: "init_module args", raw: T.sys("init_module", args: [0, 100, 0], payloads: [.arg(2): "debug=1"]),
             parameter: "uargs", expected: "debug=1"),
        Case(description: "linkat flags", raw: T.sys("linkat", args: [T.atFdcwd, 0, T.atFdcwd, 0, 0x400],
                                                    payloads: [.arg(1): "a", .arg(3): "b"]),
             parameter: "flags", expected: "AT_SYMLINK_FOLLOW"),
        Case(description: "userfaultfd flags", raw: T.sys("userfaultfd", args: [0o2004000], ret: 3), parameter: "flags",
             expected: "O_NONBLOCK|O_CLOEXEC"),
        Case(description: "execveat pathname", raw: T.sys("execveat", args: [3, 0, 0, 0, 0x1000], ret: -13,
                                                        payloads: [.arg(1): ""]),
             parameter: "pathname", expected: ""),
        Case(description: "failed call res", raw: T.sys("unlink", args: [0], ret: -13, payloads: [.arg(0): "/etc/x"]),
             parameter: "res", expected: "EACCES"),
        Case(description: "missing payload is unknown", raw: T.sys("unlink", args: [0], ret: 0), parameter: "path",
             expected: nil),
        Case(description: "connect addr", raw: T.sys("connect", args: [3, 0, 16],
                                                    payloads: [.arg(1): T.sockaddr(.ipv4(address: 0x7F00_0001, port: 22))]),
             parameter: "addr", expected: "127.0.0.1:22"),
        Case(description: "unknown parameter", raw: T.sys("close", args: [3]), parameter: "flags", expected: nil),
    ]

    @Test(arguments: cases)
    func rendered(_ c: Case) throws {
        let decoder = T.decoder()
        let event = try #require(decoder.decode(c.raw), "\(c.description)")
        #expect(event.renderedArgument(named: c.parameter) == c.expected, "\(c.description)")
    }

    @Test func creatIsAnOpenForWriting() throws {
        let decoder = T.decoder()
        let event = try #require(decoder.decode(T.sys("creat", args: [0, 0o755], ret: 3, payloads: [.arg(0): "run.sh"])))
        #expect(event.isOpenWrite && event.isOpenCreate && event.isOpenExec && !event.isOpenRead)
        #expect(event.fd?.name == "/home/builder/src/run.sh")
        #expect(event.argument(at: 0) == .fd(3))
        #expect(event.argument(at: 99) == nil)
    }
}
