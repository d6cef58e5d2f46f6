/// Falco-style names for flag and enumeration values.
///
/// A flag entry matches when `value & mask == bits`; matched `mask` bits are consumed so a
/// combined name (`O_RDWR`, `O_SYNC`, `O_TMPFILE`) wins over its parts. Names render in table
/// order joined by `|`. Some values differ by architecture (open flags on arm64).
public enum FlagNames {
    struct Entry {
        let name: String
        let bits: UInt64
        let mask: UInt64
        init(_ name: String, _ bits: UInt64, mask: UInt64? = nil) {
            self.name = name
            self.bits = bits
            self.mask = mask ?? bits
        }
    }

    /// Renders `value` as `NAME|NAME` (flag sets) or `NAME` (enumerations). A value with no
    /// matching name renders as its decimal number.
    public static func render(_ value: UInt64, _ set: FlagSet, arch: Architecture = .native) -> String {
        let entries = table(set, arch: arch)
        if isEnumeration(set) {
            if let entry = entries.first(where: { $0.bits == value }) { return entry.name }
            return String(value)
        }
        var remaining = value
        var names: [String] = []
        for entry in entries {
            if entry.bits == 0 {
                // A zero-valued name (O_RDONLY, PROT_NONE) matches when its mask bits are all clear.
                guard entry.mask != 0, value & entry.mask == 0 else { continue }
            } else {
                guard remaining & entry.mask == entry.bits else { continue }
            }
            names.append(entry.name)
            remaining &= ~entry.mask
        }
        if names.isEmpty { return String(value) }
        return names.joined(separator: "|")
    }

    /// The value of a single name in `set`, for building test events (`O_CREAT` -> 0o100).
    public static func value(of name: String, in set: FlagSet, arch: Architecture = .native) -> UInt64? {
        table(set, arch: arch).first { $0.name == name }?.bits
    }

    static func isEnumeration(_ set: FlagSet) -> Bool {
        switch set {
        case .ptraceRequest, .fcntlCommand, .socketFamily, .signal, .prctlOption, .bpfCommand: true
        default: false
        }
    }

    static func table(_ set: FlagSet, arch: Architecture) -> [Entry] {
        switch set {
        case .openFlags: arch == .arm64 ? openFlagsArm64 : openFlagsX86
        case .cloneFlags: cloneFlags
        case .ptraceRequest: ptraceRequests
        case .fcntlCommand: fcntlCommands
        case .socketFamily: socketFamilies
        case .socketType: socketTypes
        case .modeBits: modeBits
        case .atFlags: atFlags
        case .renameFlags: [Entry("RENAME_NOREPLACE", 1), Entry("RENAME_EXCHANGE", 2), Entry("RENAME_WHITEOUT", 4)]
        case .mmapProt: [Entry("PROT_NONE", 0, mask: 0xF), Entry("PROT_READ", 1), Entry("PROT_WRITE", 2),
                         Entry("PROT_EXEC", 4), Entry("PROT_SEM", 8), Entry("PROT_GROWSDOWN", 0x0100_0000),
                         Entry("PROT_GROWSUP", 0x0200_0000)]
        case .mmapFlags: mmapFlags
        case .namespaceFlags: namespaceFlags
        case .signal: signals
        case .execFlags: [Entry("EXE_WRITABLE", 1), Entry("EXE_UPPER_LAYER", 2), Entry("EXE_FROM_MEMFD", 4),
                          Entry("EXE_LOWER_LAYER", 8)]
        case .memfdFlags: [Entry("MFD_CLOEXEC", 1), Entry("MFD_ALLOW_SEALING", 2), Entry("MFD_HUGETLB", 4),
                           Entry("MFD_NOEXEC_SEAL", 8), Entry("MFD_EXEC", 0x10)]
        case .fdFlags: [Entry("O_NONBLOCK", 0o4000), Entry("O_CLOEXEC", 0o2000000)]
        case .prctlOption: prctlOptions
        case .bpfCommand: bpfCommands
        case .mountFlags: mountFlags
        case .umountFlags: [Entry("MNT_FORCE", 1), Entry("MNT_DETACH", 2), Entry("MNT_EXPIRE", 4),
                            Entry("UMOUNT_NOFOLLOW", 8)]
        }
    }

    private static func openFlags(directory: UInt64, noFollow: UInt64, direct: UInt64, largeFile: UInt64) -> [Entry] {
        [
            Entry("O_LARGEFILE", largeFile),
            Entry("O_TMPFILE", 0o20000000 | directory),
            Entry("O_DIRECTORY", directory),
            Entry("O_DIRECT", direct),
            Entry("O_TRUNC", 0o1000),
            Entry("O_SYNC", 0o4010000),
            Entry("O_NONBLOCK", 0o4000),
            Entry("O_EXCL", 0o200),
            Entry("O_DSYNC", 0o10000),
            Entry("O_APPEND", 0o2000),
            Entry("O_CREAT", 0o100),
            Entry("O_RDWR", 2, mask: 3),
            Entry("O_WRONLY", 1, mask: 3),
            Entry("O_RDONLY", 0, mask: 3),
            Entry("O_CLOEXEC", 0o2000000),
            Entry("O_NOFOLLOW", noFollow),
            Entry("O_PATH", 0o10000000),
            Entry("O_NOATIME", 0o1000000),
            Entry("O_NOCTTY", 0o400),
        ]
    }

    static let openFlagsX86 = openFlags(directory: 0o200000, noFollow: 0o400000, direct: 0o40000, largeFile: 0o100000)
    static let openFlagsArm64 = openFlags(directory: 0o40000, noFollow: 0o100000, direct: 0o200000, largeFile: 0o400000)

    static let cloneFlags: [Entry] = [
        ("CLONE_VM", 0x100), ("CLONE_FS", 0x200), ("CLONE_FILES", 0x400), ("CLONE_SIGHAND", 0x800),
        ("CLONE_PIDFD", 0x1000), ("CLONE_PTRACE", 0x2000), ("CLONE_VFORK", 0x4000), ("CLONE_PARENT", 0x8000),
        ("CLONE_THREAD", 0x10000), ("CLONE_NEWNS", 0x20000), ("CLONE_SYSVSEM", 0x40000),
        ("CLONE_SETTLS", 0x80000), ("CLONE_PARENT_SETTID", 0x100000), ("CLONE_CHILD_CLEARTID", 0x200000),
        ("CLONE_DETACHED", 0x400000), ("CLONE_UNTRACED", 0x800000), ("CLONE_CHILD_SETTID", 0x1000000),
        ("CLONE_NEWCGROUP", 0x2000000), ("CLONE_NEWUTS", 0x4000000), ("CLONE_NEWIPC", 0x8000000),
        ("CLONE_NEWUSER", 0x1000_0000), ("CLONE_NEWPID", 0x2000_0000), ("CLONE_NEWNET", 0x4000_0000),
        ("CLONE_IO", 0x8000_0000), ("CLONE_CLEAR_SIGHAND", 0x1_0000_0000), ("CLONE_INTO_CGROUP", 0x2_0000_0000),
    ].map { Entry($0.0, $0.1) }

    static let namespaceFlags: [Entry] = [
        ("CLONE_NEWTIME", 0x80), ("CLONE_FS", 0x200), ("CLONE_FILES", 0x400), ("CLONE_NEWNS", 0x20000),
        ("CLONE_SYSVSEM", 0x40000), ("CLONE_NEWCGROUP", 0x2000000), ("CLONE_NEWUTS", 0x4000000),
        ("CLONE_NEWIPC", 0x8000000), ("CLONE_NEWUSER", 0x1000_0000), ("CLONE_NEWPID", 0x2000_0000),
        ("CLONE_NEWNET", 0x4000_0000),
    ].map { Entry($0.0, $0.1) }

    static let ptraceRequests: [Entry] = [
        ("PTRACE_TRACEME", 0), ("PTRACE_PEEKTEXT", 1), ("PTRACE_PEEKDATA", 2), ("PTRACE_PEEKUSR", 3),
        ("PTRACE_POKETEXT", 4), ("PTRACE_POKEDATA", 5), ("PTRACE_POKEUSR", 6), ("PTRACE_CONT", 7),
        ("PTRACE_KILL", 8), ("PTRACE_SINGLESTEP", 9), ("PTRACE_GETREGS", 12), ("PTRACE_SETREGS", 13),
        ("PTRACE_GETFPREGS", 14), ("PTRACE_SETFPREGS", 15), ("PTRACE_ATTACH", 16), ("PTRACE_DETACH", 17),
        ("PTRACE_GETFPXREGS", 18), ("PTRACE_SETFPXREGS", 19), ("PTRACE_SYSCALL", 24),
        ("PTRACE_ARCH_PRCTL", 30), ("PTRACE_SYSEMU", 31), ("PTRACE_SYSEMU_SINGLESTEP", 32),
        ("PTRACE_SINGLEBLOCK", 33), ("PTRACE_SETOPTIONS", 0x4200), ("PTRACE_GETEVENTMSG", 0x4201),
        ("PTRACE_GETSIGINFO", 0x4202), ("PTRACE_SETSIGINFO", 0x4203), ("PTRACE_GETREGSET", 0x4204),
        ("PTRACE_SETREGSET", 0x4205), ("PTRACE_SEIZE", 0x4206), ("PTRACE_INTERRUPT", 0x4207),
        ("PTRACE_LISTEN", 0x4208), ("PTRACE_PEEKSIGINFO", 0x4209), ("PTRACE_GETSIGMASK", 0x420A),
        ("PTRACE_SETSIGMASK", 0x420B), ("PTRACE_SECCOMP_GET_FILTER", 0x420C),
    ].map { Entry($0.0, $0.1) }

    static let fcntlCommands: [Entry] = [
        ("F_DUPFD", 0), ("F_GETFD", 1), ("F_SETFD", 2), ("F_GETFL", 3), ("F_SETFL", 4), ("F_GETLK", 5),
        ("F_SETLK", 6), ("F_SETLKW", 7), ("F_SETOWN", 8), ("F_GETOWN", 9), ("F_SETSIG", 10), ("F_GETSIG", 11),
        ("F_SETOWN_EX", 15), ("F_GETOWN_EX", 16), ("F_OFD_GETLK", 36), ("F_OFD_SETLK", 37),
        ("F_OFD_SETLKW", 38), ("F_SETLEASE", 1024), ("F_GETLEASE", 1025), ("F_NOTIFY", 1026),
        ("F_DUPFD_CLOEXEC", 1030), ("F_SETPIPE_SZ", 1031), ("F_GETPIPE_SZ", 1032), ("F_ADD_SEALS", 1033),
        ("F_GET_SEALS", 1034),
    ].map { Entry($0.0, $0.1) }

    static let socketFamilies: [Entry] = [
        "AF_UNSPEC", "AF_UNIX", "AF_INET", "AF_AX25", "AF_IPX", "AF_APPLETALK", "AF_NETROM", "AF_BRIDGE",
        "AF_ATMPVC", "AF_X25", "AF_INET6", "AF_ROSE", "AF_DECnet", "AF_NETBEUI", "AF_SECURITY", "AF_KEY",
        "AF_NETLINK", "AF_PACKET", "AF_ASH", "AF_ECONET", "AF_ATMSVC", "AF_RDS", "AF_SNA", "AF_IRDA",
        "AF_PPPOX", "AF_WANPIPE", "AF_LLC", "AF_IB", "AF_MPLS", "AF_CAN", "AF_TIPC", "AF_BLUETOOTH",
        "AF_IUCV", "AF_RXRPC", "AF_ISDN", "AF_PHONET", "AF_IEEE802154", "AF_CAIF", "AF_ALG", "AF_NFC",
        "AF_VSOCK", "AF_KCM", "AF_QIPCRTR", "AF_SMC", "AF_XDP", "AF_MCTP",
    ].enumerated().map { Entry($1, UInt64($0)) }

    static let socketTypes: [Entry] = [
        Entry("SOCK_STREAM", 1, mask: 0xF), Entry("SOCK_DGRAM", 2, mask: 0xF), Entry("SOCK_RAW", 3, mask: 0xF),
        Entry("SOCK_RDM", 4, mask: 0xF), Entry("SOCK_SEQPACKET", 5, mask: 0xF), Entry("SOCK_DCCP", 6, mask: 0xF),
        Entry("SOCK_PACKET", 10, mask: 0xF), Entry("SOCK_NONBLOCK", 0o4000), Entry("SOCK_CLOEXEC", 0o2000000),
    ]

    static let modeBits: [Entry] = [
        ("S_IXOTH", 0o1), ("S_IWOTH", 0o2), ("S_IROTH", 0o4), ("S_IXGRP", 0o10), ("S_IWGRP", 0o20),
        ("S_IRGRP", 0o40), ("S_IXUSR", 0o100), ("S_IWUSR", 0o200), ("S_IRUSR", 0o400), ("S_ISVTX", 0o1000),
        ("S_ISGID", 0o2000), ("S_ISUID", 0o4000),
    ].map { Entry($0.0, $0.1) }

    static let atFlags: [Entry] = [
        ("AT_SYMLINK_NOFOLLOW", 0x100), ("AT_REMOVEDIR", 0x200), ("AT_SYMLINK_FOLLOW", 0x400),
        ("AT_NO_AUTOMOUNT", 0x800), ("AT_EMPTY_PATH", 0x1000),
    ].map { Entry($0.0, $0.1) }

    static let mmapFlags: [Entry] = [
        Entry("MAP_SHARED_VALIDATE", 3, mask: 3), Entry("MAP_SHARED", 1, mask: 3), Entry("MAP_PRIVATE", 2, mask: 3),
        Entry("MAP_FIXED", 0x10), Entry("MAP_ANONYMOUS", 0x20), Entry("MAP_32BIT", 0x40),
        Entry("MAP_GROWSDOWN", 0x100), Entry("MAP_DENYWRITE", 0x800), Entry("MAP_EXECUTABLE", 0x1000),
        Entry("MAP_LOCKED", 0x2000), Entry("MAP_NORESERVE", 0x4000), Entry("MAP_POPULATE", 0x8000),
        Entry("MAP_NONBLOCK", 0x10000), Entry("MAP_STACK", 0x20000), Entry("MAP_HUGETLB", 0x40000),
        Entry("MAP_SYNC", 0x80000), Entry("MAP_FIXED_NOREPLACE", 0x100000),
    ]

    static let signals: [Entry] = [
        "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL",
        "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT",
        "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF",
        "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
    ].enumerated().map { Entry($1, UInt64($0 + 1)) }

    static let prctlOptions: [Entry] = [
        ("PR_SET_PDEATHSIG", 1), ("PR_GET_PDEATHSIG", 2), ("PR_GET_DUMPABLE", 3), ("PR_SET_DUMPABLE", 4),
        ("PR_GET_KEEPCAPS", 7), ("PR_SET_KEEPCAPS", 8), ("PR_SET_NAME", 15), ("PR_GET_NAME", 16),
        ("PR_GET_SECCOMP", 21), ("PR_SET_SECCOMP", 22), ("PR_CAPBSET_READ", 23), ("PR_CAPBSET_DROP", 24),
        ("PR_GET_SECUREBITS", 27), ("PR_SET_SECUREBITS", 28), ("PR_SET_CHILD_SUBREAPER", 36),
        ("PR_GET_CHILD_SUBREAPER", 37), ("PR_SET_NO_NEW_PRIVS", 38), ("PR_GET_NO_NEW_PRIVS", 39),
        ("PR_CAP_AMBIENT", 47), ("PR_SET_PTRACER", 0x5961_6D61),
    ].map { Entry($0.0, $0.1) }

    static let bpfCommands: [Entry] = [
        ("BPF_MAP_CREATE", 0), ("BPF_MAP_LOOKUP_ELEM", 1), ("BPF_MAP_UPDATE_ELEM", 2),
        ("BPF_MAP_DELETE_ELEM", 3), ("BPF_MAP_GET_NEXT_KEY", 4), ("BPF_PROG_LOAD", 5), ("BPF_OBJ_PIN", 6),
        ("BPF_OBJ_GET", 7), ("BPF_PROG_ATTACH", 8), ("BPF_PROG_DETACH", 9), ("BPF_PROG_TEST_RUN", 10),
        ("BPF_PROG_GET_NEXT_ID", 11), ("BPF_MAP_GET_NEXT_ID", 12), ("BPF_PROG_GET_FD_BY_ID", 13),
        ("BPF_MAP_GET_FD_BY_ID", 14), ("BPF_OBJ_GET_INFO_BY_FD", 15), ("BPF_PROG_QUERY", 16),
        ("BPF_RAW_TRACEPOINT_OPEN", 17), ("BPF_BTF_LOAD", 18), ("BPF_BTF_GET_FD_BY_ID", 19),
        ("BPF_TASK_FD_QUERY", 20), ("BPF_LINK_CREATE", 28), ("BPF_ENABLE_STATS", 32), ("BPF_ITER_CREATE", 33),
        ("BPF_TOKEN_CREATE", 36),
    ].map { Entry($0.0, $0.1) }

    static let mountFlags: [Entry] = [
        "MS_RDONLY", "MS_NOSUID", "MS_NODEV", "MS_NOEXEC", "MS_SYNCHRONOUS", "MS_REMOUNT", "MS_MANDLOCK",
        "MS_DIRSYNC", "MS_NOSYMFOLLOW", "", "MS_NOATIME", "MS_NODIRATIME", "MS_BIND", "MS_MOVE", "MS_REC",
        "MS_SILENT", "MS_POSIXACL", "MS_UNBINDABLE", "MS_PRIVATE", "MS_SLAVE", "MS_SHARED", "MS_RELATIME",
        "MS_KERNMOUNT", "MS_I_VERSION", "MS_STRICTATIME", "MS_LAZYTIME",
    ].enumerated().filter { !$1.isEmpty }.map { Entry($1, UInt64(1) << UInt64($0)) }
}
