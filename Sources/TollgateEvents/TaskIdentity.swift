/// A task's capability sets (`thread.cap_*`), as the kernel holds them in its credentials: bit
/// N is capability N of `linux/capability.h`.
public struct Capabilities: Sendable, Equatable {
    public var inheritable: UInt64
    public var permitted: UInt64
    public var effective: UInt64
}

extension Capabilities {
    /// From a `credentials` payload (`struct tg_credentials`: three little-endian u64); nil
    /// when it is too short.
    public init?(payload: ByteString) {
        guard payload.count >= 24 else { return nil }
        inheritable = payload.littleEndianUInt64(at: 0)
        permitted = payload.littleEndianUInt64(at: 8)
        effective = payload.littleEndianUInt64(at: 16)
    }

    /// Falco's names of the capabilities in index order (`CAP_CHOWN` is bit 0).
    public static let names: [String] = [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
        "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
        "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
        "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
        "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
        "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
        "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
    ]

    /// A set as Falco writes it: the names of its capabilities, space-separated, in index order
    /// (bits past the last name are not named, as in Falco).
    public static func text(_ set: UInt64) -> ByteString {
        var parts: [String] = []
        for (bit, name) in names.enumerated() where set & (1 << UInt64(bit)) != 0 { parts.append(name) }
        return ByteString(parts.joined(separator: " "))
    }
}

/// An executable image as an exec record describes it (`proc.exe_ino*`).
public struct ExecutableFile: Sendable, Equatable {
    public var inode: UInt64
    /// The filesystem's device, in the kernel's encoding (major << 20 | minor).
    public var device: UInt64
    /// Last status change and last modification, nanoseconds since the epoch.
    public var ctime: Int64
    public var mtime: Int64
    /// Boot-time nanoseconds at which the init of the process's PID namespace started; nil
    /// when the backend could not tell.
    public var pidNamespaceStart: UInt64?
}

extension ExecutableFile {
    /// From an `exeFile` payload (`struct tg_exe_file`: five little-endian 64-bit words); nil
    /// when it is too short.
    public init?(payload: ByteString) {
        guard payload.count >= 40 else { return nil }
        inode = payload.littleEndianUInt64(at: 0)
        device = payload.littleEndianUInt64(at: 8)
        ctime = Int64(bitPattern: payload.littleEndianUInt64(at: 16))
        mtime = Int64(bitPattern: payload.littleEndianUInt64(at: 24))
        let start = payload.littleEndianUInt64(at: 32)
        pidNamespaceStart = start == 0 ? nil : start
    }
}

extension ByteString {
    /// The little-endian u64 at `offset`; the caller guarantees `offset + 8 <= count`.
    func littleEndianUInt64(at offset: Int) -> UInt64 {
        var value: UInt64 = 0
        for i in (0..<8).reversed() { value = value << 8 | UInt64(self[offset: offset + i]) }
        return value
    }
}
