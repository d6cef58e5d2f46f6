/// What a capture file says about the run it recorded; written first, before any record.
///
/// Layout (format version 1, little-endian; see docs/capture-format.md):
/// ```
/// u8[8]  magic "TGCAP\r\n\x1A"
/// u16    format version (1)
/// u16    flags (bit 0: environment values included)
/// u32    body length N (at most maxBodyLength)
/// body:  u8 architecture (0 x86_64, 1 arm64), u8 record encoding version, u16 reserved,
///        i64 boot-time offset, u64 start time, u64 seed timestamp,
///        i32 seed pid, i32 seed ppid, u32 uid, u32 gid,
///        str backend, str tollgate version, str hostname, str working directory, str executable,
///        list argv, list environment          (str = u32 length + bytes; list = u32 count + strs)
///        then, when the launcher is known (an addition within version 1):
///        str launcher name, str launcher executable, list launcher argv
/// ```
public struct CaptureHeader: Sendable, Equatable {
    public static let magic: [UInt8] = Array("TGCAP\r\n".utf8) + [0x1A]
    /// The format version this build writes and reads.
    public static let formatVersion: UInt16 = 1
    /// Largest header body accepted (the command line and environment live here).
    public static let maxBodyLength = 16 << 20
    /// Size of the fixed prefix before the body.
    public static let prefixLength = 16

    /// Whose syscall numbers the records carry.
    public var architecture: Architecture
    /// Backend that captured the records (`ebpf`, `ptrace`, `seccomp`).
    public var backend: String
    public var toolVersion: String
    /// The machine the job ran on (findings carry it).
    public var hostname: String
    /// Add to a record timestamp (boot clock, ns) to get Unix-epoch nanoseconds.
    public var bootTimeOffset: Int64
    /// Wall clock at the start of the run, Unix-epoch nanoseconds.
    public var startTime: UInt64
    /// The job's first process as the gate seeded it.
    public var seedPid: Int32
    public var seedPpid: Int32
    public var uid: UInt32
    public var gid: UInt32
    /// Boot-clock nanoseconds when the first process started.
    public var seedTimestamp: UInt64
    public var workingDirectory: ByteString
    /// The executable `command[0]` resolved to.
    public var executable: ByteString
    public var command: [ByteString]
    /// `NAME` entries, or `NAME=value` entries when `environmentValuesIncluded`.
    public var environment: [ByteString]
    /// The capture was written with `--capture-env`.
    public var environmentValuesIncluded: Bool
    /// The gate that started the job (pid `seedPpid`); nil when the capture does not say.
    public var launcher: LauncherIdentity?

    public init(
        architecture: Architecture = .native, backend: String, toolVersion: String, hostname: String, bootTimeOffset: Int64,
        startTime: UInt64, seedPid: Int32, seedPpid: Int32, uid: UInt32, gid: UInt32, seedTimestamp: UInt64,
        workingDirectory: ByteString, executable: ByteString, command: [ByteString], environment: [ByteString],
        environmentValuesIncluded: Bool, launcher: LauncherIdentity? = nil
    ) {
        self.architecture = architecture
        self.backend = backend
        self.toolVersion = toolVersion
        self.hostname = hostname
        self.bootTimeOffset = bootTimeOffset
        self.startTime = startTime
        self.seedPid = seedPid
        self.seedPpid = seedPpid
        self.uid = uid
        self.gid = gid
        self.seedTimestamp = seedTimestamp
        self.workingDirectory = workingDirectory
        self.executable = executable
        self.command = command
        self.environment = environmentValuesIncluded ? environment : environment.map(CaptureEnvironment.name(of:))
        self.environmentValuesIncluded = environmentValuesIncluded
        self.launcher = launcher.map { LauncherIdentity(pid: seedPpid, name: $0.name, executable: $0.executable, arguments: $0.arguments) }
    }

    /// The encoded header, prefix and body.
    public var encoded: [UInt8] {
        var body: [UInt8] = []
        body.append(architecture == .x86_64 ? 0 : 1)
        body.append(RawEvent.encodingVersion)
        body.appendLittleEndian(UInt16(0))
        body.appendLittleEndian(bootTimeOffset)
        body.appendLittleEndian(startTime)
        body.appendLittleEndian(seedTimestamp)
        body.appendLittleEndian(seedPid)
        body.appendLittleEndian(seedPpid)
        body.appendLittleEndian(uid)
        body.appendLittleEndian(gid)
        body.appendLengthPrefixed(Array(backend.utf8))
        body.appendLengthPrefixed(Array(toolVersion.utf8))
        body.appendLengthPrefixed(Array(hostname.utf8))
        body.appendLengthPrefixed(workingDirectory.bytes)
        body.appendLengthPrefixed(executable.bytes)
        body.appendStringList(command)
        body.appendStringList(environment)
        if let launcher {
            body.appendLengthPrefixed(launcher.name.bytes)
            body.appendLengthPrefixed(launcher.executable.bytes)
            body.appendStringList(launcher.arguments)
        }
        var out = Self.magic
        out.appendLittleEndian(Self.formatVersion)
        out.appendLittleEndian(UInt16(environmentValuesIncluded ? 1 : 0))
        out.appendLittleEndian(UInt32(body.count))
        return out + body
    }

    /// Reads the header at the start of `bytes`; returns it and the offset of the first record.
    public static func decode(_ bytes: [UInt8]) throws(CaptureError) -> (CaptureHeader, Int) {
        guard bytes.count >= magic.count, Array(bytes[0..<magic.count]) == magic else {
            if bytes.count < magic.count, bytes == Array(magic.prefix(bytes.count)) {
                throw CaptureError(.truncated, "file of \(bytes.count) bytes ends inside the capture magic", offset: bytes.count)
            }
            throw CaptureError(.badMagic, "not a tollgate capture file (the first 8 bytes are not the capture magic)", offset: 0)
        }
        var prefix = CaptureFieldReader(bytes: bytes, position: magic.count, end: bytes.count, code: .truncated, section: "header")
        let version = try prefix.u16("format version")
        guard version == formatVersion else {
            throw CaptureError(.badVersion, "capture format version \(version) is not supported; this build reads version \(formatVersion)",
                               offset: magic.count)
        }
        let flags = try prefix.u16("flags")
        guard flags & ~1 == 0 else {
            throw CaptureError(.badHeader, "unknown header flag bits 0x\(String(flags, radix: 16))", offset: 10)
        }
        let bodyLength = Int(try prefix.u32("body length"))
        guard bodyLength <= maxBodyLength else {
            throw CaptureError(.badHeader, "header length \(bodyLength) exceeds the limit of \(maxBodyLength) bytes", offset: 12)
        }
        guard bodyLength <= bytes.count - prefixLength else {
            throw CaptureError(.truncated, "file ends inside the header: it declares \(bodyLength) bytes, \(bytes.count - prefixLength) are present",
                               offset: 12)
        }
        let end = prefixLength + bodyLength
        var body = CaptureFieldReader(bytes: bytes, position: prefixLength, end: end, code: .badHeader, section: "header")
        let archByte = try body.u8("architecture")
        guard archByte <= 1 else {
            throw CaptureError(.badHeader, "unknown architecture code \(archByte) (0 is x86_64, 1 is arm64)", offset: prefixLength)
        }
        let recordVersion = try body.u8("record version")
        guard recordVersion == RawEvent.encodingVersion else {
            throw CaptureError(.badVersion, "record encoding version \(recordVersion) is not supported; this build reads version \(RawEvent.encodingVersion)",
                               offset: prefixLength + 1)
        }
        _ = try body.u16("reserved")
        let bootTimeOffset = try body.i64("boot-time offset")
        let startTime = try body.u64("start time")
        let seedTimestamp = try body.u64("seed timestamp")
        let seedPid = try body.i32("seed pid")
        let seedPpid = try body.i32("seed ppid")
        let uid = try body.u32("uid")
        let gid = try body.u32("gid")
        let backend = try body.string("backend")
        let toolVersion = try body.string("tollgate version")
        let hostname = try body.string("hostname")
        let cwd = try body.string("working directory")
        let executable = try body.string("executable")
        let command = try body.stringList("command")
        let environment = try body.stringList("environment")
        var launcher: LauncherIdentity?
        if body.position < end {
            let name = try body.string("launcher name")
            let executable = try body.string("launcher executable")
            let arguments = try body.stringList("launcher argv")
            if !executable.isEmpty || !arguments.isEmpty {
                launcher = LauncherIdentity(pid: seedPpid, name: name, executable: executable, arguments: arguments)
            }
        }
        // Bytes after the known fields are reserved for additions within version 1: skipped.
        let header = CaptureHeader(
            architecture: archByte == 0 ? .x86_64 : .arm64, backend: String(decoding: backend.bytes, as: UTF8.self),
            toolVersion: String(decoding: toolVersion.bytes, as: UTF8.self),
            hostname: String(decoding: hostname.bytes, as: UTF8.self), bootTimeOffset: bootTimeOffset,
            startTime: startTime, seedPid: seedPid, seedPpid: seedPpid, uid: uid, gid: gid, seedTimestamp: seedTimestamp,
            workingDirectory: cwd, executable: executable, command: command, environment: environment,
            environmentValuesIncluded: flags & 1 != 0, launcher: launcher)
        return (header, end)
    }
}
