import TollgateEvents

/// A deterministic, CI-job-like stream of `RawEvent`s for the decoder's tests: a seeded
/// `make` forks children that exec compilers, shells and network tools; they open sources,
/// headers and libraries (absolute and relative), now and then a sensitive file, connect out,
/// rename and unlink temporaries, dup a socket onto stdout, and exit.
///
/// Drive it with `seed(_:)` then `decoder.decode` over `events(...)`. Event counts per child
/// are fixed, so throughput figures compare across runs. (`SyntheticWorkload` is the decoded
/// mix the engine benchmark evaluates.)
public enum SyntheticRawEvents {
    /// The seeded job process.
    public static let jobPID: Int32 = 1000

    /// Registers the job's first process (`make -j2` in `/home/runner/work/app`).
    public static func seed(_ decoder: EventDecoder) {
        decoder.seed(
            pid: jobPID, ppid: 1, exePath: "/usr/bin/make", argv: ["make", "-j2"],
            env: ["PATH=/usr/local/bin:/usr/bin:/bin", "HOME=/home/runner", "CI=true"],
            cwd: "/home/runner/work/app", uid: 1001, gid: 1001, startTime: 1_000_000)
    }

    /// Records generated per child process.
    public static let eventsPerChild = 71

    /// `children` child processes' worth of events (`eventsPerChild` each).
    public static func events(children: Int, arch: Architecture = .native) -> [RawEvent] {
        var builder = Builder(arch: arch)
        for index in 0..<max(0, children) { builder.child(index) }
        return builder.events
    }

    private struct Builder {
        let arch: Architecture
        var events: [RawEvent] = []
        var time: UInt64 = 2_000_000

        static let atFdcwd = UInt64(bitPattern: -100)
        static let programs: [(ByteString, [ByteString])] = [
            ("/usr/bin/gcc-13", ["gcc", "-O2", "-c", "src/main.c", "-o", "build/main.o"]),
            ("/usr/bin/dash", ["sh", "-c", "./configure --prefix=/usr"]),
            ("/usr/bin/curl", ["curl", "-fsSL", "https://example.com/install.sh"]),
            ("/usr/bin/python3.12", ["python3", "-m", "pytest", "-q"]),
        ]
        static let reads: [ByteString] = [
            "/etc/ld.so.cache", "/lib/x86_64-linux-gnu/libc.so.6", "src/main.c", "../include/util.h",
            "/usr/include/stdio.h", "build/config.h", "/etc/passwd", "/proc/self/status",
        ]

        mutating func add(
            _ name: String, pid: Int32, args: [UInt64] = [], ret: Int64 = 0,
            payloads: [PayloadSlot: ByteString] = [:]
        ) {
            guard let number = SyscallTable.info(named: name)?.number(for: arch) else { return }
            time += 250
            events.append(RawEvent(
                kind: .syscall, timestamp: time, pid: pid, tid: pid, ppid: SyntheticRawEvents.jobPID, uid: 1001,
                gid: 1001, syscall: number, args: RawEvent.Arguments(args), returnValue: ret, payloads: payloads))
        }

        mutating func child(_ index: Int) {
            let pid = SyntheticRawEvents.jobPID + 1 + Int32(index % 30_000)
            let (exe, argv) = Self.programs[index % Self.programs.count]
            time += 1_000
            events.append(RawEvent(
                kind: .processFork, timestamp: time, pid: SyntheticRawEvents.jobPID, tid: SyntheticRawEvents.jobPID,
                ppid: 1, uid: 1001, gid: 1001, args: [0x1200011, UInt64(pid)], returnValue: Int64(pid)))
            time += 1_000
            events.append(RawEvent(
                kind: .processExec, timestamp: time, pid: pid, tid: pid, ppid: SyntheticRawEvents.jobPID, uid: 1001,
                gid: 1001, args: [0], payloads: [.exePath: exe, .argv: ByteString.joined(argv, separator: 0)]))
            for i in 0..<24 {
                let path = index % 50 == 0 && i == 3 ? "/etc/shadow" : Self.reads[(index + i) % Self.reads.count]
                add("openat", pid: pid, args: [Self.atFdcwd, 0, 0o2000000, 0], ret: 3, payloads: [.arg(1): path])
                add("close", pid: pid, args: [3])
            }
            add("openat", pid: pid, args: [Self.atFdcwd, 0, 0o1101, 0o644], ret: 4, payloads: [.arg(1): "build/main.o.tmp"])
            add("close", pid: pid, args: [4])
            add("renameat2", pid: pid, args: [Self.atFdcwd, 0, Self.atFdcwd, 0, 0],
                payloads: [.arg(1): "build/main.o.tmp", .arg(3): "build/main.o"])
            add("unlinkat", pid: pid, args: [Self.atFdcwd, 0, 0], payloads: [.arg(1): "build/stale.d"])
            add("socket", pid: pid, args: [2, 0o2000001, 0], ret: 5)
            let address: SocketAddress = index % 2 == 0
                ? .ipv4(address: 0x5DB8_D822, port: 443) : .ipv4(address: 0x0A00_0002, port: 8080)
            add("connect", pid: pid, args: [5, 0, 16], payloads: [.arg(1): ByteString(address.encoded)])
            add("dup3", pid: pid, args: [5, 1, 0], ret: 1)
            add("close", pid: pid, args: [5])
            for _ in 0..<12 { add("fcntl", pid: pid, args: [1, 1], ret: 1) }
            time += 1_000
            events.append(RawEvent(kind: .processExit, timestamp: time, pid: pid, tid: pid, returnValue: 0))
        }
    }
}
