/// Turns `RawEvent`s into `Event`s and keeps the process and fd state they need.
///
/// One decoder per capture; not thread-safe (decode and evaluate on one task).
public final class EventDecoder {
    /// Architecture whose syscall numbers the records use.
    public let arch: Architecture
    /// Threads, processes and their fd tables.
    public let processes: ProcessTable
    /// What every event of the run shares: passwd/group lookups, the CI context.
    public let facts: RunFacts
    /// Passwd/group lookups for `user.*` and `group.*`.
    public var users: UserDatabase { facts.users }
    /// Nanoseconds to add to record timestamps for wall-clock time (from the capture header).
    public var bootTimeOffset: UInt64
    /// Events produced so far (the last `evt.num`).
    public private(set) var eventCount: UInt64 = 0
    /// Syscall records skipped because the table does not know their number.
    public private(set) var unknownSyscallCount: UInt64 = 0
    /// The gate's own processes: an open of their `/proc/<pid>` entries (or of one of their
    /// threads') is flagged `.gateTarget`. Empty outside live runs.
    public var gateProcessIDs: Set<Int32> = []

    /// The table and the number index of `arch`, held here so the hot path skips global lookups.
    private let table: [SyscallInfo] = SyscallTable.all
    private let numberIndex: [Int16]
    /// Shared by every event this decoder makes (values are stamped with `evt.num`).
    private let valueCache = EventValueCache()

    public init(
        arch: Architecture = .native, users: UserDatabase = UserDatabase(), ci: CIContext = CIContext(),
        bootTimeOffset: UInt64 = 0, processes: ProcessTable = ProcessTable(), containers: ContainerTable = ContainerTable()
    ) {
        self.arch = arch
        self.facts = RunFacts(users: users, ci: ci, containers: containers)
        self.bootTimeOffset = bootTimeOffset
        self.processes = processes
        self.numberIndex = SyscallTable.numberIndex(arch)
    }

    /// Registers the job's first process (see `ProcessTable.seed`).
    @discardableResult
    public func seed(
        pid: Int32, ppid: Int32 = 0, exePath: ByteString, argv: [ByteString], env: [ByteString]?,
        cwd: ByteString, uid: UInt32, gid: UInt32, startTime: UInt64, loginUID: UInt32? = nil,
        tty: UInt32 = 0, sid: Int32? = nil, pgid: Int32? = nil, launcher: LauncherIdentity? = nil
    ) -> ProcessRecord {
        processes.seed(
            pid: pid, ppid: ppid, exePath: exePath, argv: argv, env: env, cwd: cwd, uid: uid, gid: gid,
            startTime: startTime, loginUID: loginUID, tty: tty, sid: sid, pgid: pgid, launcher: launcher)
    }

    /// Decodes one record: updates state, returns the typed event (nil for an unknown syscall).
    public func decode(_ raw: RawEvent) -> Event? {
        guard let type = eventType(of: raw) else {
            unknownSyscallCount += 1
            return nil
        }
        return makeEvent(raw, type)
    }

    /// Decodes one record and hands the event to `body`; returns false (without calling it) for
    /// an unknown syscall. Same as `decode(_:)`, but the event never travels inside an
    /// Optional, which spares a generic destroy per event in hot loops (~300 instructions
    /// under callgrind).
    @discardableResult
    public func decode(_ raw: RawEvent, _ body: (Event) throws -> Void) rethrows -> Bool {
        guard let type = eventType(of: raw) else {
            unknownSyscallCount += 1
            return false
        }
        try body(makeEvent(raw, type))
        return true
    }

    /// Builds the event a call about to run would be (`RawEvent.Flags.probe`) and hands it to
    /// `body`, changing no state: the call may yet be refused. Its process is a copy with the
    /// call applied (an exec's new image, a connect's peer); calls that change the process
    /// tree (fork, exit, setpgid) are not applied. Nothing for an unknown syscall or thread.
    public func preview(_ raw: RawEvent, _ body: (Event) throws -> Void) rethrows {
        guard let type = eventType(of: raw), let live = processes.thread(raw.tid) else { return }
        let thread = ThreadInfo(tid: live.tid, process: live.process.detachedCopy(), capabilities: live.capabilities)
        thread.pendingCapabilities = live.pendingCapabilities
        previewCount += 1
        try body(makeEvent(raw, type, thread: thread, number: Self.previewNumbers | previewCount, committing: false))
    }

    /// Numbers of preview events: apart from `evt.num`s, so that cached values never mix.
    private static let previewNumbers: UInt64 = 1 << 63
    private var previewCount: UInt64 = 0

    /// Applies a record of a known type to the state and builds its event.
    private func makeEvent(_ raw: RawEvent, _ type: EventType) -> Event {
        eventCount += 1
        return makeEvent(raw, type, thread: processes.threadCreatingIfNeeded(for: raw), number: eventCount, committing: true)
    }

    /// Applies a record to `thread`'s state and builds its event numbered `number`; without
    /// `committing`, effects on the process tree are left out (`thread` is a copy).
    private func makeEvent(_ raw: RawEvent, _ type: EventType, thread: ThreadInfo, number: UInt64, committing: Bool) -> Event {
        let info = table[Int(type.rawValue)]
        let process = thread.process
        applyCapabilities(raw, info, thread)
        if process.uid != raw.uid { process.uid = raw.uid }
        if process.gid != raw.gid { process.gid = raw.gid }
        if raw.ppid != 0 && process.ppid == 0 {
            process.ppid = raw.ppid
            if process.parent == nil { process.parent = processes.process(raw.ppid) }
        }

        var fdNumber: Int64?
        var fd: FdInfo?
        if case .argument(let i)? = info.fdSource {
            fdNumber = Int64(Int32(truncatingIfNeeded: raw.args[i]))
            fd = fdNumber.flatMap { process.fds[$0] }
        }
        var change = StateChange()
        switch info.effect {
        case .none: break
        case .fork where !committing, .exit where !committing, .setpgid where !committing: break
        default: apply(info, raw, thread, &change)
        }
        if let created = change.fd {
            fd = created
            // A failed open has fd.num -1 in Falco (its open_file_failed macro tests that);
            // with no return value known (seccomp), the number is unknown instead.
            fdNumber = created.number >= 0 ? created.number : raw.flags.contains(.returnValueUnknown) ? nil : -1
        } else if info.fdSource == .returnValue, !raw.flags.contains(.returnValueUnknown), raw.returnValue >= 0 {
            fdNumber = raw.returnValue
            fd = process.fds[raw.returnValue]
        }
        var raw = raw
        if !gateProcessIDs.isEmpty, let path = change.fd?.path, GateTarget.names(path, gateProcessIDs) {
            raw.flags.insert(.gateTarget)
        }
        return Event(
            number: number, raw: raw, type: type, info: info, thread: change.thread ?? thread, fd: fd,
            fdNumber: fdNumber, fdNameChanged: change.nameChanged, arch: arch, bootTimeOffset: bootTimeOffset,
            facts: facts, values: valueCache)
    }

    /// The capability sets a record carries (a fork record's are the child's: `applyFork`), and
    /// those the thread's previous call left for this event.
    private func applyCapabilities(_ raw: RawEvent, _ info: SyscallInfo, _ thread: ThreadInfo) {
        if let pending = thread.pendingCapabilities {
            thread.capabilities = pending
            thread.pendingCapabilities = nil
        }
        guard raw.kind != .processFork, let payload = raw.payload(.credentials),
              let capabilities = Capabilities(payload: payload) else { return }
        if raw.kind == .syscall, case .credentials(deferred: true) = info.effect {
            thread.pendingCapabilities = capabilities
        } else {
            thread.capabilities = capabilities
        }
    }

    /// The event type of a record: its syscall, or the lifecycle event it stands for.
    func eventType(of raw: RawEvent) -> EventType? {
        switch raw.kind {
        case .syscall:
            let number = Int(raw.syscall)
            guard number >= 0, number < numberIndex.count else { return nil }
            let index = numberIndex[number]
            return index < 0 ? nil : EventType(rawValue: UInt16(index))
        case .processFork:
            if let t = SyscallTable.eventType(arch: arch, number: raw.syscall), t.info.effect == .fork { return t }
            return Self.clone
        case .processExec:
            if let t = SyscallTable.eventType(arch: arch, number: raw.syscall), t.info.effect == .execve { return t }
            return Self.execve
        case .processExit:
            return SyscallTable.procexit
        }
    }

    private static let clone = EventType(named: "clone")!
    private static let execve = EventType(named: "execve")!
}

/// What applying one event to the state produced, beyond the state itself.
struct StateChange {
    /// An fd created or renamed by the event (the event's `fd`).
    var fd: FdInfo?
    /// The event changed its fd's name.
    var nameChanged = false
    /// The thread the event should be attributed to, when it differs (none so far).
    var thread: ThreadInfo?
}
