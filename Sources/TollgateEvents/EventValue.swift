/// A typed event parameter value (`evt.arg.<name>`, `evt.rawarg.<name>`).
public enum EventValue: Sendable, Hashable {
    case fd(Int64)
    /// A return value: the result, or `-errno`.
    case errno(Int64)
    case path(ByteString)
    case string(ByteString)
    case bytes(ByteString)
    case stringList([ByteString])
    case flags(UInt64, FlagSet, Architecture)
    case enumeration(UInt64, FlagSet, Architecture)
    case mode(UInt64)
    case uid(UInt32)
    case gid(UInt32)
    case pid(Int64)
    case signal(Int64)
    case socketAddress(SocketAddress)
    /// A socket tuple rendered Falco's way (`1.2.3.4:5->6.7.8.9:80`).
    case socketTuple(String)
    case unsigned(UInt64)
    case signed(Int64)

    /// The numeric value for numeric kinds (`evt.rawarg`, numeric comparisons); nil otherwise.
    public var integer: Int64? {
        switch self {
        case .fd(let v), .errno(let v), .pid(let v), .signal(let v), .signed(let v): v
        case .flags(let v, _, _), .enumeration(let v, _, _), .mode(let v), .unsigned(let v):
            Int64(bitPattern: v)
        case .uid(let v): Int64(v)
        case .gid(let v): Int64(v)
        default: nil
        }
    }

    /// Falco's string form: flag names for flags (`O_RDONLY|O_CLOEXEC`), `S_*` names for modes,
    /// `ENOENT` for failed results, the exact text for paths (lossy only if not UTF-8).
    public var rendered: String {
        switch self {
        case .fd(let v), .pid(let v), .signed(let v): return String(v)
        case .errno(let v):
            if let name = Errno.name(forResult: v) { return name }
            return String(v)
        case .path(let b), .string(let b), .bytes(let b): return b.description
        case .stringList(let list): return list.map(\.description).joined(separator: " ")
        case .flags(let v, let set, let arch), .enumeration(let v, let set, let arch):
            return FlagNames.render(v, set, arch: arch)
        case .mode(let v): return FlagNames.render(v, .modeBits)
        case .uid(let v): return String(v)
        case .gid(let v): return String(v)
        case .signal(let v): return FlagNames.render(UInt64(bitPattern: v), .signal)
        case .socketAddress(let a): return a.description
        case .socketTuple(let s): return s
        case .unsigned(let v): return String(v)
        }
    }

    /// The exact bytes of string-like values (paths, strings, buffers); nil for other kinds.
    public var byteString: ByteString? {
        switch self {
        case .path(let b), .string(let b), .bytes(let b): b
        default: nil
        }
    }
}
