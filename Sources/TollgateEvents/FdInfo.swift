/// One open file descriptor in a process's fd table (what `fd.*` fields read).
///
/// Objects are shared between a parent and the child it forked (like the kernel's open file
/// descriptions), so a `connect` in either updates both; `dup` creates a new object.
public final class FdInfo {
    /// The fd number in the table it was created in (`fd.num`).
    public let number: Int64
    /// `fd.type` / `fd.typechar`.
    public internal(set) var type: FdType
    /// The resolved, normalised absolute path for files (`fd.name`); for sockets see `name`.
    /// Nil when unknown: the path argument could not be read from the job's memory.
    public internal(set) var path: ByteString?
    /// The path as passed to the syscall (`fd.nameraw`); nil when it could not be read.
    public internal(set) var nameRaw: ByteString?
    /// Kernel open flags (`O_*`, native values) for files opened by open/openat/openat2/creat.
    public internal(set) var openFlags: UInt64?
    /// Socket state for socket fds (shared with dup'd copies, as in the kernel).
    public internal(set) var socket: SocketInfo? {
        get { socketBox?.info }
        set {
            if let newValue {
                if let socketBox { socketBox.info = newValue } else { socketBox = SocketBox(newValue) }
            } else {
                socketBox = nil
            }
        }
    }
    private var socketBox: SocketBox?
    /// Closed by a successful exec (O_CLOEXEC, SOCK_CLOEXEC, F_DUPFD_CLOEXEC...).
    public internal(set) var closeOnExec = false

    init(number: Int64, type: FdType, path: ByteString?, nameRaw: ByteString?, openFlags: UInt64? = nil,
         socket: SocketInfo? = nil) {
        self.number = number
        self.type = type
        self.path = path
        self.nameRaw = nameRaw
        self.openFlags = openFlags
        self.socketBox = socket.map(SocketBox.init)
    }

    /// A copy under a new number (dup, fcntl F_DUPFD).
    func duplicate(as newNumber: Int64) -> FdInfo {
        FdInfo(number: newNumber, type: type, path: path, nameRaw: nameRaw, openFlags: openFlags, socket: socket)

    }

    /// `fd.name`: the path for files, `cip:cport->sip:sport` for IP sockets, the path for unix
    /// sockets; nil when the path is unknown.
    public var name: ByteString? {
        if let socket, type.isSocket { return ByteString(socket.tupleName) }
        return path
    }

    /// `fd.directory`: the directory part of a file or directory path.
    public var directory: ByteString? {
        guard type == .file || type == .directory else { return nil }
        return type == .directory ? path : path?.deletingLastPathComponent
    }

    /// `fd.filename`: the last path component of a file.
    public var filename: ByteString? {
        guard type == .file || type == .directory else { return nil }
        return path?.lastPathComponent
    }
}

final class SocketBox {
    var info: SocketInfo
    init(_ info: SocketInfo) { self.info = info }
}

/// IP protocol of a socket (`fd.l4proto`).
public enum L4Protocol: UInt8, Sendable, Hashable {
    case tcp, udp, icmp, raw, unknown

    public var name: String {
        switch self {
        case .tcp: "tcp"
        case .udp: "udp"
        case .icmp: "icmp"
        case .raw: "raw"
        case .unknown: "<NA>"
        }
    }
}

/// Socket facts tracked from socket/bind/listen/connect/accept/sendto.
public struct SocketInfo: Sendable, Hashable {
    /// AF_* family number.
    public var family: UInt16
    public var l4proto: L4Protocol
    /// The local and remote endpoints when known.
    public var local: SocketAddress?
    public var remote: SocketAddress?
    /// True for listening sockets and sockets returned by accept (`fd.is_server`).
    public var isServer: Bool
    /// True once connected or accepted (`fd.connected`).
    public var connected: Bool

    public init(family: UInt16, l4proto: L4Protocol, local: SocketAddress? = nil, remote: SocketAddress? = nil,
                isServer: Bool = false, connected: Bool = false) {
        self.family = family
        self.l4proto = l4proto
        self.local = local
        self.remote = remote
        self.isServer = isServer
        self.connected = connected
    }

    /// Client endpoint (`fd.cip`/`fd.cport`).
    public var client: SocketAddress? { isServer ? remote : local }
    /// Server endpoint (`fd.sip`/`fd.sport`).
    public var server: SocketAddress? { isServer ? local : remote }

    /// Falco's socket `fd.name`: `cip:cport->sip:sport`, or a unix socket's path.
    public var tupleName: String {
        if family == SocketAddress.AF_UNIX {
            if case .unix(let path)? = remote ?? local { return SocketAddress.unix(path: path).addressString }
            return ""
        }
        let unspecified: SocketAddress =
            family == SocketAddress.AF_INET6
            ? .ipv6(address: IPv6Address(high: 0, low: 0), port: 0) : .ipv4(address: 0, port: 0)
        return "\((client ?? unspecified).description)->\((server ?? unspecified).description)"
    }
}
