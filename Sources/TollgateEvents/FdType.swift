/// The kind of object an fd refers to, with Falco's `fd.type` and `fd.typechar` spellings.
public enum FdType: UInt8, Sendable, Hashable, CaseIterable {
    case file, directory, ipv4, ipv6, unix, pipe, event, signalfd, eventpoll, inotify
    case timerfd, netlink, bpf, userfaultfd, ioUring, memfd, pidfd, unknown

    /// `fd.type`.
    public var name: String {
        switch self {
        case .file: "file"
        case .directory: "directory"
        case .ipv4: "ipv4"
        case .ipv6: "ipv6"
        case .unix: "unix"
        case .pipe: "pipe"
        case .event: "event"
        case .signalfd: "signalfd"
        case .eventpoll: "eventpoll"
        case .inotify: "inotify"
        case .timerfd: "timerfd"
        case .netlink: "netlink"
        case .bpf: "bpf"
        case .userfaultfd: "userfaultfd"
        case .ioUring: "io_uring"
        case .memfd: "memfd"
        case .pidfd: "pidfd"
        case .unknown: "<NA>"
        }
    }

    /// `fd.typechar`.
    public var typeChar: Character {
        switch self {
        case .file: "f"
        case .directory: "d"
        case .ipv4: "4"
        case .ipv6: "6"
        case .unix: "u"
        case .pipe: "p"
        case .event: "e"
        case .signalfd: "s"
        case .eventpoll: "l"
        case .inotify: "i"
        case .timerfd: "t"
        case .netlink: "n"
        case .bpf: "b"
        case .userfaultfd: "u"
        case .ioUring: "r"
        case .memfd: "m"
        case .pidfd: "P"
        case .unknown: "o"
        }
    }

    /// True for sockets (`fd.sockfamily` and the tuple fields apply).
    public var isSocket: Bool { self == .ipv4 || self == .ipv6 || self == .unix || self == .netlink }
}
