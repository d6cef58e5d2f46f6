import TollgateEvents

/// A synthetic but realistic CI event mix for the engine benchmark and the engine's tests: a build's process
/// tree (make -> sh -> cc/ld/git/curl) that execs, opens sources for reading, writes objects,
/// connects to a registry, renames temporaries, closes fds, and now and then reads
/// `/etc/shadow` (which Falco's stable rules flag).
package struct SyntheticWorkload {
    /// Decoded events, in order.
    package var events: [Event]
    /// A one-line description of the mix (event type -> count).
    package var mix: String

    static let atFdcwd = UInt64(bitPattern: -100)

    /// A decoder in the state the workload starts from: decoding `events`' raw records with
    /// it again rebuilds the same process and fd state.
    package static func decoder() -> EventDecoder {
        let users = UserDatabase(passwdContents: "root:x:0:0:root:/root:/bin/bash\nbuilder:x:1000:1000:CI:/home/builder:/bin/sh\n",
                                 groupContents: "root:x:0:\nbuilder:x:1000:\n")
        let decoder = EventDecoder(arch: .native, users: users, bootTimeOffset: 1_800_000_000_000_000_000)
        decoder.seed(pid: 1000, ppid: 1, exePath: "/usr/bin/make", argv: ["make", "-j2", "test"],
                     env: ["HOME=/home/builder", "PATH=/usr/bin:/bin", "CI=true"], cwd: "/home/builder/src",
                     uid: 1000, gid: 1000, startTime: 1_000)
        return decoder
    }

    package static func make(count: Int) -> SyntheticWorkload {
        let arch = Architecture.native
        let decoder = decoder()
        var time: UInt64 = 10_000_000_000
        var nextPid: Int32 = 1001
        var events: [Event] = []
        var counts: [String: Int] = [:]
        func number(_ name: String) -> Int32 { SyscallTable.info(named: name)?.number(for: arch) ?? -1 }
        func emit(_ raw: RawEvent) {
            time += 1_000
            var stamped = raw
            stamped.timestamp = time
            if let event = decoder.decode(stamped) {
                events.append(event)
                counts[event.name, default: 0] += 1
            }
        }
        func sys(_ name: String, _ pid: Int32, _ args: [UInt64], _ ret: Int64, _ payloads: [PayloadSlot: ByteString] = [:]) {
            emit(RawEvent(kind: .syscall, timestamp: 0, pid: pid, tid: pid, ppid: 1000, uid: 1000, gid: 1000,
                          syscall: number(name), args: RawEvent.Arguments(args), returnValue: ret, payloads: payloads))
        }
        let tools: [(ByteString, [ByteString])] = [
            ("/usr/bin/cc", ["cc", "-O2", "-c", "main.c", "-o", "main.o"]),
            ("/bin/sh", ["sh", "-c", "./configure --prefix=/usr"]),
            ("/usr/bin/ld", ["ld", "-o", "app", "main.o", "util.o"]),
            ("/usr/bin/git", ["git", "rev-parse", "HEAD"]),
            ("/usr/bin/curl", ["curl", "-fsSL", "https://registry.example.com/pkg.tgz"]),
            ("/usr/bin/cat", ["cat", "/etc/shadow"]),
        ]
        var cycle = 0
        while events.count < count {
            let pid = nextPid
            nextPid += 1
            let parent: Int32 = cycle % 3 == 0 ? 1000 : max(1001, pid - 1)
            emit(RawEvent(kind: .processFork, timestamp: 0, pid: parent, tid: parent, uid: 1000, gid: 1000,
                          args: [0x1200011, UInt64(pid)], returnValue: Int64(pid)))
            // The shadow read is rare: one cycle in a hundred.
            let tool = cycle % 100 == 99 ? tools[5] : tools[cycle % 5]
            emit(RawEvent(kind: .processExec, timestamp: 0, pid: pid, tid: pid, ppid: parent, uid: 1000, gid: 1000,
                          args: [0], payloads: [.exePath: tool.0, .argv: ByteString.joined(tool.1, separator: 0),
                                                .env: "HOME=/home/builder\u{0}PATH=/usr/bin:/bin", .cwd: "/home/builder/src"]))
            let file = ByteString("/home/builder/src/file\(cycle % 50).c")
            sys("openat", pid, [atFdcwd, 0, 0, 0], 3, [.arg(1): file])
            sys("openat", pid, [atFdcwd, 0, 0, 0], 4, [.arg(1): "/usr/include/stdio.h"])
            sys("openat", pid, [atFdcwd, 0, 0x241, 0o644], 5, [.arg(1): ByteString("/home/builder/src/obj\(cycle % 50).o.tmp")])
            if cycle % 100 == 99 { sys("openat", pid, [atFdcwd, 0, 0, 0], 6, [.arg(1): "/etc/shadow"]) }
            sys("socket", pid, [2, 1, 0], 7)
            let address = SocketAddress.ipv4(address: cycle % 2 == 0 ? 0x0A00_0005 : 0x8C52_7003, port: 443)
            sys("connect", pid, [7, 0, 16], 0, [.arg(1): ByteString(address.encoded)])
            sys("rename", pid, [0, 0], 0, [.arg(0): ByteString("/home/builder/src/obj\(cycle % 50).o.tmp"),
                                         .arg(1): ByteString("/home/builder/src/obj\(cycle % 50).o")])
            sys("close", pid, [3], 0)
            cycle += 1
        }
        let mix = counts.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        return SyntheticWorkload(events: events, mix: mix)
    }
}
