import TollgateEvents

/// `proc.*` and `thread.*` fields, read from the process table.
enum ProcessFields {
    static let shells: Set<ByteString> = ["sh", "bash", "zsh", "ksh", "csh", "tcsh", "dash", "ash", "fish", "mksh"]

    static let all: [FieldDefinition] = ancestorFamily + scalars + identity + notCaptured

    /// `proc.X`, `proc.pX`, `proc.aX[n]` triples over one process property.
    static let ancestorFamily: [FieldDefinition] =
        family("exe", "pexe", "aexe", "The first command-line argument (argv[0])") { $0.exe }
        + family("exepath", "pexepath", "aexepath", "The full executable path") { $0.exePath }
        + family("name", "pname", "aname", "The process name (truncated after 16 characters)") { $0.name }
        + family("cmdline", "pcmdline", "acmdline", "The full command line (proc.name + proc.args)") { $0.cmdline }
        + [
            FieldDefinition("proc.pid", .int64, "The id of the process generating the event.", .integer { Int64($0.process.pid) }),
            FieldDefinition("proc.ppid", .int64, "The pid of the parent of the process generating the event.", .integer { Int64($0.process.ppid) }),
            FieldDefinition("proc.apid", .int64, "The pid of a process ancestor (proc.apid[1] is the parent); without index, any ancestor.",
                            argument: .allowed, flags: [.noRightHandSide, .noTransformer], bind: { argument throws(FieldBindError) in
                guard let argument else { return .anyInteger { event in event.process.ancestors.map { Int64($0.pid) } } }
                let level = try ancestorLevel(argument, field: "proc.apid")
                return .integer { event in event.process.ancestor(level).map { Int64($0.pid) } }
            }),
        ]

    static func family(_ own: String, _ parent: String, _ ancestor: String, _ doc: String,
                       _ get: @escaping @Sendable (ProcessRecord) -> ByteString?) -> [FieldDefinition] {
        [
            FieldDefinition("proc.\(own)", .charbuf, "\(doc) of the process generating the event.", .string { get($0.process) }),
            FieldDefinition("proc.\(parent)", .charbuf, "\(doc) of the parent process.", .string { event in event.process.parent.flatMap(get) }),
            FieldDefinition("proc.\(ancestor)", .charbuf, "\(doc) of a process ancestor (proc.\(ancestor)[1] is the parent); without index, any ancestor matches.",
                            argument: .allowed, flags: [.noRightHandSide, .noTransformer], bind: { argument throws(FieldBindError) in
                guard let argument else { return .anyString { event, visit in anyAncestor(event, get, visit) } }
                let level = try ancestorLevel(argument, field: "proc.\(ancestor)")
                return .string { event in event.process.ancestor(level).flatMap(get) }
            }),
        ]
    }

    /// Visits the ancestors' values (parent first) without building arrays.
    static func anyAncestor(_ event: Event, _ get: (ProcessRecord) -> ByteString?, _ visit: (ByteString) -> Bool) -> Bool {
        var current = event.process.parent
        var hops = 0
        while let process = current, hops < ProcessRecord.maxAncestorDepth {
            if let value = get(process), visit(value) { return true }
            current = process.parent
            hops += 1
        }
        return false
    }

    static func ancestorLevel(_ argument: String, field: String) throws(FieldBindError) -> Int {
        guard let level = Int(argument), level >= 0, level <= ProcessRecord.maxAncestorDepth else {
            throw FieldBindError(message: "field '\(field)' needs an ancestor index from 0 to \(ProcessRecord.maxAncestorDepth), not '\(argument)'")
        }
        return level
    }

    static let scalars: [FieldDefinition] = [
        FieldDefinition("proc.args", .charbuf, "The arguments passed on the command line, excluding argv[0]; proc.args[n] is the n-th (0-based).",
                        argument: .allowed, bind: { argument throws(FieldBindError) in
            guard let argument else {
                return .string { event in event.process.args.map { ByteString.joined($0, separator: UInt8(ascii: " ")) } }
            }
            guard let index = Int(argument), index >= 0 else { throw FieldBindError(message: "field 'proc.args' needs a numeric index, not '\(argument)'") }
            return .string { event in event.process.args.flatMap { index < $0.count ? $0[index] : nil } }
        }),
        FieldDefinition("proc.aargs", .charbuf, "The arguments of a process ancestor (proc.aargs[1] is the parent's); without index, any ancestor.",
                        argument: .allowed, bind: { argument throws(FieldBindError) in
            let join: @Sendable (ProcessRecord) -> ByteString? = { $0.args.map { ByteString.joined($0, separator: UInt8(ascii: " ")) } }
            guard let argument else { return .anyString { event, visit in anyAncestor(event, join, visit) } }
            let level = try ancestorLevel(argument, field: "proc.aargs")
            return .string { event in event.process.ancestor(level).flatMap(join) }
        }),
        FieldDefinition("proc.cmdnargs", .uint64, "The number of command line args (proc.args).", .integer { event in event.process.args.map { Int64($0.count) } }),
        FieldDefinition("proc.cmdlenargs", .uint64, "The total length of the command line args, excluding whitespaces between args.",
                        .integer { event in event.process.args.map { Int64($0.reduce(0) { $0 + $1.count }) } }),
        FieldDefinition("proc.is_cmdline_truncated", .bool, "'true' if the command line was longer than the capture copies (64 KiB), so proc.cmdline and proc.args hold only its start (tollgate's field).",
                        .bool { $0.process.argsTruncated }),
        FieldDefinition("proc.exeline", .charbuf, "The full command line, with exe as first argument (proc.exe + proc.args).", .string { $0.process.exeline }),
        FieldDefinition("proc.env", .charbuf, "The environment variables as 'NAME=value NAME1=value1'; proc.env[NAME] is one value.",
                        argument: .allowed, bind: { argument throws(FieldBindError) in
            guard let argument else { return .string { event in event.process.env.map { ByteString.joined($0, separator: UInt8(ascii: " ")) } } }
            let name = ByteString(argument)
            return .string { $0.process.environmentValue(name) }
        }),
        FieldDefinition("proc.aenv", .charbuf, "The environment of ancestors: without argument any ancestor's environment; proc.aenv[NAME] the value in the nearest process (itself first) that has it; proc.aenv[n] the n-th ancestor's environment.",
                        argument: .allowed, flags: [.noRightHandSide, .noTransformer], bind: { argument throws(FieldBindError) in
            let join: @Sendable (ProcessRecord) -> ByteString? = { $0.env.map { ByteString.joined($0, separator: UInt8(ascii: " ")) } }
            guard let argument else { return .anyString { event, visit in anyAncestor(event, join, visit) } }
            if let level = Int(argument) { return .string { event in event.process.ancestor(level).flatMap(join) } }
            let name = ByteString(argument)
            return .string { event in
                var current: ProcessRecord? = event.process
                var hops = 0
                while let process = current, hops <= ProcessRecord.maxAncestorDepth {
                    if let value = process.environmentValue(name) { return value }
                    current = process.parent
                    hops += 1
                }
                return nil
            }
        }),
        FieldDefinition("proc.cwd", .charbuf, "The current working directory of the event.", .string { $0.process.cwd }),
        FieldDefinition("proc.loginshellid", .int64, "The pid of the oldest shell among the ancestors of the current process, if there is one.",
                        .integer { event in
            var result: Int64?
            for process in [event.process] + event.process.ancestors where process.name.map(shells.contains) == true {
                result = Int64(process.pid)
            }
            return result
        }),
        FieldDefinition("proc.tty", .uint32, "The controlling terminal of the process. 0 for processes without a terminal.", .integer { event in event.process.tty.map { Int64($0) } }),
        FieldDefinition("proc.vpid", .int64, "The id of the process as seen from its PID namespace (jobs run in the host namespace).", .integer { Int64($0.process.pid) }),
        FieldDefinition("proc.pvpid", .int64, "The id of the parent process as seen from its PID namespace.", .integer { Int64($0.process.ppid) }),
        FieldDefinition("proc.sid", .int64, "The session id of the process generating the event.", .integer { event in event.process.sid.map { Int64($0) } }),
        FieldDefinition("proc.sname", .charbuf, "The name of the current process's session leader.", .string { event in leader(event, \.sid)?.name }),
        FieldDefinition("proc.sid.exe", .charbuf, "The argv[0] of the current process's session leader.", .string { event in leader(event, \.sid)?.exe }),
        FieldDefinition("proc.sid.exepath", .charbuf, "The full executable path of the current process's session leader.", .string { event in leader(event, \.sid)?.exePath }),
        FieldDefinition("proc.vpgid", .int64, "The process group id as seen from its PID namespace.", .integer { event in event.process.pgid.map { Int64($0) } }),
        FieldDefinition("proc.vpgid.name", .charbuf, "The name of the current process's process group leader.", .string { event in leader(event, \.pgid)?.name }),
        FieldDefinition("proc.vpgid.exe", .charbuf, "The argv[0] of the current process's process group leader.", .string { event in leader(event, \.pgid)?.exe }),
        FieldDefinition("proc.vpgid.exepath", .charbuf, "The full executable path of the current process's process group leader.", .string { event in leader(event, \.pgid)?.exePath }),
        FieldDefinition("proc.pgid", .int64, "The process group id of the process generating the event.", .integer { event in event.process.pgid.map { Int64($0) } }),
        FieldDefinition("proc.pgid.name", .charbuf, "The name of the current process's process group leader.", .string { event in leader(event, \.pgid)?.name }),
        FieldDefinition("proc.pgid.exe", .charbuf, "The argv[0] of the current process's process group leader.", .string { event in leader(event, \.pgid)?.exe }),
        FieldDefinition("proc.pgid.exepath", .charbuf, "The full executable path of the current process's process group leader.", .string { event in leader(event, \.pgid)?.exePath }),
        FieldDefinition("proc.duration", .reltime, "Number of nanoseconds since the process started.",
                        .integer { event in event.process.duration(at: event.timestamp).map { Int64(bitPattern: $0) } }),
        FieldDefinition("proc.ppid.duration", .reltime, "Number of nanoseconds since the parent process started.",
                        .integer { event in event.process.parent?.duration(at: event.timestamp).map { Int64(bitPattern: $0) } }),
        FieldDefinition("proc.pid.ts", .reltime, "Start of process as epoch timestamp in nanoseconds.",
                        .integer { event in event.process.startTime.map { Int64(bitPattern: $0 &+ event.bootTimeOffset) } }),
        FieldDefinition("proc.ppid.ts", .reltime, "Start of parent process as epoch timestamp in nanoseconds.",
                        .integer { event in event.process.parent?.startTime.map { Int64(bitPattern: $0 &+ event.bootTimeOffset) } }),
        FieldDefinition("proc.is_exe_writable", .bool, "'true' if this process' executable file is writable by the same user that spawned the process.", .bool { $0.process.isExeWritable }),
        FieldDefinition("proc.is_exe_upper_layer", .bool, "'true' if this process' executable file is in upper layer in overlayfs.", .bool { $0.process.isExeUpperLayer }),
        FieldDefinition("proc.is_exe_lower_layer", .bool, "'true' if this process' executable file is in lower layer in overlayfs.", .bool { $0.process.isExeLowerLayer }),
        FieldDefinition("proc.is_exe_from_memfd", .bool, "'true' if the executable file of the current process is an anonymous file created using memfd_create().", .bool { $0.process.isExeFromMemfd }),
        FieldDefinition("proc.is_sid_leader", .bool, "'true' if this process is the leader of the process session.", .bool { event in event.process.sid.map { $0 == event.process.pid } }),
        FieldDefinition("proc.is_vpgid_leader", .bool, "'true' if this process is the leader of the virtual process group.", .bool { event in event.process.pgid.map { $0 == event.process.pid } }),
        FieldDefinition("proc.is_pgid_leader", .bool, "'true' if this process is the leader of the process group.", .bool { event in event.process.pgid.map { $0 == event.process.pid } }),
        FieldDefinition("proc.fdopencount", .uint64, "Number of open FDs for the process.", .integer { Int64($0.process.fds.count) }),
        FieldDefinition("proc.nthreads", .uint64, "The number of alive threads of the process, including the leader thread.", .integer { Int64($0.process.threadCount) }),
        FieldDefinition("proc.nchilds", .uint64, "The number of alive not leader threads of the process.", .integer { Int64(max(0, $0.process.threadCount - 1)) }),
        FieldDefinition("thread.tid", .int64, "The id of the thread generating the event.", .integer { Int64($0.thread.tid) }),
        FieldDefinition("thread.vtid", .int64, "The id of the thread as seen from its PID namespace.", .integer { Int64($0.thread.tid) }),
        FieldDefinition("thread.ismain", .bool, "'true' if the thread generating the event is the main one in the process.", .bool { $0.thread.isMainThread }),
        FieldDefinition("proc.stdin.type", .charbuf, "The type of file descriptor 0 (stdin).", .string { event in event.process.fds[0].map { ByteString($0.type.name) } }),
        FieldDefinition("proc.stdout.type", .charbuf, "The type of file descriptor 1 (stdout).", .string { event in event.process.fds[1].map { ByteString($0.type.name) } }),
        FieldDefinition("proc.stderr.type", .charbuf, "The type of file descriptor 2 (stderr).", .string { event in event.process.fds[2].map { ByteString($0.type.name) } }),
        FieldDefinition("proc.stdin.name", .charbuf, "The name of file descriptor 0 (stdin).", .string { event in event.process.fds[0]?.name }),
        FieldDefinition("proc.stdout.name", .charbuf, "The name of file descriptor 1 (stdout).", .string { event in event.process.fds[1]?.name }),
        FieldDefinition("proc.stderr.name", .charbuf, "The name of file descriptor 2 (stderr).", .string { event in event.process.fds[2]?.name }),
        FieldDefinition("proc.is_container_healthcheck", .bool, "Deprecated: always false.", flags: .deprecated, .bool { _ in false }),
        FieldDefinition("proc.is_container_liveness_probe", .bool, "Deprecated: always false.", flags: .deprecated, .bool { _ in false }),
        FieldDefinition("proc.is_container_readiness_probe", .bool, "Deprecated: always false.", flags: .deprecated, .bool { _ in false }),
    ]

    static let notCaptured: [FieldDefinition] = [
        .notCaptured("thread.cgroups", .charbuf, "All cgroups the thread belongs to, aggregated into a single string.", reason: "cgroups are not recorded"),
        .notCaptured("thread.cgroup", .charbuf, "The cgroup the thread belongs to, for a specific subsystem.", reason: "cgroups are not recorded", argument: .required),
        .unsupported("proc.fdlimit", .int64, "Maximum number of FDs the process can open.", reason: "resource limits are not recorded"),
        .unsupported("proc.fdusage", .double, "The ratio between open FDs and maximum available FDs for the process.", reason: "resource limits are not recorded"),
        .unsupported("proc.vmsize", .uint64, "Total virtual memory for the process (as kb).", reason: "memory usage is not recorded"),
        .unsupported("proc.vmrss", .uint64, "Resident non-swapped memory for the process (as kb).", reason: "memory usage is not recorded"),
        .unsupported("proc.vmswap", .uint64, "Swapped memory for the process (as kb).", reason: "memory usage is not recorded"),
        .unsupported("thread.pfmajor", .uint64, "Number of major page faults since thread start.", reason: "page faults are not recorded"),
        .unsupported("thread.pfminor", .uint64, "Number of minor page faults since thread start.", reason: "page faults are not recorded"),
        .unsupported("thread.exectime", .reltime, "CPU time spent by the last scheduled thread, in nanoseconds.", reason: "scheduling is not recorded"),
        .unsupported("thread.totexectime", .reltime, "Total CPU time for the current thread.", reason: "scheduling is not recorded"),
        .unsupported("thread.cpu", .double, "The CPU consumed by the thread in the last second.", reason: "CPU usage is not recorded"),
        .unsupported("thread.cpu.user", .double, "The user CPU consumed by the thread in the last second.", reason: "CPU usage is not recorded"),
        .unsupported("thread.cpu.system", .double, "The system CPU consumed by the thread in the last second.", reason: "CPU usage is not recorded"),
        .unsupported("thread.vmsize", .uint64, "Total virtual memory for the process main thread (as kb).", reason: "memory usage is not recorded"),
        .unsupported("thread.vmrss", .uint64, "Resident memory for the process main thread (as kb).", reason: "memory usage is not recorded"),
    ]

    /// The thread's capability sets and the executable's identity (docs/fields.md).
    static let identity: [FieldDefinition] = [
        capabilitySet("thread.cap_permitted", "The permitted capabilities set.") { $0.permitted },
        capabilitySet("thread.cap_inheritable", "The inheritable capabilities set.") { $0.inheritable },
        capabilitySet("thread.cap_effective", "The effective capabilities set.") { $0.effective },
        FieldDefinition("proc.exe_ino", .int64, "The inode number of the executable file on disk.",
                        .integer { event in event.process.exeFile.flatMap { $0.inode == 0 ? nil : Int64(bitPattern: $0.inode) } }),
        FieldDefinition("proc.exe_ino.ctime", .abstime, "Last status change time of executable file.",
                        .integer { event in event.process.exeFile.flatMap { $0.ctime == 0 ? nil : $0.ctime } }),
        FieldDefinition("proc.exe_ino.mtime", .abstime, "Last modification time of executable file.",
                        .integer { event in event.process.exeFile.flatMap { $0.mtime == 0 ? nil : $0.mtime } }),
        FieldDefinition("proc.exe_ino.ctime_duration_proc_start", .abstime,
                        "Number of nanoseconds between modifying status of executable image and spawning a new process using the changed executable image (0 when the image changed after the process started).",
                        .integer { event in
            guard let file = event.process.exeFile, file.ctime != 0, let start = event.process.startTime else { return nil }
            return max(0, Int64(bitPattern: start &+ event.bootTimeOffset) &- file.ctime)
        }),
        FieldDefinition("proc.exe_ino.ctime_duration_pidns_start", .abstime,
                        "Number of nanoseconds between PID namespace start ts and ctime exe file if PID namespace start predates ctime.",
                        .integer { event in
            guard let file = event.process.exeFile, let start = pidNamespaceStart(event), file.ctime > start else { return nil }
            return file.ctime - start
        }),
        FieldDefinition("proc.pidns_init_start_ts", .uint64, "Start of PID namespace as epoch timestamp in nanoseconds.",
                        .integer { event in pidNamespaceStart(event) }),
    ]

    /// `thread.cap_*`: one set as Falco writes it; its value on an exec, set*id or capset event is
    /// the one after the call.
    static func capabilitySet(_ name: String, _ doc: String, _ set: @escaping @Sendable (Capabilities) -> UInt64) -> FieldDefinition {
        FieldDefinition(name, .charbuf, doc, .string { event in event.thread.capabilities.map { Capabilities.text(set($0)) } })
            .needing(.credentials)
    }

    /// When the init of the process's PID namespace started, in epoch nanoseconds.
    static func pidNamespaceStart(_ event: Event) -> Int64? {
        event.process.exeFile?.pidNamespaceStart.map { Int64(bitPattern: $0 &+ event.bootTimeOffset) }
    }

    /// The session or process-group leader: the process itself or the ancestor whose pid is the id.
    static func leader(_ event: Event, _ id: KeyPath<ProcessRecord, Int32?>) -> ProcessRecord? {
        guard let wanted = event.process[keyPath: id] else { return nil }
        if event.process.pid == wanted { return event.process }
        return event.process.ancestors.first { $0.pid == wanted }
    }
}
