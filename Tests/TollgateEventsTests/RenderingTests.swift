import Testing

@testable import TollgateEvents

/// Falco-style rendering of flags, enumerations, errnos and socket addresses.
struct FlagRenderingTests {
    struct Case: Sendable, CustomStringConvertible {
        let description: String
        let value: UInt64
        let set: FlagSet
        var arch: Architecture = .x86_64
        let expected: String
    }

    static let cases: [Case] = [
        Case(description: "read-only cloexec", value: 0o2000000, set: .openFlags, expected: "O_RDONLY|O_CLOEXEC"),
        Case(description: "truncating write", value: 0o1101, set: .openFlags, expected: "O_TRUNC|O_CREAT|O_WRONLY"),
        Case(description: "read-write append", value: 0o2002, set: .openFlags, expected: "O_APPEND|O_RDWR"),
        Case(description: "directory on x86_64", value: 0o200000, set: .openFlags, expected: "O_DIRECTORY|O_RDONLY"),
        Case(description: "directory on arm64", value: 0o40000, set: .openFlags, arch: .arm64,
             expected: "O_DIRECTORY|O_RDONLY"),
        Case(description: "arm64 bit means O_DIRECT on x86_64", value: 0o40000, set: .openFlags,
             expected: "O_DIRECT|O_RDONLY"),
        Case(description: "tmpfile wins over directory", value: 0o20200002, set: .openFlags, expected: "O_TMPFILE|O_RDWR"),
        Case(description: "O_SYNC includes O_DSYNC", value: 0o4010001, set: .openFlags, expected: "O_SYNC|O_WRONLY"),
        Case(description: "ptrace attach", value: 16, set: .ptraceRequest, expected: "PTRACE_ATTACH"),
        Case(description: "ptrace traceme", value: 0, set: .ptraceRequest, expected: "PTRACE_TRACEME"),
        Case(description: "ptrace seize", value: 0x4206, set: .ptraceRequest, expected: "PTRACE_SEIZE"),
        Case(description: "unknown enumeration is numeric", value: 999, set: .ptraceRequest, expected: "999"),
        Case(description: "packet family", value: 17, set: .socketFamily, expected: "AF_PACKET"),
        Case(description: "inet6 family", value: 10, set: .socketFamily, expected: "AF_INET6"),
        Case(description: "stream cloexec", value: 0o2000001, set: .socketType, expected: "SOCK_STREAM|SOCK_CLOEXEC"),
        Case(description: "setuid mode", value: 0o4000, set: .modeBits, expected: "S_ISUID"),
        Case(description: "0644", value: 0o644, set: .modeBits, expected: "S_IROTH|S_IRGRP|S_IWUSR|S_IRUSR"),
        Case(description: "thread clone", value: 0x50F00, set: .cloneFlags,
             expected: "CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM"),
        Case(description: "unshare namespaces", value: 0x1002_0000, set: .namespaceFlags,
             expected: "CLONE_NEWNS|CLONE_NEWUSER"),
        Case(description: "memfd exec flags", value: 5, set: .execFlags, expected: "EXE_WRITABLE|EXE_FROM_MEMFD"),
        Case(description: "no flags set renders 0", value: 0, set: .execFlags, expected: "0"),
        Case(description: "fcntl dupfd cloexec", value: 1030, set: .fcntlCommand, expected: "F_DUPFD_CLOEXEC"),
        Case(description: "signal", value: 9, set: .signal, expected: "SIGKILL"),
        Case(description: "prot none", value: 0, set: .mmapProt, expected: "PROT_NONE"),
        Case(description: "rwx mapping", value: 7, set: .mmapProt, expected: "PROT_READ|PROT_WRITE|PROT_EXEC"),
        Case(description: "private anonymous", value: 0x22, set: .mmapFlags, expected: "MAP_PRIVATE|MAP_ANONYMOUS"),
        Case(description: "bind mount", value: 0x1000 | 0x4000, set: .mountFlags, expected: "MS_BIND|MS_REC"),
        Case(description: "bpf prog load", value: 5, set: .bpfCommand, expected: "BPF_PROG_LOAD"),
    ]

    @Test(arguments: cases)
    func render(_ c: Case) {
        #expect(FlagNames.render(c.value, c.set, arch: c.arch) == c.expected)
    }

    @Test func valueOfName() {
        #expect(FlagNames.value(of: "O_CREAT", in: .openFlags) == 0o100)
        #expect(FlagNames.value(of: "O_DIRECTORY", in: .openFlags, arch: .arm64) == 0o40000)
        #expect(FlagNames.value(of: "PTRACE_ATTACH", in: .ptraceRequest) == 16)
        #expect(FlagNames.value(of: "NOPE", in: .ptraceRequest) == nil)
    }

    @Test(arguments: [(Int64(2), "ENOENT"), (115, "EINPROGRESS"), (13, "EACCES"), (0, nil), (99_999, nil)])
    func errnoNames(code: Int64, name: String?) {
        #expect(Errno.name(code) == name)
        if let name { #expect(Errno.code(named: name) == code) }
    }

    @Test func valueRendering() {
        #expect(EventValue.errno(-2).rendered == "ENOENT")
        #expect(EventValue.errno(5).rendered == "5")
        #expect(EventValue.fd(-100).rendered == "-100")
        #expect(EventValue.stringList(["-c", "x y"]).rendered == "-c x y")
        #expect(EventValue.mode(0o755).integer == 0o755)
        #expect(EventValue.path("/a").integer == nil)
        #expect(EventValue.path("/a").byteString == "/a")
        #expect(EventValue.uid(0).rendered == "0")
    }
}

struct SocketAddressTests {
    static let samples: [(String, SocketAddress, String)] = [
        ("ipv4", .ipv4(address: 0xC0A8_0001, port: 8080), "192.168.0.1:8080"),
        ("ipv6 loopback", .ipv6(address: IPv6Address(high: 0, low: 1), port: 443), "::1:443"),
        ("ipv6 full", .ipv6(address: IPv6Address(high: 0x2001_0DB8_0001_0002, low: 0x0003_0004_0005_0006), port: 1),
         "2001:db8:1:2:3:4:5:6:1"),
        ("ipv6 mapped", .ipv6(address: IPv6Address(high: 0, low: 0xFFFF_0A00_0001), port: 80), "::ffff:10.0.0.1:80"),
        ("unix path", .unix(path: "/run/x.sock"), "/run/x.sock"),
        ("unix abstract", .unix(path: ByteString([0] + Array("bus".utf8))), "@bus"),
    ]

    @Test(arguments: samples)
    func roundTripAndText(name: String, address: SocketAddress, text: String) {
        #expect(SocketAddress(bytes: ByteString(address.encoded)) == address, "\(name)")
        #expect(address.description == text, "\(name)")
    }

    @Test func shortOrForeignBytes() {
        #expect(SocketAddress(bytes: ByteString([2])) == nil)
        #expect(SocketAddress(bytes: ByteString([2, 0, 0, 80])) == nil)
        #expect(SocketAddress(bytes: ByteString([10, 0, 0, 80, 0, 0, 0, 0])) == nil)
        #expect(SocketAddress(bytes: ByteString([17, 0, 1, 2])) == .other(family: 17))
        #expect(IPv6Address(high: 0, low: 0xFFFF_7F00_0001).mappedIPv4 == 0x7F00_0001)
        #expect(IPv6Address(high: 0, low: 0).isUnspecified)
    }
}

struct ByteStringTests {
    @Test func equalityAndHashingIgnoreSliceOrigin() {
        let whole = ByteString("xx/etc/passwd")
        let slice = whole.slice(2..<13)
        #expect(slice == "/etc/passwd")
        #expect(Set([slice, ByteString("/etc/passwd")]).count == 1)
        #expect(slice[offset: 0] == UInt8(ascii: "/"))
    }

    @Test func searching() {
        let s: ByteString = "/home/u/.aws/credentials"
        #expect(s.hasPrefix("/home/") && !s.hasPrefix("/root"))
        #expect(s.hasSuffix(".aws/credentials") && !s.hasSuffix("x"))
        #expect(s.contains("/.aws/") && !s.contains("/.ssh/"))
        #expect(s.contains(""))
        #expect(s.firstRange(of: "u/") == 6..<8)
        #expect(!ByteString("ab").contains("abc"))
        #expect(s.lastPathComponent == "credentials")
        #expect(s.deletingLastPathComponent == "/home/u/.aws")
        #expect(ByteString("/etc").deletingLastPathComponent == "/")
        #expect(ByteString("dir/").lastPathComponent == "")
    }

    @Test func nonUTF8StaysExact() {
        let bytes = ByteString([0x61, 0xFF, 0x62])
        #expect(bytes.string == nil)
        #expect(bytes.description == "a\u{FFFD}b")
        #expect(bytes.count == 3)
        #expect(ByteString("héllo").string == "héllo")
    }

    @Test func splitAndJoin() {
        let argv = ByteString([0x61, 0, 0x62, 0, 0, 0x63, 0])
        #expect(argv.split(separator: 0) == ["a", "b", "", "c"])
        #expect(ByteString.joined(["a", "b"], separator: UInt8(ascii: " ")) == "a b")
        #expect(ByteString("a") + ByteString("b") == "ab")
        #expect(ByteString("a") < ByteString("b"))
    }
}

struct PathNormalizationTests {
    @Test(arguments: [
        ("/etc/passwd", nil, "/etc/passwd"),
        ("/etc//./passwd", nil, "/etc/passwd"),
        ("/../../etc/shadow", nil, "/etc/shadow"),
        ("/a/b/../c/", nil, "/a/c"),
        ("x/../y", "/base", "/base/y"),
        ("../../../etc/shadow", "/home/u/src/", "/etc/shadow"),
        ("./a", "/", "/a"),
        ("", "/cwd/", "/cwd"),
        ("..", "/", "/"),
        ("../x", nil, "../x"),
        ("a/../../b", nil, "../b"),
        ("a/..", nil, "."),
    ] as [(String, String?, String)])
    func resolve(path: String, base: String?, expected: String) {
        #expect(PathNormalization.resolve(ByteString(path), against: base.map { ByteString($0) }) == ByteString(expected))
    }

    @Test(arguments: ["/", "/a", "/a/b.c", "/a/.hidden", "/a/..b"])
    func alreadyNormal(path: String) {
        #expect(PathNormalization.isNormalized(ByteString(path)))
    }

    @Test(arguments: ["//a", "/a/", "/a/./b", "/a/..", "/a/../b", "/."])
    func notNormal(path: String) {
        #expect(!PathNormalization.isNormalized(ByteString(path)))
    }

    /// The word-at-a-time scan against its definition: normalising changes nothing. Paths of
    /// `/`, `.`, `a` and 0x2e/0x30 neighbours at every length up to three words, every offset.
    @Test func wordScanAgreesWithNormalizing() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = [0x2F, 0x2F, 0x2E, 0x2E, 0x61, 0x30, 0x2D]
        var checked = 0
        for length in 1...26 {
            for _ in 0..<400 {
                var bytes = [UInt8(ascii: "/")]
                while bytes.count < length { bytes.append(alphabet.randomElement(using: &generator)!) }
                let path = ByteString(bytes)
                #expect(PathNormalization.isNormalized(path) == (PathNormalization.normalize(path) == path), "\(path)")
                checked += 1
            }
        }
        #expect(checked == 26 * 400)
    }
}

struct ByteScanTests {
    /// The word-at-a-time scan finds exactly the indices a byte-by-byte loop finds, for every
    /// start and end of buffers up to three words, also bytes next to the searched value
    /// (which the zero-byte test can flag falsely) and 0x80/0xFF.
    @Test func agreesWithByteLoop() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = [0x2F, 0x2E, 0x30, 0x00, 0x01, 0x7F, 0x80, 0xFF]
        for length in 0...24 {
            for _ in 0..<30 {
                let bytes = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
                bytes.withUnsafeBufferPointer { buffer in
                    for byte in alphabet {
                        for start in 0...length {
                            for end in start...length {
                                var found: [Int] = []
                                _ = ByteScan.forEach(byte, in: buffer, from: start, to: end) { found.append($0); return true }
                                let expected = (start..<end).filter { buffer[$0] == byte }
                                #expect(found == expected, "\(bytes) \(byte) \(start)..<\(end)")
                                #expect(ByteScan.firstIndex(of: byte, in: buffer, from: start, to: end) == expected.first)
                            }
                        }
                    }
                }
            }
        }
    }
}
