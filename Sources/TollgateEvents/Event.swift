// TollgateEvents: API overview
// ============================
//
// Capture side -> `RawEvent` -> `EventDecoder.decode(_:)` -> `Event` -> rule engine.
//
// - `RawEvent`: the record every backend delivers (kind, timestamp, pid/tid/ppid, uid/gid,
//   native syscall number, 6 raw args, return value, flags, payloads by `PayloadSlot`).
//   `RawEvent(kind:timestamp:pid:tid:ppid:uid:gid:syscall:args:returnValue:flags:payloads:)`,
//   `payload(_:)`, `setPayload(_:_:)`. Binary form: `encode(into:)` / `RawEvent.decode(_:at:)`
//   (errors: `RawEventDecodingError` with the byte offset).
// - `SyscallTable`: every syscall rules or state need, for x86_64 and arm64.
//   `info(named:)`, `info(arch:number:)`, `eventType(arch:number:)`, `names(forNumbers:arch:)`,
//   `numbers(forNames:arch:)`, `payloadArguments(arch:number:)`, `stateSyscallNames`,
//   `parameterIndexTable(named:)`, `isKnownParameter(_:)`. Each `SyscallInfo` is also a Falco
//   event type (`EventType`, a dense UInt16 id, index into `SyscallTable.all`) with Falco's
//   parameters (`parameters`, `parameterIndex(named:)`), kernel `arguments`,
//   `payloadArguments` / `outputPayloadArguments`, `category`, `isHighVolume`.
// - `EventDecoder`: owns the `ProcessTable` (threads, processes, fd tables) and a
//   `UserDatabase`; `seed(...)` registers the job's first process; `decode(_:)` updates state
//   and returns an `Event` (nil for syscalls the table does not know: `unknownSyscallCount`);
//   `decode(_:_:)` hands the event to a closure instead (cheaper in hot loops).
// - `Event`: `type`/`info`/`name` (evt.type), `number` (evt.num), `timestamp`,
//   `wallClockTime`, `thread` / `process` (proc.*, thread.*), `fd` / `fdNumber` /
//   `fdNameChanged` (fd.*), `argument(at:)` / `argument(named:)` -> `EventValue` (typed;
//   `.rendered`, `.integer`, `.byteString`), `renderedArgument(named:)` (evt.arg.* as Falco
//   prints it, uid/gid as names), `renderedArguments` (evt.args), `result` (evt.rawres),
//   `resultString` (evt.res), `failed`, `openFlags`, `isOpenRead/Write/Create/Exec`, `fsPath`
//   (fs.path.*), `absolutePath(parameterAt:)` (evt.abspath), `user`, `groupName`.
// - State: `ProcessRecord` (pid, ppid, parent, ancestor(n), ancestors, ancestorChain, exe,
//   exePath, name, args, cmdline, exeline, env, environmentValue(_:), cwd, uid, gid, loginUID,
//   startTime, duration(at:), tty, sid, pgid, sessionLeader, groupLeader, isExeFromMemfd,
//   isExeUpperLayer, isExeWritable, containerID, fds), `ThreadInfo`, `FdTable` (`[fd]`, `all`),
//   `FdInfo` (number, type, name, nameRaw, path, directory, filename, openFlags, socket),
//   `SocketInfo` (client/server/local/remote, l4proto, isServer, connected), `SocketAddress`,
//   `FdType` (fd.type `name` / fd.typechar `typeChar`).
// - Rendering: `FlagNames.render(_:_:arch:)`, `Errno.name(_:)`.
// - Bytes: `ByteString` keeps paths and arguments exact (not necessarily UTF-8).
//
// Nil means unknown (Falco renders `<NA>`). Nothing here allocates Strings on the decode path;
// rendering (`EventValue.rendered`, `ByteString.description`) is lazy.

/// One decoded event: a completed syscall (direction `<`) or a process-lifecycle event, with
/// references into the state it belongs to.
///
/// Values read through `thread`/`process`/`fd` are the state as of the latest decoded event:
/// evaluate rules on an event before decoding the next one.
public struct Event {
    /// `evt.num`: 1 for the first event the decoder produced.
    public let number: UInt64
    /// The record this event came from.
    public let raw: RawEvent
    /// `evt.type` as a dense id.
    public let type: EventType
    /// The table entry of `type` (parameters, arguments, category).
    public let info: SyscallInfo
    /// The thread that made the call (for fork records: the parent).
    public let thread: ThreadInfo
    /// The fd the event is about (`fd.*`), when known.
    public let fd: FdInfo?
    /// The fd number the event is about (`fd.num`), even when the fd itself is unknown.
    public let fdNumber: Int64?
    /// `fd.name_changed`: this event changed the fd's name (e.g. sendto on an unconnected socket).
    public let fdNameChanged: Bool
    /// Architecture of the capture (flag spellings differ).
    public let arch: Architecture
    /// Nanoseconds to add to `timestamp` to get wall-clock time since the epoch.
    public let bootTimeOffset: UInt64
    /// What every event of the run shares: passwd/group lookups, the CI context.
    public let facts: RunFacts
    /// Field values already computed for this event (shared with the decoder's other events).
    public let values: EventValueCache

    /// `evt.type`.
    public var name: String { info.name }
    /// `evt.dir`: always `<` (exit events carry the entry arguments).
    public var direction: Character { "<" }
    /// Boot-time nanoseconds.
    public var timestamp: UInt64 { raw.timestamp }
    /// Nanoseconds since the epoch (`evt.rawtime`).
    public var wallClockTime: UInt64 { raw.timestamp &+ bootTimeOffset }
    /// The process (thread group) of `thread`.
    public var process: ProcessRecord { thread.process }

    /// `evt.rawres`: the return value (nil when the backend could not see it).
    public var result: Int64? {
        raw.flags.contains(.returnValueUnknown) ? nil : raw.returnValue
    }

    /// `evt.res`: `SUCCESS`, or the errno name (`ENOENT`) of a failed call.
    public var resultString: String? {
        guard let result else { return nil }
        if result < 0 && raw.kind == .syscall { return Errno.name(forResult: result) ?? String(result) }
        return "SUCCESS"
    }

    /// `evt.failed`.
    public var failed: Bool { raw.kind == .syscall && (result ?? 0) < 0 }

    /// Passwd/group lookups.
    public var users: UserDatabase { facts.users }

    /// `user.*` for the process's effective uid.
    public var user: UserDatabase.User? { process.uid.flatMap { users.user(uid: $0) } }
    /// `group.name` for the process's effective gid.
    public var groupName: String? { process.gid.flatMap { users.groupName(gid: $0) } }
}
