/// fork/clone and exec: the process tree and what children inherit.
extension EventDecoder {
    static let cloneThread: UInt64 = 0x10000
    static let cloneFiles: UInt64 = 0x400
    static let cloneParent: UInt64 = 0x8000

    func applyFork(_ info: SyscallInfo, _ raw: RawEvent, _ parentThread: ThreadInfo) {
        guard !raw.flags.contains(.returnValueUnknown), raw.returnValue > 0 else { return }
        let childTid = Int32(truncatingIfNeeded: raw.returnValue)
        // The child's own capability sets when the record has them (a clone into a new user
        // namespace differs from its parent), else its creator's.
        let capabilities = raw.payload(.credentials).flatMap(Capabilities.init(payload:)) ?? parentThread.capabilities
        if let existing = processes.thread(childTid), !existing.exited {
            if existing.capabilities == nil { existing.capabilities = capabilities }
            // Already announced; or the child's own first event came before this record and made
            // it an unknown process: adopt it now so it inherits its parent's facts.
            let adopted = existing.process
            if !adopted.isKnown && adopted !== parentThread.process {
                if adopted.parent == nil {
                    adopted.parent = parentThread.process
                    if adopted.ppid == 0 { adopted.ppid = parentThread.process.pid }
                }
                inherit(adopted, from: parentThread.process, at: raw.timestamp)
            }
            return
        }
        // clone3 without its clone_args payload: flags unknown, assume a new process.
        let flags = Event.cloneFlags(raw, syscallName: info.name) ?? 0
        let parent = parentThread.process
        if flags & Self.cloneThread != 0 {
            processes.register(ThreadInfo(tid: childTid, process: parent, capabilities: capabilities))
            return
        }
        let childPid = raw.kind == .processFork && raw.args[1] != 0
            ? Int32(truncatingIfNeeded: raw.args[1]) : childTid
        let realParent = flags & Self.cloneParent != 0 ? parent.parent : parent
        let child = ProcessRecord(
            pid: childPid, ppid: realParent?.pid ?? (flags & Self.cloneParent != 0 ? parent.ppid : parent.pid),
            parent: realParent, isKnown: parent.isKnown,
            fds: flags & Self.cloneFiles != 0 ? parent.fds : parent.fds.copy())
        inherit(child, from: parent, at: raw.timestamp)
        processes.register(ThreadInfo(tid: childTid, process: child, capabilities: capabilities))
    }

    /// Copies what a child inherits at fork into `child`, keeping anything it already knows.
    private func inherit(_ child: ProcessRecord, from parent: ProcessRecord, at time: UInt64) {
        if child.exePath == nil {
            child.exe = parent.exe
            child.exePath = parent.exePath
            child.name = parent.name
            child.args = parent.args
            child.argsTruncated = parent.argsTruncated
            child.execFlags = parent.execFlags
            child.exeFile = parent.exeFile
        }
        child.env = child.env ?? parent.env
        child.cwd = child.cwd ?? parent.cwd
        child.uid = child.uid ?? parent.uid
        child.gid = child.gid ?? parent.gid
        child.loginUID = child.loginUID ?? parent.loginUID
        child.tty = child.tty ?? parent.tty
        child.sid = child.sid ?? parent.sid
        child.pgid = child.pgid ?? parent.pgid
        child.sessionLeader = child.sessionLeader ?? parent.sessionLeader
        child.groupLeader = child.groupLeader ?? parent.groupLeader
        child.startTime = child.startTime ?? time
        if child.containerFullID == ProcessRecord.host { child.containerFullID = parent.containerFullID }
        if child.fds.count == 0 && child.fds !== parent.fds {
            for fd in parent.fds.all { child.fds.set(fd.number, fd) }
        }
        child.isKnown = parent.isKnown
        child.invalidateCaches()
    }

    func applyExec(_ info: SyscallInfo, _ raw: RawEvent, _ process: ProcessRecord) {
        // A syscall-kind execve only updates state when it carries the new image's argv.
        guard raw.kind == .processExec || raw.payload(.argv) != nil else { return }
        let filenameArgument = info.name == "execveat" ? 1 : 0
        let filename = raw.kind == .syscall ? raw.payload(.arg(filenameArgument)) : raw.payload(.arg(filenameArgument))
        let exePath = raw.payload(.exePath) ?? filename.map { PathNormalization.resolve($0, against: process.cwd) }
        if let argv = raw.payload(.argv) {
            let parts = argv.split(separator: 0)
            process.exe = parts.first ?? exePath
            process.args = Array(parts.dropFirst())
        } else {
            process.exe = exePath
            process.args = []
        }
        process.argsTruncated = raw.flags.contains(.commandLineTruncated)
        // proc.exepath is the file the kernel runs (symlinks resolved, `memfd:NAME` for a memfd)
        // when the backend knows it; the name stays the one the program was executed by.
        if let previous = process.exePath { process.earlierImages.insert(previous) }
        process.exePath = raw.payload(.resolvedPath) ?? exePath
        if let commSource = filename ?? exePath { process.name = commName(of: commSource) }
        if let env = raw.payload(.env) { process.env = env.split(separator: 0) }
        if let cwd = raw.payload(.cwd) { process.cwd = directoryWithSlash(cwd) }
        process.execFlags = raw.kind == .processExec ? RawEvent.ExecFlags(rawValue: raw.args[0]) : []
        process.exeFile = raw.payload(.exeFile).flatMap(ExecutableFile.init(payload:))
        if let cgroup = raw.payload(.cgroup) {
            process.containerFullID = ContainerIdentity.id(cgroupName: String(decoding: cgroup.bytes, as: UTF8.self)) ?? ProcessRecord.host
        }
        process.invalidateCaches()
        for fd in process.fds.all where fd.closeOnExec { process.fds.remove(fd.number) }
    }
}
