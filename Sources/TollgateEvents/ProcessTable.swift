/// All threads and processes the decoder knows, keyed by tid and tgid.
///
/// Exited threads leave the tables at once, but the last `exitedRetention` of them stay
/// findable (`thread(_:)` falls back to them) so late events still resolve; memory stays
/// bounded however many children a job forks.
public final class ProcessTable {
    private var threads: [Int32: ThreadInfo] = [:]
    private var processes: [Int32: ProcessRecord] = [:]
    private var exitedRing: [ThreadInfo?]
    private var exitedNext = 0
    /// How many exited threads stay resolvable.
    public let exitedRetention: Int
    private var lastThread: ThreadInfo?

    public init(exitedRetention: Int = 256) {
        self.exitedRetention = max(1, exitedRetention)
        exitedRing = Array(repeating: nil, count: max(1, exitedRetention))
    }

    /// Live threads.
    public var threadCount: Int { threads.count }
    /// Live processes.
    public var processCount: Int { processes.count }

    /// A live (or recently exited) thread.
    @inline(__always)
    public func thread(_ tid: Int32) -> ThreadInfo? {
        if let last = lastThread, last.tid == tid { return last }
        if let t = threads[tid] {
            lastThread = t
            return t
        }
        for case let t? in exitedRing where t.tid == tid { return t }
        return nil
    }

    /// A live process by tgid.
    public func process(_ pid: Int32) -> ProcessRecord? { processes[pid] }

    /// Every live process, by pid.
    public var allProcesses: [ProcessRecord] { processes.keys.sorted().compactMap { processes[$0] } }

    /// Registers the job's first process from what the launcher knows. A `launcher` whose pid is
    /// `ppid` becomes its parent (with the same uid and gid), without being tracked itself.
    @discardableResult
    public func seed(
        pid: Int32, ppid: Int32 = 0, exePath: ByteString, argv: [ByteString], env: [ByteString]?,
        cwd: ByteString, uid: UInt32, gid: UInt32, startTime: UInt64, loginUID: UInt32? = nil,
        tty: UInt32 = 0, sid: Int32? = nil, pgid: Int32? = nil, launcher: LauncherIdentity? = nil
    ) -> ProcessRecord {
        var parent = processes[ppid]
        if parent == nil, let launcher, launcher.pid == ppid {
            parent = Self.launched(pid: launcher.pid, ppid: 0, parent: nil, name: launcher.name,
                                   exePath: launcher.executable, argv: launcher.arguments, uid: uid, gid: gid, loginUID: loginUID)
            parent?.isLauncher = true
        }
        let process = Self.launched(pid: pid, ppid: ppid, parent: parent, name: commName(of: exePath), exePath: exePath,
                                    argv: argv, uid: uid, gid: gid, loginUID: loginUID)
        process.env = env
        process.cwd = directoryWithSlash(cwd)
        process.startTime = startTime
        process.tty = tty
        process.sid = sid
        process.pgid = pgid
        if sid == pid { process.sessionLeader = process }
        if pgid == pid { process.groupLeader = process }
        process.execFlags = []
        register(ThreadInfo(tid: pid, process: process))
        return process
    }

    /// A process known from its launcher's own argv (whole, never cut) rather than an exec record.
    private static func launched(
        pid: Int32, ppid: Int32, parent: ProcessRecord?, name: ByteString, exePath: ByteString, argv: [ByteString],
        uid: UInt32, gid: UInt32, loginUID: UInt32?
    ) -> ProcessRecord {
        let process = ProcessRecord(pid: pid, ppid: ppid, parent: parent, isKnown: true)
        process.exePath = exePath
        process.exe = argv.first ?? exePath
        process.args = Array(argv.dropFirst())
        process.argsTruncated = false
        process.name = name
        process.uid = uid
        process.gid = gid
        process.loginUID = loginUID
        return process
    }

    /// The thread for a raw event, created as an unknown pre-existing thread when not seen before.
    func threadCreatingIfNeeded(for raw: RawEvent) -> ThreadInfo {
        // A late event of a recently exited thread still resolves to it; a new thread reusing
        // the tid arrives through a fork record, which registers it afresh.
        if let t = thread(raw.tid) { return t }
        let process: ProcessRecord
        if let existing = processes[raw.pid] {
            process = existing
        } else {
            process = ProcessRecord(pid: raw.pid, ppid: raw.ppid, parent: processes[raw.ppid], isKnown: false)
            process.uid = raw.uid
            process.gid = raw.gid
        }
        let t = ThreadInfo(tid: raw.tid, process: process)
        register(t)
        return t
    }

    func register(_ thread: ThreadInfo) {
        if let old = threads[thread.tid], old !== thread { retire(old) }
        threads[thread.tid] = thread
        thread.process.threadCount += 1
        processes[thread.process.pid] = thread.process
        lastThread = thread
    }

    /// Removes an exiting thread; the process goes when its last thread does.
    func retire(_ thread: ThreadInfo) {
        guard !thread.exited else { return }
        thread.exited = true
        if threads[thread.tid] === thread { threads[thread.tid] = nil }
        if lastThread === thread { lastThread = nil }
        let process = thread.process
        process.threadCount -= 1
        if process.threadCount <= 0 {
            process.exited = true
            if processes[process.pid] === process { processes[process.pid] = nil }
        }
        exitedRing[exitedNext] = thread
        exitedNext = (exitedNext + 1) % exitedRetention
    }
}

/// The kernel's comm for an executable path: its basename cut to 15 bytes.
func commName(of path: ByteString) -> ByteString {
    let base = path.lastPathComponent
    return base.count > 15 ? base.slice(0..<15) : base
}

/// A directory path with exactly one trailing `/` (Falco's `proc.cwd` spelling).
func directoryWithSlash(_ path: ByteString) -> ByteString {
    path.hasSuffix("/") ? path : path + "/"
}
