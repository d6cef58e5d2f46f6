/// One process (thread group) as the state knows it: what `proc.*`, `user.*` and `group.*`
/// fields read. Optional properties are nil when unknown (rendered `<NA>`), e.g. for processes
/// that existed before the capture started.
public final class ProcessRecord {
    /// Thread group id (`proc.pid`).
    public let pid: Int32
    /// Parent tgid when this process appeared (`proc.ppid`); 0 when unknown.
    public internal(set) var ppid: Int32
    /// The parent process, as it was at fork time (kept even after it exits, so the ancestor
    /// chain of a daemonised child stays meaningful).
    public internal(set) var parent: ProcessRecord?
    /// False for processes first seen mid-life (existed before the capture, not seeded).
    public internal(set) var isKnown: Bool
    /// The gate that started the job (`LauncherIdentity`): the first process's parent, not part
    /// of the job itself.
    public internal(set) var isLauncher = false
    /// `proc.exe`: argv[0].
    public internal(set) var exe: ByteString?
    /// `proc.exepath`: the real executable path.
    public internal(set) var exePath: ByteString?
    /// The executables this process ran before its last exec (a program that exec'd a shell is
    /// not the shell its parent started). Children start with none.
    public internal(set) var earlierImages: Set<ByteString> = []
    /// `proc.name`: the kernel's comm (basename of the exec'd file, at most 15 bytes).
    public internal(set) var name: ByteString?
    /// `proc.args`: argv without argv[0].
    public internal(set) var args: [ByteString]?
    /// `proc.is_cmdline_truncated`: the exec's command line was longer than the capture copies,
    /// so `exe`/`args` hold its start only; nil when no exec was seen.
    public internal(set) var argsTruncated: Bool?
    /// `proc.env`: the environment, `NAME=value` entries.
    public internal(set) var env: [ByteString]?
    /// `proc.cwd`: absolute working directory, with a trailing `/` like Falco's.
    public internal(set) var cwd: ByteString?
    /// Effective uid/gid (`user.uid`, `group.gid`).
    public internal(set) var uid: UInt32?
    public internal(set) var gid: UInt32?
    /// `user.loginuid` (audit uid); nil when unknown, `UInt32.max` when unset.
    public internal(set) var loginUID: UInt32?
    /// Boot-time ns when the process started (for `proc.duration`); nil when unknown.
    public internal(set) var startTime: UInt64?
    /// Controlling terminal device number, 0 for none (`proc.tty`).
    public internal(set) var tty: UInt32?
    /// Session id and process group id (`proc.sid`, `proc.vpgid`).
    public internal(set) var sid: Int32?
    public internal(set) var pgid: Int32?
    /// The session leader (`proc.sname`, `proc.sid.exe`...), when known: set by setsid, inherited
    /// on fork. Weak: a leader points at itself, and is forgotten once it is gone.
    public internal(set) weak var sessionLeader: ProcessRecord?
    /// The process group leader (`proc.vpgid.name`...), when known: set by setsid/setpgid,
    /// inherited on fork. Weak, like `sessionLeader`.
    public internal(set) weak var groupLeader: ProcessRecord?
    /// Flags from the last exec (memfd, overlay layers, writability).
    public internal(set) var execFlags: RawEvent.ExecFlags?
    /// The image of the last exec (`proc.exe_ino*`); nil when the backend did not describe it.
    public internal(set) var exeFile: ExecutableFile?
    /// The fd table (shared with threads, and with processes forked with CLONE_FILES).
    public internal(set) var fds: FdTable
    /// Live threads known in this process.
    public internal(set) var threadCount: Int = 0
    /// Set when the last thread exited.
    public internal(set) var exited = false
    /// Exit status in wait(2) form, once exited.
    public internal(set) var exitStatus: Int64?

    private var cachedCmdline: ByteString?

    /// `container.full_id`: the 64-hex id of the container the process runs in, from the
    /// name of its cgroup at its last exec (inherited at fork); `host` outside containers.
    public internal(set) var containerFullID: String = ProcessRecord.host {
        didSet {
            containerFullIDBytes = ByteString(containerFullID)
            containerIDBytes = ByteString(String(containerFullID.prefix(12)))
        }
    }
    /// `containerFullID` as bytes, made once (rules read it for nearly every event).
    public private(set) var containerFullIDBytes = ByteString(ProcessRecord.host)
    /// `container.id`: `containerFullID`'s first 12 characters, as bytes.
    public private(set) var containerIDBytes = ByteString(ProcessRecord.host)
    public static let host = "host"

    init(pid: Int32, ppid: Int32, parent: ProcessRecord?, isKnown: Bool, fds: FdTable = FdTable()) {
        self.pid = pid
        self.ppid = ppid
        self.parent = parent
        self.isKnown = isKnown
        self.fds = fds
    }

    /// A copy that shares nothing this process's state may change (its fd table and fds
    /// included): for an event of a call that may never happen.
    func detachedCopy() -> ProcessRecord {
        let copy = ProcessRecord(pid: pid, ppid: ppid, parent: parent, isKnown: isKnown, fds: fds.detachedCopy())
        copy.isLauncher = isLauncher
        copy.exe = exe
        copy.exePath = exePath
        copy.name = name
        copy.args = args
        copy.argsTruncated = argsTruncated
        copy.env = env
        copy.cwd = cwd
        copy.uid = uid
        copy.gid = gid
        copy.loginUID = loginUID
        copy.startTime = startTime
        copy.tty = tty
        copy.sid = sid
        copy.pgid = pgid
        copy.sessionLeader = sessionLeader === self ? copy : sessionLeader
        copy.groupLeader = groupLeader === self ? copy : groupLeader
        copy.execFlags = execFlags
        copy.exeFile = exeFile
        copy.threadCount = threadCount
        copy.exited = exited
        copy.exitStatus = exitStatus
        if containerFullID != Self.host { copy.containerFullID = containerFullID }
        return copy
    }

    /// `container.id`: `host`, or the container's id cut to 12 characters.
    public var containerID: String { String(containerFullID.prefix(12)) }

    /// `proc.cmdline`: `name` followed by the args, space-separated. Nil when the name is unknown.
    public var cmdline: ByteString? {
        if let cachedCmdline { return cachedCmdline }
        guard let name else { return nil }
        let line = ByteString.joined([name] + (args ?? []), separator: UInt8(ascii: " "))
        cachedCmdline = line
        return line
    }

    /// `proc.exeline`: `exe` followed by the args.
    public var exeline: ByteString? {
        guard let exe else { return nil }
        return ByteString.joined([exe] + (args ?? []), separator: UInt8(ascii: " "))
    }

    /// The value of one environment variable (`proc.env[NAME]`).
    public func environmentValue(_ variable: ByteString) -> ByteString? {
        guard let env else { return nil }
        for entry in env where entry.count > variable.count && entry.hasPrefix(variable)
            && entry[offset: variable.count] == UInt8(ascii: "=")
        {
            return entry.slice((variable.count + 1)..<entry.count)
        }
        return nil
    }

    /// `proc.is_exe_from_memfd`.
    public var isExeFromMemfd: Bool? { execFlags.map { $0.contains(.exeFromMemfd) } }
    /// `proc.is_exe_upper_layer` (false outside overlayfs); nil unless the backend checked.
    public var isExeUpperLayer: Bool? { layerFlag(.exeUpperLayer) }
    /// `proc.is_exe_lower_layer`.
    public var isExeLowerLayer: Bool? { layerFlag(.exeLowerLayer) }

    private func layerFlag(_ flag: RawEvent.ExecFlags) -> Bool? {
        guard let flags = execFlags, flags.contains(.exeLayerKnown) else { return nil }
        return flags.contains(flag)
    }
    /// `proc.is_exe_writable`: nil unless the backend checked.
    public var isExeWritable: Bool? {
        guard let flags = execFlags, flags.contains(.exeWritableKnown) else { return nil }
        return flags.contains(.exeWritable)
    }

    /// `proc.duration` at time `now` (boot-time ns), nil when the start is unknown.
    public func duration(at now: UInt64) -> UInt64? {
        startTime.map { now >= $0 ? now - $0 : 0 }
    }

    /// The n-th ancestor: 0 is this process, 1 the parent (`proc.aname[n]`, `proc.apid[n]`).
    /// Bounded by `maxAncestorDepth`, so a corrupt cycle cannot loop.
    public func ancestor(_ n: Int) -> ProcessRecord? {
        guard n >= 0, n <= Self.maxAncestorDepth else { return nil }
        var current: ProcessRecord? = self
        for _ in 0..<n { current = current?.parent }
        return current
    }

    /// The ancestors, parent first, without building an array (bounded like `ancestors`).
    public var ancestorChain: AncestorSequence { AncestorSequence(start: parent) }

    /// All ancestors, parent first (`proc.aname` without an index matches any of them).
    public var ancestors: [ProcessRecord] {
        var result: [ProcessRecord] = []
        var current = parent
        while let p = current, result.count < Self.maxAncestorDepth {
            result.append(p)
            current = p.parent
        }
        return result
    }

    public static let maxAncestorDepth = 256

    func invalidateCaches() { cachedCmdline = nil }
}

/// Lazily walks a process's ancestors, parent first, at most `ProcessRecord.maxAncestorDepth`.
public struct AncestorSequence: Sequence, IteratorProtocol {
    var upcoming: ProcessRecord?
    var remaining = ProcessRecord.maxAncestorDepth

    init(start: ProcessRecord?) { upcoming = start }

    public mutating func next() -> ProcessRecord? {
        guard remaining > 0, let current = upcoming else { return nil }
        remaining -= 1
        upcoming = current.parent
        return current
    }
}

/// One thread: the unit events belong to. Process-wide facts are on `process`.
public final class ThreadInfo {
    /// `thread.tid`.
    public let tid: Int32
    /// The thread group (`proc.*` fields).
    public internal(set) var process: ProcessRecord
    /// `thread.ismain`.
    public var isMainThread: Bool { tid == process.pid }
    /// Set when this thread exited.
    public internal(set) var exited = false
    /// `thread.cap_*`: the capability sets of the thread's credentials (which are per thread
    /// in Linux); nil when unknown.
    public internal(set) var capabilities: Capabilities?
    /// Sets the thread's last call gave it, from its next event on (`unshare`, `setns`: Falco's
    /// view of such a call is the caller's before it).
    var pendingCapabilities: Capabilities?

    init(tid: Int32, process: ProcessRecord, capabilities: Capabilities? = nil) {
        self.tid = tid
        self.process = process
        self.capabilities = capabilities
    }
}
