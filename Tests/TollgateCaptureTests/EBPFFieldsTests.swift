import CTollgate
import Foundation
import Testing
import TollgateEvents
@testable import TollgateCapture

/// Fields the capture program reads from the kernel rather than from the job's memory:
/// `proc.exepath` (the executed file, symlinks resolved, `memfd:NAME`) and the local address of
/// connected and accepted sockets. Real jobs under the eBPF backend; serialized, root only.
@Suite(.serialized, .enabled(if: getuid() == 0, "needs root: attaches the eBPF capture program"))
struct EBPFFieldsTests {
    static let names = SyscallTable.stateSyscallNames.union(["connect", "accept", "accept4"])

    /// One exec and what the kernel-resolved path of its image must be.
    struct ExecCase: CustomTestStringConvertible, Sendable {
        let label: String
        /// Shell script run by /bin/sh; `$HELPER` is the compiled helper, `$DIR` a fresh folder.
        let script: String
        /// The `proc.name` of the exec under test.
        let name: String
        /// The expected `proc.exepath`; `$DIR` is replaced by the folder.
        let exePath: String
        let fromMemfd: Bool
        var testDescription: String { label }
    }

    static let execCases: [ExecCase] = [
        ExecCase(label: "a symlink named httpd to /bin/sh runs the shell's real file",
                 script: "ln -s /bin/sh \"$DIR/httpd\" && \"$DIR/httpd\" -c true", name: "httpd",
                 exePath: realPath("/bin/sh"), fromMemfd: false),
        ExecCase(label: "a plain binary is its canonical path", script: "cp /bin/true \"$DIR/plain\" && \"$DIR/plain\"",
                 name: "plain", exePath: "$DIR/plain", fromMemfd: false),
        ExecCase(label: "an image executed from a memfd is memfd:NAME", script: "\"$HELPER\" memfd", name: "3",
                 exePath: "memfd:payload", fromMemfd: true),
        ExecCase(label: "a binary on a bind mount is the path seen from the process's root",
                 script: "mkdir \"$DIR/a\" \"$DIR/b\" && cp /bin/true \"$DIR/a/tool\" && "
                     + "unshare -m sh -c 'mount --bind \"$DIR/a\" \"$DIR/b\" && \"$DIR/b/tool\"'",
                 name: "tool", exePath: "$DIR/b/tool", fromMemfd: false),
        ExecCase(label: "a binary from an overlay's lower layer is its path in the merged tree",
                 script: "mkdir \"$DIR/lower\" \"$DIR/upper\" \"$DIR/work\" \"$DIR/merged\" && "
                     + "cp /bin/true \"$DIR/lower/layered\" && unshare -m sh -c 'mount -t overlay overlay -o "
                     + "lowerdir=\"$DIR/lower\",upperdir=\"$DIR/upper\",workdir=\"$DIR/work\" \"$DIR/merged\" && "
                     + "\"$DIR/merged/layered\"'",
                 name: "layered", exePath: "$DIR/merged/layered", fromMemfd: false),
    ]

    @Test(arguments: execCases)
    func exePathIsTheFileTheKernelRuns(_ testCase: ExecCase) throws {
        let helper = try Helper.shared()
        let dir = try Self.makeFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sink = try Self.run(["/bin/sh", "-c", testCase.script],
                                environment: ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HELPER=\(helper)", "DIR=\(dir)"])
        let expected = testCase.exePath.replacingOccurrences(of: "$DIR", with: dir)

        let execs = Self.decodedExecs(sink)
        let exec = try #require(execs.first { $0.name == testCase.name },
                                "no exec named '\(testCase.name)' among \(execs.map(\.name))")
        #expect(exec.exePath == expected)
        #expect(exec.fromMemfd == testCase.fromMemfd)
        #expect(exec.raw.payload(.resolvedPath)?.string == expected, "the payload itself, before the decoder")
        #expect(!exec.raw.flags.contains(.payloadTruncated))
    }

    /// The exec record of a copy of /bin/true run `depth` folders below a fresh folder, and
    /// that copy's path.
    private func deepToolExec(depth: Int) throws -> (exec: DecodedExec, path: String) {
        let dir = try Self.makeFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let deep = dir + String(repeating: "/d", count: depth)
        try FileManager.default.createDirectory(atPath: deep, withIntermediateDirectories: true)
        let sink = try Self.run(["/bin/sh", "-c", "cp /bin/true \"$DEEP/deeptool\" && \"$DEEP/deeptool\""],
                                environment: ["PATH=/usr/bin:/bin", "DEEP=\(deep)"])
        return (try #require(Self.decodedExecs(sink).first { $0.name == "deeptool" }), deep + "/deeptool")
    }

    /// A path of more components than an old 40-step walk took is named whole.
    @Test func aDeepPathIsNamedWhole() throws {
        let (exec, path) = try deepToolExec(depth: 45)
        #expect(exec.raw.payload(.resolvedPath)?.string == path)
        #expect(!exec.raw.flags.contains(.payloadTruncated) && !exec.raw.flags.contains(.payloadReadFailed))
    }

    /// A name the walk cannot finish (more components than it takes) could be any file's tail:
    /// it is left out as unreadable, and the run fails closed on it, never named by its tail.
    @Test func aPathDeeperThanTheWalkIsLeftOutAsUnreadable() throws {
        let (exec, _) = try deepToolExec(depth: 600)
        #expect(exec.raw.payload(.resolvedPath) == nil)
        #expect(exec.raw.flags.contains(.payloadReadFailed) && exec.raw.hasUnreadablePayload)
    }

    /// The largest exec record: a ~3.4 KB exe path and its resolved twin, an environment cut at
    /// 4 KiB and a 60 KB command line all fit, none wrapped over another, the command line whole.
    @Test func theLargestExecRecordKeepsEveryPayload() throws {
        let dir = try Self.makeFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let long = dir + String(repeating: "/" + String(repeating: "l", count: 99), count: 34)
        try FileManager.default.createDirectory(atPath: long, withIntermediateDirectories: true)
        let argument = String(repeating: "a", count: 60_000)
        let sink = try Self.run(["/bin/sh", "-c", "cp /bin/true \"$LONG/widetool\" && \"$LONG/widetool\" \(argument) tail"],
                                environment: ["PATH=/usr/bin:/bin", "LONG=\(long)", "BIG=" + String(repeating: "e", count: 6000)])
        let exec = try #require(Self.decodedExecs(sink).first { $0.name == "widetool" })
        #expect(exec.raw.payload(.exePath)?.string == long + "/widetool")
        #expect(exec.raw.payload(.resolvedPath)?.string == long + "/widetool")
        #expect(exec.raw.payload(.argv)?.string == long + "/widetool\0" + argument + "\0tail\0")
        #expect(exec.raw.payload(.env)?.count == 4096)
        #expect(exec.raw.flags.contains(.payloadTruncated), "the environment was cut")
        #expect(!exec.raw.flags.contains(.commandLineTruncated))
    }

    /// A command line past TG_ARGV_MAX keeps its first 64 KiB and says it was cut.
    @Test func aCommandLinePast64KiBIsCutAndSaysSo() throws {
        let sink = try Self.run(["/bin/sh", "-c", "/bin/true \(String(repeating: "a", count: 70_000)) tail"],
                                environment: ["PATH=/usr/bin:/bin"])
        let exec = try #require(Self.decodedExecs(sink).first { $0.name == "true" })
        #expect(exec.raw.payload(.argv)?.count == Int(TG_ARGV_MAX))
        #expect(exec.raw.flags.contains(.commandLineTruncated))
    }

    /// A socket connected to, and accepted from, a loopback listener of `family`.
    @Test(arguments: [("inet", "127.0.0.1"), ("inet6", "::1")])
    func connectAndAcceptCarryTheLocalAddress(_ mode: String, _ loopback: String) throws {
        let helper = try Helper.shared()
        let sink = try Self.run([helper, mode], environment: [])
        let connect = try #require(sink.syscalls(named: "connect").first { $0.returnValue == 0 })
        let accept = try #require((sink.syscalls(named: "accept") + sink.syscalls(named: "accept4"))
            .first { $0.returnValue >= 0 })
        let connectLocal = try #require(connect.payload(.resolvedPath).flatMap(SocketAddress.init(bytes:)))
        let acceptLocal = try #require(accept.payload(.resolvedPath).flatMap(SocketAddress.init(bytes:)))
        let destination = try #require(connect.payload(.arg(1)).flatMap(SocketAddress.init(bytes:)))
        let peer = try #require(accept.payload(.arg(1)).flatMap(SocketAddress.init(bytes:)))

        #expect(connectLocal == peer, "the client's local end is the peer the server accepted")
        #expect(acceptLocal == destination, "the accepted socket's local end is where the client connected")
        #expect(connectLocal.description.hasPrefix(loopback.contains(":") ? "::1" : loopback))
        if case .ipv4(_, let port) = connectLocal { #expect(port != 0) }
        if case .ipv6(_, let port) = connectLocal { #expect(port != 0) }
    }

    // MARK: - Helpers

    struct DecodedExec {
        let name: String
        let exePath: String?
        let fromMemfd: Bool?
        let raw: RawEvent
    }

    static func run(_ command: [String], environment: [String]) throws -> RecordingSink {
        let backend = try EBPFBackend(syscallNames: names)
        let sink = RecordingSink()
        let job = JobSpec(command: command, environment: environment, workingDirectory: "/")
        let result = try backend.run(job, grace: GracePeriod(seconds: 5), sink: sink)
        #expect(result.outcome.termination == .exited(0), "the job itself must succeed")
        #expect(result.coverage.drops == 0)
        return sink
    }

    /// Every exec record of the run, through the decoder: the fields rules see.
    static func decodedExecs(_ sink: RecordingSink) -> [DecodedExec] {
        let decoder = EventDecoder(arch: .native)
        var execs: [DecodedExec] = []
        for raw in sink.events {
            guard let event = decoder.decode(raw), raw.kind == .processExec else { continue }
            execs.append(DecodedExec(name: event.process.name?.description ?? "",
                                     exePath: event.process.exePath?.description,
                                     fromMemfd: event.process.isExeFromMemfd, raw: raw))
        }
        return execs
    }

    static func makeFolder() throws -> String {
        let path = realPath(NSTemporaryDirectory()) + "/tollgate-fields-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func realPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

/// A small C program, compiled once per test run: `memfd` copies /bin/true into a memfd named
/// "payload" and fexecve()s it; `inet`/`inet6` connect to and accept from a loopback listener.
enum Helper {
    static let source = """
        #define _GNU_SOURCE
        #include <arpa/inet.h>
        #include <fcntl.h>
        #include <netinet/in.h>
        #include <string.h>
        #include <sys/mman.h>
        #include <sys/socket.h>
        #include <unistd.h>
        extern char **environ;
        static int memfd_exec(void) {
            int fd = memfd_create("payload", 0), in = open("/bin/true", O_RDONLY);
            char buffer[65536];
            ssize_t n;
            if (fd < 0 || in < 0) return 2;
            while ((n = read(in, buffer, sizeof buffer)) > 0)
                if (write(fd, buffer, n) != n) return 2;
            char *argv[] = {"payload", 0};
            fexecve(fd, argv, environ);
            return 3;
        }
        static int sockets(int family) {
            struct sockaddr_storage address = {0}, peer;
            socklen_t length = family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
            socklen_t peer_length = sizeof peer;
            if (family == AF_INET) {
                struct sockaddr_in *v4 = (struct sockaddr_in *)&address;
                v4->sin_family = AF_INET;
                v4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            } else {
                struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&address;
                v6->sin6_family = AF_INET6;
                v6->sin6_addr = in6addr_loopback;
            }
            int server = socket(family, SOCK_STREAM, 0);
            if (bind(server, (struct sockaddr *)&address, length) || listen(server, 1)) return 4;
            if (getsockname(server, (struct sockaddr *)&address, &length)) return 4;
            int client = socket(family, SOCK_STREAM, 0);
            if (connect(client, (struct sockaddr *)&address, length)) return 5;
            return accept(server, (struct sockaddr *)&peer, &peer_length) < 0 ? 6 : 0;
        }
        int main(int argc, char **argv) {
            if (argc > 1 && !strcmp(argv[1], "memfd")) return memfd_exec();
            if (argc > 1 && !strcmp(argv[1], "inet")) return sockets(AF_INET);
            if (argc > 1 && !strcmp(argv[1], "inet6")) return sockets(AF_INET6);
            return 1;
        }
        """

    struct CompileError: Error, CustomStringConvertible {
        let description: String
    }

    private static let compiled: Result<String, CompileError> = compile()

    /// The helper's path; compiles it on first use.
    static func shared() throws -> String { try compiled.get() }

    private static func compile() -> Result<String, CompileError> {
        let folder = NSTemporaryDirectory() + "tollgate-fields-helper-\(getpid())"
        let sourcePath = folder + "/helper.c", binary = folder + "/helper"
        let compilers = ["/usr/bin/cc", "/usr/bin/clang", "/opt/swift/usr/bin/clang"]
        guard let compiler = compilers.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            return .failure(CompileError(description: "no C compiler among \(compilers)"))
        }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try source.write(toFile: sourcePath, atomically: true, encoding: .utf8)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: compiler)
            process.arguments = ["-O1", "-o", binary, sourcePath]
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                return .failure(CompileError(description: "'\(compiler)' failed on the helper: status \(process.terminationStatus)"))
            }
            return .success(binary)
        } catch {
            return .failure(CompileError(description: "cannot build the helper: \(error)"))
        }
    }
}
