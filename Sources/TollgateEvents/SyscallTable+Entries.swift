// The syscall table data: one line group per syscall. Numbers come from the kernel's
// unistd_64.h (x86_64) and asm-generic/unistd.h (arm64) and are checked against the headers
// by SyscallTableHeaderTests. Parameter names follow Falco's event tables (`evt.arg.<name>`).

/// A parameter template, resolved against the syscall's kernel arguments.
enum ParameterSpec {
    /// `res`, the return value (`.errno`).
    case res
    /// A parameter from the return value with its own name and type (e.g. `fd`).
    case ret(String, ValueType)
    /// Kernel argument `i`, with its type.
    case arg(String, Int)
    /// Kernel argument `i`, retyped.
    case argAs(String, Int, ValueType)
    case source(String, ValueType, ParameterSource)
    case na(String, ValueType)
    case tuple

    func resolve(_ args: [SyscallArgument]) -> EventParameter {
        switch self {
        case .res: EventParameter(name: "res", type: .errno, source: .returnValue)
        case .ret(let n, let t): EventParameter(name: n, type: t, source: .returnValue)
        case .arg(let n, let i): EventParameter(name: n, type: args[i].type, source: .argument(i))
        case .argAs(let n, let i, let t): EventParameter(name: n, type: t, source: .argument(i))
        case .source(let n, let t, let s): EventParameter(name: n, type: t, source: s)
        case .na(let n, let t): EventParameter(name: n, type: t, source: .unavailable)
        case .tuple: EventParameter(name: "tuple", type: .socketTuple, source: .socketTuple)
        }
    }
}

/// A payload argument the kernel writes rather than reads.
struct OutputArgument: Hashable {
    let syscall: String
    let index: Int
}

let outputArgumentSpecs: Set<OutputArgument> = [
    OutputArgument(syscall: "accept", index: 1), OutputArgument(syscall: "accept4", index: 1),
    OutputArgument(syscall: "recvfrom", index: 4), OutputArgument(syscall: "recvmsg", index: 1),
    OutputArgument(syscall: "pipe", index: 0), OutputArgument(syscall: "pipe2", index: 0),
    OutputArgument(syscall: "socketpair", index: 3),
]

struct SyscallSpec {
    let name: String
    let x86_64: Int32?
    let arm64: Int32?
    let category: SyscallCategory
    let arguments: [SyscallArgument]
    let parameters: [ParameterSpec]
    let fd: FdSource?
    let effect: StateEffect
}

private func sc(
    _ name: String, _ x86: Int32?, _ arm: Int32?, _ category: SyscallCategory,
    _ args: [(String, ValueType)], _ params: [ParameterSpec], fd: FdSource? = nil,
    effect: StateEffect = .none
) -> SyscallSpec {
    SyscallSpec(
        name: name, x86_64: x86, arm64: arm, category: category,
        arguments: args.map { SyscallArgument(name: $0.0, type: $0.1) }, parameters: params,
        fd: fd, effect: effect)
}

private let noDevIno: [ParameterSpec] = [.na("dev", .unsigned), .na("ino", .unsigned)]

/// The process description Falco's execve and clone exit events both start with (after `res`).
private let processParameters: [ParameterSpec] = [
    .source("exe", .string, .process(.exe)),
    .source("args", .stringList, .process(.args)),
    .source("tid", .pid, .process(.tid)),
    .source("pid", .pid, .process(.pid)),
    .source("ptid", .pid, .process(.ptid)),
    .source("cwd", .path, .process(.cwd)),
    .na("fdlimit", .unsigned), .na("pgft_maj", .unsigned), .na("pgft_min", .unsigned),
    .na("vm_size", .unsigned), .na("vm_rss", .unsigned), .na("vm_swap", .unsigned),
    .source("comm", .string, .process(.comm)),
    .na("cgroups", .stringList),
]

/// execve/execveat exit parameters (Falco's execve exit event), minus the call's own arguments.
private let execParameters: [ParameterSpec] = [
    .res] + processParameters + [
    .source("env", .stringList, .process(.env)),
    .source("tty", .unsigned, .process(.tty)),
    .source("pgid", .pid, .process(.pgid)),
    .source("loginuid", .uid, .process(.loginuid)),
    .source("flags", .flags(.execFlags), .execFlags),
    .na("cap_inheritable", .unsigned), .na("cap_permitted", .unsigned), .na("cap_effective", .unsigned),
    .na("exe_ino", .unsigned), .na("exe_ino_ctime", .unsigned), .na("exe_ino_mtime", .unsigned),
    .source("uid", .uid, .process(.uid)),
    .source("trusted_exepath", .path, .payload(.exePath)),
    .source("gid", .gid, .process(.gid)),
]

/// clone/fork/vfork/clone3 exit parameters (Falco's clone exit event).
private let forkParameters: [ParameterSpec] = [
    .ret("res", .pid)] + processParameters + [
    .source("flags", .flags(.cloneFlags), .cloneFlags),
    .source("uid", .uid, .process(.uid)),
    .source("gid", .gid, .process(.gid)),
    .na("vtid", .pid), .na("vpid", .pid), .na("pidns_init_start_ts", .unsigned),
]

private let fdArg: [(String, ValueType)] = [("fd", .fd)]
private let ioArgs: [(String, ValueType)] = [("fd", .fd), ("buf", .pointer), ("count", .size)]
private let vecArgs: [(String, ValueType)] = [("fd", .fd), ("vec", .pointer), ("vlen", .size)]

/// The described entries, then Falco's other event types (`falcoOnlyEventTypes`), bare.
let syscallSpecs: [SyscallSpec] = describedSyscallSpecs + falcoOnlyEventTypes.map {
    sc($0.name, $0.x86_64, $0.arm64, .system, [], [])
}

private let describedSyscallSpecs: [SyscallSpec] = [
    // Files: open family.
    sc("open", 2, nil, .file, [("pathname", .path), ("flags", .flags(.openFlags)), ("mode", .mode)],
       [.ret("fd", .fd), .arg("name", 0), .arg("flags", 1), .arg("mode", 2)] + noDevIno,
       fd: .returnValue, effect: .open(pathArgument: 0, dirfdArgument: nil, flagsArgument: 1)),
    sc("openat", 257, 56, .file,
       [("dfd", .dirfd), ("filename", .relativePath(dirfdArgument: 0)), ("flags", .flags(.openFlags)), ("mode", .mode)],
       [.ret("fd", .fd), .arg("dirfd", 0), .arg("name", 1), .arg("flags", 2), .arg("mode", 3)] + noDevIno,
       fd: .returnValue, effect: .open(pathArgument: 1, dirfdArgument: 0, flagsArgument: 2)),
    sc("openat2", 437, 437, .file,
       [("dfd", .dirfd), ("filename", .relativePath(dirfdArgument: 0)), ("how", .sizedStruct), ("size", .size)],
       [.ret("fd", .fd), .arg("dirfd", 0), .arg("name", 1),
        .source("flags", .flags(.openFlags), .openHow(field: 0)),
        .source("mode", .mode, .openHow(field: 1)),
        .source("resolve", .unsigned, .openHow(field: 2))] + noDevIno,
       fd: .returnValue, effect: .open(pathArgument: 1, dirfdArgument: 0, flagsArgument: nil)),
    // The file a handle names has no path argument: `path` is the name the capture resolved.
    sc("open_by_handle_at", 304, 265, .file, [("mountfd", .fd), ("handle", .pointer), ("flags", .flags(.openFlags))],
       [.ret("fd", .fd), .arg("mountfd", 0), .arg("flags", 2), .source("path", .path, .payload(.resolvedPath))]
           + noDevIno,
       fd: .returnValue, effect: .open(pathArgument: 1, dirfdArgument: nil, flagsArgument: 2)),
    sc("creat", 85, nil, .file, [("pathname", .path), ("mode", .mode)],
       [.ret("fd", .fd), .arg("name", 0), .arg("mode", 1)] + noDevIno,
       fd: .returnValue, effect: .open(pathArgument: 0, dirfdArgument: nil, flagsArgument: nil)),
    sc("close", 3, 57, .file, fdArg, [.res, .arg("fd", 0)], fd: .argument(0), effect: .close(fdArgument: 0)),
    sc("close_range", 436, 436, .file, [("fd", .unsigned), ("max_fd", .unsigned), ("flags", .unsigned)],
       [.res, .arg("fd", 0), .arg("max_fd", 1), .arg("flags", 2)], effect: .closeRange),
    sc("dup", 32, 23, .file, [("fildes", .fd)], [.ret("res", .fd), .arg("oldfd", 0)],
       fd: .argument(0), effect: .dup(fdArgument: 0)),
    sc("dup2", 33, nil, .file, [("oldfd", .fd), ("newfd", .fd)],
       [.ret("res", .fd), .arg("oldfd", 0), .arg("newfd", 1)], fd: .argument(0), effect: .dup(fdArgument: 0)),
    sc("dup3", 292, 24, .file, [("oldfd", .fd), ("newfd", .fd), ("flags", .flags(.fdFlags))],
       [.ret("res", .fd), .arg("oldfd", 0), .arg("newfd", 1), .arg("flags", 2)],
       fd: .argument(0), effect: .dup(fdArgument: 0)),
    sc("fcntl", 72, 25, .file, [("fd", .fd), ("cmd", .enumeration(.fcntlCommand)), ("arg", .unsigned)],
       // `arg` is tollgate's (Falco's fcntl has fd and cmd): F_DUPFD's lowest new fd, which tells
       // whether a copy can land on 0-2 when the result is unknown (seccomp).
       [.res, .arg("fd", 0), .arg("cmd", 1), .arg("arg", 2)], fd: .argument(0), effect: .fcntl),
    sc("chdir", 80, 49, .file, [("filename", .path)], [.res, .arg("path", 0)], effect: .chdir),
    sc("fchdir", 81, 50, .file, fdArg, [.res, .arg("fd", 0)], fd: .argument(0), effect: .fchdir),
    sc("truncate", 76, 45, .file, [("path", .path), ("length", .signed)], [.res, .arg("path", 0), .arg("length", 1)]),
    sc("ftruncate", 77, 46, .file, [("fd", .fd), ("length", .signed)],
       [.res, .arg("fd", 0), .arg("length", 1)], fd: .argument(0)),
    // Files: names.
    sc("rename", 82, nil, .file, [("oldname", .path), ("newname", .path)],
       [.res, .arg("oldpath", 0), .arg("newpath", 1)]),
    sc("renameat", 264, 38, .file,
       [("olddfd", .dirfd), ("oldname", .relativePath(dirfdArgument: 0)), ("newdfd", .dirfd),
        ("newname", .relativePath(dirfdArgument: 2))],
       [.res, .arg("olddirfd", 0), .arg("oldpath", 1), .arg("newdirfd", 2), .arg("newpath", 3)]),
    sc("renameat2", 316, 276, .file,
       [("olddfd", .dirfd), ("oldname", .relativePath(dirfdArgument: 0)), ("newdfd", .dirfd),
        ("newname", .relativePath(dirfdArgument: 2)), ("flags", .flags(.renameFlags))],
       [.res, .arg("olddirfd", 0), .arg("oldpath", 1), .arg("newdirfd", 2), .arg("newpath", 3), .arg("flags", 4)]),
    sc("unlink", 87, nil, .file, [("pathname", .path)], [.res, .arg("path", 0)]),
    sc("unlinkat", 263, 35, .file,
       [("dfd", .dirfd), ("pathname", .relativePath(dirfdArgument: 0)), ("flag", .flags(.atFlags))],
       [.res, .arg("dirfd", 0), .arg("name", 1), .arg("flags", 2)]),
    sc("link", 86, nil, .file, [("oldname", .path), ("newname", .path)],
       [.res, .arg("oldpath", 0), .arg("newpath", 1)]),
    sc("linkat", 265, 37, .file,
       [("olddfd", .dirfd), ("oldname", .relativePath(dirfdArgument: 0)), ("newdfd", .dirfd),
        ("newname", .relativePath(dirfdArgument: 2)), ("flags", .flags(.atFlags))],
       [.res, .arg("olddir", 0), .arg("oldpath", 1), .arg("newdir", 2), .arg("newpath", 3), .arg("flags", 4)]),
    sc("symlink", 88, nil, .file, [("oldname", .string), ("newname", .path)],
       [.res, .arg("target", 0), .arg("linkpath", 1)]),
    sc("symlinkat", 266, 36, .file,
       [("oldname", .string), ("newdfd", .dirfd), ("newname", .relativePath(dirfdArgument: 1))],
       [.res, .arg("target", 0), .arg("linkdirfd", 1), .arg("linkpath", 2)]),
    sc("mkdir", 83, nil, .file, [("pathname", .path), ("mode", .mode)], [.res, .arg("path", 0), .arg("mode", 1)]),
    sc("mkdirat", 258, 34, .file,
       [("dfd", .dirfd), ("pathname", .relativePath(dirfdArgument: 0)), ("mode", .mode)],
       [.res, .arg("dirfd", 0), .arg("path", 1), .arg("mode", 2)]),
    sc("rmdir", 84, nil, .file, [("pathname", .path)], [.res, .arg("path", 0)]),
    sc("mknod", 133, nil, .file, [("filename", .path), ("mode", .mode), ("dev", .unsigned)],
       [.res, .arg("path", 0), .arg("mode", 1), .arg("dev", 2)]),
    sc("mknodat", 259, 33, .file,
       [("dfd", .dirfd), ("filename", .relativePath(dirfdArgument: 0)), ("mode", .mode), ("dev", .unsigned)],
       [.res, .arg("dirfd", 0), .arg("path", 1), .arg("mode", 2), .arg("dev", 3)]),
    // Files: permissions and ownership.
    sc("chmod", 90, nil, .file, [("filename", .path), ("mode", .mode)], [.res, .arg("filename", 0), .arg("mode", 1)]),
    sc("fchmod", 91, 52, .file, [("fd", .fd), ("mode", .mode)], [.res, .arg("fd", 0), .arg("mode", 1)], fd: .argument(0)),
    sc("fchmodat", 268, 53, .file,
       [("dfd", .dirfd), ("filename", .relativePath(dirfdArgument: 0)), ("mode", .mode)],
       [.res, .arg("dirfd", 0), .arg("filename", 1), .arg("mode", 2)]),
    sc("chown", 92, nil, .file, [("filename", .path), ("user", .uid), ("group", .gid)],
       [.res, .arg("path", 0), .arg("uid", 1), .arg("gid", 2)]),
    sc("lchown", 94, nil, .file, [("filename", .path), ("user", .uid), ("group", .gid)],
       [.res, .arg("path", 0), .arg("uid", 1), .arg("gid", 2)]),
    sc("fchown", 93, 55, .file, [("fd", .fd), ("user", .uid), ("group", .gid)],
       [.res, .arg("fd", 0), .arg("uid", 1), .arg("gid", 2)], fd: .argument(0)),
    sc("fchownat", 260, 54, .file,
       [("dfd", .dirfd), ("filename", .relativePath(dirfdArgument: 0)), ("user", .uid), ("group", .gid),
        ("flag", .flags(.atFlags))],
       [.res, .arg("dirfd", 0), .arg("pathname", 1), .arg("uid", 2), .arg("gid", 3), .arg("flags", 4)]),
    // Special fds.
    sc("pipe", 22, nil, .ipc, [("fildes", .fdPair)],
       [.res, .source("fd1", .fd, .fdPair(argument: 0, index: 0)), .source("fd2", .fd, .fdPair(argument: 0, index: 1)),
        .na("ino", .unsigned)], effect: .pipe),
    sc("pipe2", 293, 59, .ipc, [("fildes", .fdPair), ("flags", .flags(.fdFlags))],
       [.res, .source("fd1", .fd, .fdPair(argument: 0, index: 0)), .source("fd2", .fd, .fdPair(argument: 0, index: 1)),
        .na("ino", .unsigned), .arg("flags", 1)], effect: .pipe),
    sc("eventfd", 284, nil, .ipc, [("count", .unsigned)], [.ret("res", .fd), .arg("initval", 0)],
       fd: .returnValue, effect: .newFd(.event, nameArgument: nil)),
    sc("eventfd2", 290, 19, .ipc, [("count", .unsigned), ("flags", .flags(.fdFlags))],
       [.ret("res", .fd), .arg("initval", 0), .arg("flags", 1)],
       fd: .returnValue, effect: .newFd(.event, nameArgument: nil)),
    sc("memfd_create", 319, 279, .file, [("uname", .string), ("flags", .flags(.memfdFlags))],
       [.ret("fd", .fd), .arg("name", 0), .arg("flags", 1)],
       fd: .returnValue, effect: .newFd(.memfd, nameArgument: 0)),
    sc("signalfd", 282, nil, .ipc, [("ufd", .fd), ("user_mask", .pointer), ("sizemask", .size)],
       [.ret("res", .fd), .arg("fd", 0)], fd: .returnValue, effect: .newFd(.signalfd, nameArgument: nil)),
    sc("signalfd4", 289, 74, .ipc,
       [("ufd", .fd), ("user_mask", .pointer), ("sizemask", .size), ("flags", .flags(.fdFlags))],
       [.ret("res", .fd), .arg("fd", 0), .arg("flags", 3)], fd: .returnValue,
       effect: .newFd(.signalfd, nameArgument: nil)),
    sc("timerfd_create", 283, 85, .ipc, [("clockid", .signed), ("flags", .flags(.fdFlags))],
       [.ret("res", .fd), .arg("clockid", 0), .arg("flags", 1)], fd: .returnValue,
       effect: .newFd(.timerfd, nameArgument: nil)),
    sc("inotify_init", 253, nil, .ipc, [], [.ret("res", .fd)], fd: .returnValue,
       effect: .newFd(.inotify, nameArgument: nil)),
    sc("inotify_init1", 294, 26, .ipc, [("flags", .flags(.fdFlags))], [.ret("res", .fd), .arg("flags", 0)],
       fd: .returnValue, effect: .newFd(.inotify, nameArgument: nil)),
    sc("epoll_create", 213, nil, .ipc, [("size", .signed)], [.ret("res", .fd), .arg("size", 0)],
       fd: .returnValue, effect: .newFd(.eventpoll, nameArgument: nil)),
    sc("epoll_create1", 291, 20, .ipc, [("flags", .flags(.fdFlags))], [.ret("res", .fd), .arg("flags", 0)],
       fd: .returnValue, effect: .newFd(.eventpoll, nameArgument: nil)),
    sc("userfaultfd", 323, 282, .security, [("flags", .flags(.fdFlags))], [.ret("res", .fd), .arg("flags", 0)],
       fd: .returnValue, effect: .newFd(.userfaultfd, nameArgument: nil)),
    sc("io_uring_setup", 425, 425, .ipc, [("entries", .unsigned), ("params", .pointer)],
       [.ret("res", .fd), .arg("entries", 0), .na("sq_entries", .unsigned), .na("cq_entries", .unsigned),
        .na("flags", .unsigned), .na("sq_thread_cpu", .unsigned), .na("sq_thread_idle", .unsigned),
        .na("features", .unsigned)], fd: .returnValue, effect: .newFd(.ioUring, nameArgument: nil)),
    sc("io_uring_enter", 426, 426, .ipc,
       [("fd", .fd), ("to_submit", .unsigned), ("min_complete", .unsigned), ("flags", .unsigned),
        ("sig", .pointer), ("sigsz", .size)],
       [.res, .arg("fd", 0), .arg("to_submit", 1), .arg("min_complete", 2), .arg("flags", 3), .arg("sig", 4)],
       fd: .argument(0)),
    sc("pidfd_open", 434, 434, .process, [("pid", .pid), ("flags", .unsigned)],
       [.ret("res", .fd), .arg("pid", 0), .arg("flags", 1)], fd: .returnValue,
       effect: .newFd(.pidfd, nameArgument: nil)),
    sc("pidfd_getfd", 438, 438, .process, [("pidfd", .fd), ("targetfd", .signed), ("flags", .unsigned)],
       [.ret("res", .fd), .arg("pidfd", 0), .arg("targetfd", 1), .arg("flags", 2)]),
    // Network.
    sc("socket", 41, 198, .network,
       [("family", .enumeration(.socketFamily)), ("type", .flags(.socketType)), ("protocol", .unsigned)],
       [.ret("fd", .fd), .arg("domain", 0), .arg("type", 1), .arg("proto", 2)], fd: .returnValue, effect: .socket),
    sc("socketpair", 53, 199, .network,
       [("family", .enumeration(.socketFamily)), ("type", .flags(.socketType)), ("protocol", .unsigned),
        ("usockvec", .fdPair)],
       [.res, .source("fd1", .fd, .fdPair(argument: 3, index: 0)), .source("fd2", .fd, .fdPair(argument: 3, index: 1)),
        .na("source", .unsigned), .na("peer", .unsigned), .arg("domain", 0), .arg("type", 1), .arg("proto", 2)],
       effect: .socketPair),
    sc("connect", 42, 203, .network, [("fd", .fd), ("uservaddr", .sockaddr), ("addrlen", .size)],
       [.res, .tuple, .arg("fd", 0), .arg("addr", 1)], fd: .argument(0), effect: .connect),
    sc("accept", 43, 202, .network, [("fd", .fd), ("upeer_sockaddr", .sockaddr), ("upeer_addrlen", .pointer)],
       [.ret("fd", .fd), .tuple, .na("queuepct", .unsigned), .na("queuelen", .unsigned), .na("queuemax", .unsigned)],
       fd: .returnValue, effect: .accept),
    sc("accept4", 288, 242, .network,
       [("fd", .fd), ("upeer_sockaddr", .sockaddr), ("upeer_addrlen", .pointer), ("flags", .flags(.fdFlags))],
       [.ret("fd", .fd), .tuple, .na("queuepct", .unsigned), .na("queuelen", .unsigned), .na("queuemax", .unsigned),
        .arg("flags", 3)], fd: .returnValue, effect: .accept),
    sc("bind", 49, 200, .network, [("fd", .fd), ("umyaddr", .sockaddr), ("addrlen", .size)],
       [.res, .arg("addr", 1), .arg("fd", 0)], fd: .argument(0), effect: .bind),
    sc("listen", 50, 201, .network, [("fd", .fd), ("backlog", .signed)],
       [.res, .arg("fd", 0), .arg("backlog", 1)], fd: .argument(0), effect: .listen),
    sc("sendto", 44, 206, .network,
       [("fd", .fd), ("buff", .pointer), ("len", .size), ("flags", .unsigned), ("addr", .sockaddr), ("addr_len", .size)],
       [.res, .na("data", .bytes), .arg("fd", 0), .arg("size", 2), .tuple],
       fd: .argument(0), effect: .datagram(addressArgument: 4)),
    sc("recvfrom", 45, 207, .network,
       [("fd", .fd), ("ubuf", .pointer), ("size", .size), ("flags", .unsigned), ("addr", .sockaddr), ("addr_len", .pointer)],
       [.res, .na("data", .bytes), .tuple, .arg("fd", 0), .arg("size", 2)],
       fd: .argument(0), effect: .datagram(addressArgument: 4)),
    sc("sendmsg", 46, 211, .network, [("fd", .fd), ("msg", .sockaddr), ("flags", .unsigned)],
       [.res, .na("data", .bytes), .arg("fd", 0), .na("size", .size), .tuple],
       fd: .argument(0), effect: .datagram(addressArgument: 1)),
    // Falco emits one event per message; here one per call, with the first message's
    // destination (a vector that goes elsewhere too leaves the payload unreadable: fails closed).
    sc("sendmmsg", 307, 269, .network,
       [("fd", .fd), ("msgvec", .sockaddr), ("vlen", .unsigned), ("flags", .unsigned)],
       [.res, .arg("fd", 0), .na("size", .size), .na("data", .bytes), .tuple],
       fd: .argument(0), effect: .datagram(addressArgument: 1)),
    sc("recvmsg", 47, 212, .network, [("fd", .fd), ("msg", .sockaddr), ("flags", .unsigned)],
       [.res, .na("size", .size), .na("data", .bytes), .tuple, .na("msgcontrol", .bytes), .arg("fd", 0)],
       fd: .argument(0), effect: .datagram(addressArgument: 1)),
    // Processes.
    sc("execve", 59, 221, .process, [("filename", .path), ("argv", .pointer), ("envp", .pointer)],
       execParameters + [.arg("filename", 0)], effect: .execve),
    sc("execveat", 322, 281, .process,
       [("fd", .dirfd), ("filename", .relativePath(dirfdArgument: 0)), ("argv", .pointer), ("envp", .pointer),
        ("flags", .flags(.atFlags))],
       execParameters + [.arg("dirfd", 0), .arg("pathname", 1)], effect: .execve),
    sc("clone", 56, 220, .process,
       [("clone_flags", .flags(.cloneFlags)), ("newsp", .pointer), ("parent_tidptr", .pointer),
        ("child_tidptr", .pointer), ("tls", .pointer)], forkParameters, effect: .fork),
    sc("clone3", 435, 435, .process, [("uargs", .bytes), ("size", .size)], forkParameters, effect: .fork),
    sc("fork", 57, nil, .process, [], forkParameters, effect: .fork),
    sc("vfork", 58, nil, .process, [], forkParameters, effect: .fork),
    sc("exit", 60, 93, .process, [("error_code", .signed)], [.arg("status", 0)]),
    sc("exit_group", 231, 94, .process, [("error_code", .signed)], [.arg("status", 0)]),
    sc("procexit", nil, nil, .process, [],
       [.ret("status", .signed), .source("ret", .signed, .process(.exitCode)),
        .source("sig", .signal, .process(.exitSignal)), .source("core", .unsigned, .process(.exitCoreDumped))],
       effect: .exit),
    sc("kill", 62, 129, .process, [("pid", .pid), ("sig", .signal)], [.res, .arg("pid", 0), .arg("sig", 1)]),
    sc("tkill", 200, 130, .process, [("pid", .pid), ("sig", .signal)], [.res, .arg("tid", 0), .arg("sig", 1)]),
    sc("tgkill", 234, 131, .process, [("tgid", .pid), ("pid", .pid), ("sig", .signal)],
       [.res, .arg("pid", 0), .arg("tid", 1), .arg("sig", 2)]),
    sc("rt_sigqueueinfo", 129, 138, .process, [("pid", .pid), ("sig", .signal), ("uinfo", .pointer)],
       [.res, .arg("pid", 0), .arg("sig", 1)]),
    sc("rt_tgsigqueueinfo", 297, 240, .process, [("tgid", .pid), ("pid", .pid), ("sig", .signal), ("uinfo", .pointer)],
       [.res, .arg("pid", 0), .arg("tid", 1), .arg("sig", 2)]),
    sc("pidfd_send_signal", 424, 424, .process, [("pidfd", .fd), ("sig", .signal), ("info", .pointer), ("flags", .unsigned)],
       [.res, .arg("pidfd", 0), .arg("sig", 1), .arg("flags", 3)], fd: .argument(0)),
    sc("setsid", 112, 157, .process, [], [.ret("res", .pid)], effect: .setsid),
    sc("setpgid", 109, 154, .process, [("pid", .pid), ("pgid", .pid)], [.res, .arg("pid", 0), .arg("pgid", 1)],
       effect: .setpgid),
    sc("getppid", 110, 173, .process, [], [.ret("res", .pid)]),
    sc("prctl", 157, 167, .process,
       [("option", .enumeration(.prctlOption)), ("arg2", .unsigned), ("arg3", .unsigned), ("arg4", .unsigned),
        ("arg5", .unsigned)],
       [.res, .arg("option", 0), .na("arg2_str", .string), .arg("arg2_int", 1)]),
    // Credentials and security.
    sc("setuid", 105, 146, .security, [("uid", .uid)], [.res, .arg("uid", 0)], effect: .setUID(argument: 0)),
    sc("setgid", 106, 144, .security, [("gid", .gid)], [.res, .arg("gid", 0)], effect: .setGID(argument: 0)),
    sc("setreuid", 113, 145, .security, [("ruid", .uid), ("euid", .uid)],
       [.res, .arg("ruid", 0), .arg("euid", 1)], effect: .setEffectiveUID(argument: 1)),
    sc("setregid", 114, 143, .security, [("rgid", .gid), ("egid", .gid)],
       [.res, .arg("rgid", 0), .arg("egid", 1)], effect: .setEffectiveGID(argument: 1)),
    sc("setresuid", 117, 147, .security, [("ruid", .uid), ("euid", .uid), ("suid", .uid)],
       [.res, .arg("ruid", 0), .arg("euid", 1), .arg("suid", 2)], effect: .setEffectiveUID(argument: 1)),
    sc("setresgid", 119, 149, .security, [("rgid", .gid), ("egid", .gid), ("sgid", .gid)],
       [.res, .arg("rgid", 0), .arg("egid", 1), .arg("sgid", 2)], effect: .setEffectiveGID(argument: 1)),
    sc("setfsuid", 122, 151, .security, [("uid", .uid)], [.res, .arg("uid", 0)], effect: .credentials(deferred: false)),
    sc("setfsgid", 123, 152, .security, [("gid", .gid)], [.res, .arg("gid", 0)], effect: .credentials(deferred: false)),
    sc("capset", 126, 91, .security, [("header", .pointer), ("data", .pointer)],
       [.res, .na("cap_inheritable", .unsigned), .na("cap_permitted", .unsigned), .na("cap_effective", .unsigned)],
       effect: .credentials(deferred: false)),
    sc("ptrace", 101, 117, .security,
       [("request", .enumeration(.ptraceRequest)), ("pid", .pid), ("addr", .pointer), ("data", .pointer)],
       [.res, .arg("addr", 2), .arg("data", 3), .arg("request", 0), .arg("pid", 1)]),
    sc("process_vm_readv", 310, 270, .security,
       [("pid", .pid), ("lvec", .pointer), ("liovcnt", .unsigned), ("rvec", .pointer), ("riovcnt", .unsigned),
        ("flags", .unsigned)], [.res, .arg("pid", 0)]),
    sc("process_vm_writev", 311, 271, .security,
       [("pid", .pid), ("lvec", .pointer), ("liovcnt", .unsigned), ("rvec", .pointer), ("riovcnt", .unsigned),
        ("flags", .unsigned)], [.res, .arg("pid", 0)]),
    sc("bpf", 321, 280, .security, [("cmd", .enumeration(.bpfCommand)), ("uattr", .pointer), ("size", .size)],
       [.ret("res_or_fd", .errno), .arg("cmd", 0)]),
    sc("seccomp", 317, 277, .security, [("op", .unsigned), ("flags", .unsigned), ("uargs", .pointer)],
       [.res, .arg("op", 0), .arg("flags", 1)]),
    // System.
    sc("mount", 165, 40, .system,
       [("dev_name", .path), ("dir_name", .path), ("type", .string), ("flags", .flags(.mountFlags)), ("data", .pointer)],
       [.res, .arg("dev", 0), .arg("dir", 1), .arg("type", 2), .arg("flags", 3)]),
    sc("umount2", 166, 39, .system, [("name", .path), ("flags", .flags(.umountFlags))],
       [.res, .arg("name", 0), .arg("flags", 1)]),
    sc("setns", 308, 268, .system, [("fd", .fd), ("nstype", .flags(.namespaceFlags))],
       [.res, .arg("fd", 0), .arg("nstype", 1)], fd: .argument(0), effect: .credentials(deferred: true)),
    sc("unshare", 272, 97, .system, [("unshare_flags", .flags(.namespaceFlags))], [.res, .arg("flags", 0)],
       effect: .credentials(deferred: true)),
    sc("init_module", 175, 105, .system, [("umod", .pointer), ("len", .size), ("uargs", .string)],
       [.res, .na("img", .bytes), .arg("length", 1), .arg("uargs", 2)]),
    sc("finit_module", 313, 273, .system, [("fd", .fd), ("uargs", .string), ("flags", .unsigned)],
       [.res, .arg("fd", 0), .arg("uargs", 1), .arg("flags", 2)], fd: .argument(0)),
    // Memory.
    sc("mmap", 9, 222, .memory,
       [("addr", .pointer), ("len", .size), ("prot", .flags(.mmapProt)), ("flags", .flags(.mmapFlags)),
        ("fd", .fd), ("off", .unsigned)],
       [.ret("res", .pointer), .na("vm_size", .unsigned), .na("vm_rss", .unsigned), .na("vm_swap", .unsigned),
        .arg("addr", 0), .arg("length", 1), .arg("prot", 2), .arg("flags", 3), .arg("fd", 4), .arg("offset", 5)],
       fd: .argument(4)),
    sc("mprotect", 10, 226, .memory, [("start", .pointer), ("len", .size), ("prot", .flags(.mmapProt))],
       [.res, .arg("addr", 0), .arg("length", 1), .arg("prot", 2)]),
    // High-volume I/O: not captured unless a rule uses them.
    sc("read", 0, 63, .highVolumeIO, ioArgs, [.res, .na("data", .bytes), .arg("fd", 0), .arg("size", 2)], fd: .argument(0)),
    sc("write", 1, 64, .highVolumeIO, ioArgs, [.res, .na("data", .bytes), .arg("fd", 0), .arg("size", 2)], fd: .argument(0)),
    sc("pread64", 17, 67, .highVolumeIO, ioArgs + [("pos", .unsigned)],
       [.res, .na("data", .bytes), .arg("fd", 0), .arg("size", 2), .arg("pos", 3)], fd: .argument(0)),
    sc("pwrite64", 18, 68, .highVolumeIO, ioArgs + [("pos", .unsigned)],
       [.res, .na("data", .bytes), .arg("fd", 0), .arg("size", 2), .arg("pos", 3)], fd: .argument(0)),
    sc("readv", 19, 65, .highVolumeIO, vecArgs, [.res, .na("size", .size), .na("data", .bytes), .arg("fd", 0)],
       fd: .argument(0)),
    sc("writev", 20, 66, .highVolumeIO, vecArgs, [.res, .na("data", .bytes), .arg("fd", 0), .na("size", .size)],
       fd: .argument(0)),
]
