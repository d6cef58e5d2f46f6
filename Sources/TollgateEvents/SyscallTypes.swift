/// Machine architectures whose syscall numbers the table knows.
public enum Architecture: String, Sendable, CaseIterable, Hashable {
    case x86_64
    case arm64

    /// The architecture this binary runs on.
    public static var native: Architecture {
        #if arch(arm64)
            return .arm64
        #else
            return .x86_64
        #endif
    }
}

/// A named set of flag or enumeration values that an argument renders with (Falco spelling).
public enum FlagSet: UInt8, Sendable, Hashable, CaseIterable {
    case openFlags, cloneFlags, ptraceRequest, fcntlCommand, socketFamily, socketType
    case modeBits, atFlags, renameFlags, mmapProt, mmapFlags, namespaceFlags, signal
    case execFlags, memfdFlags, fdFlags, prctlOption, bpfCommand, mountFlags, umountFlags
}

/// How a syscall argument or an event parameter is typed and rendered.
public enum ValueType: Sendable, Hashable {
    /// A file descriptor number.
    case fd
    /// A directory fd for `*at` calls (`AT_FDCWD` = -100).
    case dirfd
    /// A return value: the result, or `-errno` on failure.
    case errno
    /// A path string (payload).
    case path
    /// A path string relative to the dirfd in kernel argument `dirfdArgument` (payload).
    case relativePath(dirfdArgument: Int)
    /// A bit set rendered as `NAME|NAME`.
    case flags(FlagSet)
    /// One value rendered by name (ptrace request, fcntl command, socket family, ...).
    case enumeration(FlagSet)
    /// File mode bits (rendered with `S_*` names).
    case mode
    case uid, gid, pid, signal
    /// A `struct sockaddr` (payload).
    case sockaddr
    /// The socket tuple of the event's fd, from state.
    case socketTuple
    case size, unsigned, signed, pointer
    /// A NUL-terminated non-path string (payload), e.g. memfd_create's name.
    case string
    /// Raw bytes (payload), e.g. an I/O buffer.
    case bytes
    /// A struct the syscall reads, its size in bytes the next argument (payload of at most 128
    /// bytes), e.g. openat2's `struct open_how`.
    case sizedStruct
    /// Two `int` fds written by the kernel (pipe, socketpair) (payload).
    case fdPair
    /// A NUL-separated list such as argv.
    case stringList

    /// True when the capture side must read user memory for an argument of this type.
    public var needsPayload: Bool {
        switch self {
        case .path, .relativePath, .sockaddr, .string, .bytes, .sizedStruct, .fdPair: return true
        default: return false
        }
    }
}

/// One kernel argument of a syscall.
public struct SyscallArgument: Sendable, Hashable {
    public let name: String
    public let type: ValueType
}

/// Facts about the process that some event parameters carry (execve, clone, procexit).
public enum ProcessFact: Sendable, Hashable {
    case exe, args, tid, pid, ptid, cwd, comm, env, uid, gid, loginuid, tty, pgid, sid
    case exitCode, exitSignal, exitCoreDumped
}

/// Where an event parameter's value comes from.
public enum ParameterSource: Sendable, Hashable {
    case returnValue
    /// Raw kernel argument `i` (for payload types: the payload of `arg(i)`).
    case argument(Int)
    /// A named payload slot.
    case payload(PayloadSlot)
    /// The state of the event's process.
    case process(ProcessFact)
    /// The event fd's socket tuple.
    case socketTuple
    /// Element `index` (0 or 1) of the two fds the kernel wrote at argument `argument`.
    case fdPair(argument: Int, index: Int)
    /// A field of openat2's `struct open_how` (payload of argument 2): 0 flags, 1 mode, 2 resolve.
    case openHow(field: Int)
    /// The clone flags: `args[0]` of a fork record or clone syscall, the first u64 of clone3's
    /// `struct clone_args` payload.
    case cloneFlags
    /// `RawEvent.ExecFlags` from `args[0]` of an exec record (0 for a failed execve syscall).
    case execFlags
    /// Falco has the parameter but no backend delivers it: its value is absent (`<NA>`).
    case unavailable
}

/// One parameter of a Falco event, by Falco's name (`evt.arg.<name>`).
public struct EventParameter: Sendable, Hashable {
    public let name: String
    public let type: ValueType
    public let source: ParameterSource
}

/// Which fd the event is about (for `fd.*` fields).
public enum FdSource: Sendable, Hashable {
    /// The return value (open-like calls), when non-negative.
    case returnValue
    /// Kernel argument `i`.
    case argument(Int)
}

/// Broad grouping of syscalls.
public enum SyscallCategory: UInt8, Sendable, Hashable {
    case file, network, process, memory, ipc, security, system
    /// read/write-like calls: high volume, not needed unless a rule uses them.
    case highVolumeIO
}

/// How an event changes the process and fd state.
public enum StateEffect: Sendable, Hashable {
    case none
    /// New fd = return value; path in `pathArgument` (relative to `dirfdArgument` if any).
    case open(pathArgument: Int, dirfdArgument: Int?, flagsArgument: Int?)
    case close(fdArgument: Int)
    case closeRange
    /// New fd = return value (dup, dup2, dup3), copied from `fdArgument`.
    case dup(fdArgument: Int)
    case fcntl
    case socket
    case socketPair
    case connect
    case accept
    case bind
    case listen
    /// sendto/sendmsg/recvfrom/recvmsg with an optional address in `addressArgument`'s payload.
    case datagram(addressArgument: Int)
    case pipe
    /// New fd = return value, of this type; name from the payload of `nameArgument` if any.
    case newFd(FdType, nameArgument: Int?)
    case chdir
    case fchdir
    case execve
    case fork
    case exit
    case setUID(argument: Int)
    case setGID(argument: Int)
    /// setreuid/setresuid: effective uid in this argument (-1 keeps it).
    case setEffectiveUID(argument: Int)
    case setEffectiveGID(argument: Int)
    /// The call may change the caller's capability sets (capset, setfsuid, unshare, setns),
    /// which the record carries; `deferred`: they apply from the caller's next event on.
    case credentials(deferred: Bool)
    case setsid
    case setpgid
}
