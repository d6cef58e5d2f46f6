@testable import TollgateEvents

/// Builders for x86_64 RawEvent sequences used by the decoder tests.
enum TestEvents {
    static let atFdcwd = UInt64(bitPattern: -100)
    static let job: Int32 = 1000

    /// A completed syscall by name (x86_64 numbering).
    static func sys(
        _ name: String, pid: Int32 = job, tid: Int32? = nil, args: [UInt64] = [], ret: Int64 = 0,
        payloads: [PayloadSlot: ByteString] = [:], uid: UInt32 = 1000, time: UInt64 = 2_000
    ) -> RawEvent {
        RawEvent(
            kind: .syscall, timestamp: time, pid: pid, tid: tid ?? pid, uid: uid, gid: 1000,
            syscall: SyscallTable.info(named: name)?.x86_64 ?? -1, args: RawEvent.Arguments(args),
            returnValue: ret, payloads: payloads)
    }

    static func fork(parent: Int32 = job, child: Int32, flags: UInt64 = 0x1200011, childPid: Int32? = nil,
                     time: UInt64 = 3_000) -> RawEvent {
        RawEvent(kind: .processFork, timestamp: time, pid: parent, tid: parent, uid: 1000, gid: 1000,
                 args: [flags, UInt64(childPid ?? child)], returnValue: Int64(child))
    }

    static func exec(pid: Int32, path: ByteString, argv: [ByteString], env: [ByteString]? = nil,
                     cwd: ByteString? = nil, flags: RawEvent.ExecFlags = [], time: UInt64 = 4_000) -> RawEvent {
        var payloads: [PayloadSlot: ByteString] = [.exePath: path, .argv: ByteString.joined(argv, separator: 0)]
        if let env { payloads[.env] = ByteString.joined(env, separator: 0) }
        if let cwd { payloads[.cwd] = cwd }
        return RawEvent(kind: .processExec, timestamp: time, pid: pid, tid: pid, uid: 1000, gid: 1000,
                        args: [flags.rawValue], payloads: payloads)
    }

    static func exit(pid: Int32, tid: Int32? = nil, status: Int64 = 0) -> RawEvent {
        RawEvent(kind: .processExit, timestamp: 9_000, pid: pid, tid: tid ?? pid, returnValue: status)
    }

    static func openat(_ path: ByteString, fd: Int64, dirfd: UInt64 = atFdcwd, flags: UInt64 = 0,
                       pid: Int32 = job) -> RawEvent {
        sys("openat", pid: pid, args: [dirfd, 0, flags, 0], ret: fd, payloads: [.arg(1): path])
    }

    static func fdPair(_ a: Int32, _ b: Int32) -> ByteString {
        ByteString([a, b].flatMap { v in (0..<4).map { UInt8((UInt32(bitPattern: v) >> (8 * UInt32($0))) & 0xFF) } })
    }

    static func sockaddr(_ address: SocketAddress) -> ByteString { ByteString(address.encoded) }

    static let users = UserDatabase(
        passwdContents: "root:x:0:0:root:/root:/bin/bash\nbuilder:x:1000:1000:CI:/home/builder:/bin/sh\n",
        groupContents: "root:x:0:\nbuilder:x:1000:\n")

    /// A decoder with the job's first process seeded (pid 1000, cwd /home/builder/src).
    static func decoder() -> EventDecoder {
        let decoder = EventDecoder(arch: .x86_64, users: users)
        decoder.seed(pid: job, ppid: 1, exePath: "/usr/bin/make", argv: ["make", "test"], env: ["HOME=/home/builder"],
                     cwd: "/home/builder/src", uid: 1000, gid: 1000, startTime: 1_000)
        return decoder
    }

    /// Decodes all events and returns the last one.
    @discardableResult
    static func run(_ decoder: EventDecoder, _ events: [RawEvent]) -> Event? {
        var last: Event?
        for raw in events { last = decoder.decode(raw) }
        return last
    }
}
