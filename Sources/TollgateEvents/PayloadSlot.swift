/// Which piece of user memory a `RawEvent` payload holds.
///
/// `arg(i)` is the memory syscall argument `i` points to (a path without its NUL, a sockaddr,
/// a buffer). For `sendmsg`/`recvmsg` the capture side stores the `msg_name` sockaddr as
/// `arg(1)`. The other slots carry process facts delivered with exec events (`exePath`, `argv`
/// and `env` NUL-separated, `cwd`), the kernel-resolved absolute path of a file syscall, the
/// task's capability sets (`credentials`, `Capabilities`) and an exec's image (`exeFile`,
/// `ExecutableFile`).
public enum PayloadSlot: Sendable, Hashable, CustomStringConvertible {
    case arg(Int)
    case exePath
    case argv
    case env
    case cwd
    case resolvedPath
    case credentials
    case exeFile
    /// Exec (eBPF): the name of the process's cgroup2 folder, which engines name after the
    /// container (`container.id`).
    case cgroup

    /// Number of distinct slots (arg 0...5 plus eight named slots).
    public static let count = 14

    /// Every slot, in index order.
    public static let all: [PayloadSlot] = (0..<count).compactMap { PayloadSlot(index: $0) }

    /// Dense index 0..<14 (arguments first). Out-of-range `arg` values have no index.
    public var index: Int? {
        switch self {
        case .arg(let i): return (0...5).contains(i) ? i : nil
        case .exePath: return 6
        case .argv: return 7
        case .env: return 8
        case .cwd: return 9
        case .resolvedPath: return 10
        case .credentials: return 11
        case .exeFile: return 12
        case .cgroup: return 13
        }
    }

    public init?(index: Int) {
        switch index {
        case 0...5: self = .arg(index)
        case 6: self = .exePath
        case 7: self = .argv
        case 8: self = .env
        case 9: self = .cwd
        case 10: self = .resolvedPath
        case 11: self = .credentials
        case 12: self = .exeFile
        case 13: self = .cgroup
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .arg(let i): return "arg\(i)"
        case .exePath: return "exePath"
        case .argv: return "argv"
        case .env: return "env"
        case .cwd: return "cwd"
        case .resolvedPath: return "resolvedPath"
        case .credentials: return "credentials"
        case .exeFile: return "exeFile"
        case .cgroup: return "cgroup"
        }
    }
}
