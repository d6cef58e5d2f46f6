import TollgateEvents

/// `evt.*` and `syscall.type` fields.
enum EventFields {
    static let parameterNames: Set<String> = Set(SyscallTable.all.flatMap { $0.parameters.map(\.name) })

    static let all: [FieldDefinition] = [
        FieldDefinition("evt.num", .uint64, "event number.", .integer { Int64(bitPattern: $0.number) }),
        FieldDefinition("evt.time", .charbuf, "event timestamp as a time string that includes the nanosecond part.",
                        .string { ByteString(Timestamps.timeOfDay($0.wallClockTime)) }),
        FieldDefinition("evt.time.s", .charbuf, "event timestamp as a time string with no nanoseconds.",
                        .string { ByteString(Timestamps.timeOfDay($0.wallClockTime, withNanoseconds: false)) }),
        FieldDefinition("evt.time.iso8601", .charbuf, "event timestamp in ISO 8601 format, including nanoseconds and time zone offset (in UTC).",
                        .string { ByteString(Timestamps.rfc3339Nanoseconds($0.wallClockTime)) }),
        FieldDefinition("evt.datetime", .charbuf, "event timestamp as a time string that includes the date.",
                        .string { ByteString(Timestamps.dateTime($0.wallClockTime)) }),
        FieldDefinition("evt.datetime.s", .charbuf, "event timestamp as a datetime string with no nanoseconds.",
                        .string { ByteString(Timestamps.dateTime($0.wallClockTime, withNanoseconds: false)) }),
        FieldDefinition("evt.rawtime", .abstime, "absolute event timestamp, i.e. nanoseconds from epoch.",
                        .integer { Int64(bitPattern: $0.wallClockTime) }),
        FieldDefinition("evt.rawtime.s", .abstime, "integer part of the event timestamp (e.g. seconds since epoch).",
                        .integer { Int64(bitPattern: $0.wallClockTime / 1_000_000_000) }),
        FieldDefinition("evt.rawtime.ns", .abstime, "fractional part of the absolute event timestamp.",
                        .integer { Int64(bitPattern: $0.wallClockTime % 1_000_000_000) }),
        .unsupported("evt.reltime", .reltime, "number of nanoseconds from the beginning of the capture.", reason: "the engine does not track the capture start"),
        .unsupported("evt.reltime.s", .reltime, "number of seconds from the beginning of the capture.", reason: "the engine does not track the capture start"),
        .unsupported("evt.reltime.ns", .reltime, "fractional part (in ns) of the time from the beginning of the capture.", reason: "the engine does not track the capture start"),
        FieldDefinition("evt.pluginname", .charbuf, "the name of the plugin that generated the event (none: tollgate loads no plugins).", .string { _ in nil }),
        FieldDefinition("evt.plugininfo", .charbuf, "a summary of a plugin event (none: tollgate loads no plugins).", .string { _ in nil }),
        FieldDefinition("evt.source", .charbuf, "the name of the source that produced the event.", .string { _ in "syscall" }),
        FieldDefinition("evt.is_async", .bool, "'true' for asynchronous events, 'false' otherwise.", .bool { _ in false }),
        FieldDefinition("evt.asynctype", .charbuf, "the type of an asynchronous event (there are none).", .string { _ in nil }),
        .unsupported("evt.hostname", .charbuf, "the hostname of the underlying host.", reason: "the host name is not recorded in captures"),
        .unsupported("evt.latency", .reltime, "delta between an exit event and the correspondent enter event.", reason: "deprecated since Falco 0.42: enter events are not captured"),
        .unsupported("evt.latency.s", .reltime, "integer part of the event latency delta.", reason: "deprecated since Falco 0.42: enter events are not captured"),
        .unsupported("evt.latency.ns", .reltime, "fractional part of the event latency delta.", reason: "deprecated since Falco 0.42: enter events are not captured"),
        .unsupported("evt.latency.human", .charbuf, "event latency as a human readable string.", reason: "deprecated since Falco 0.42: enter events are not captured"),
        .unsupported("evt.wait_latency", .reltime, "time spent waiting for the event to return.", reason: "deprecated since Falco 0.42: enter events are not captured"),
        .unsupported("evt.deltatime", .reltime, "delta between this event and the previous event, in nanoseconds.", reason: "the engine does not keep the previous event"),
        .unsupported("evt.deltatime.s", .reltime, "integer part of the delta between this event and the previous event.", reason: "the engine does not keep the previous event"),
        .unsupported("evt.deltatime.ns", .reltime, "fractional part of the delta between this event and the previous event.", reason: "the engine does not keep the previous event"),
        FieldDefinition("evt.dir", .charbuf, "event direction: always '<' (exit events carry the entry arguments).", flags: .deprecated, .string { _ in "<" }),
        FieldDefinition("evt.type", .charbuf, "The name of the event (e.g. 'open').", .string { ByteString($0.name) }),
        FieldDefinition("evt.type.is", .uint32, "1 for events of the event type given as argument (evt.type.is.open), else 0.", argument: .required, bind: { argument throws(FieldBindError) in
            guard let argument, let type = EventType(named: argument) else {
                throw FieldBindError(message: "unknown event type '\(argument ?? "")'")
            }
            return .integer { $0.type == type ? 1 : 0 }
        }),
        FieldDefinition("syscall.type", .charbuf, "For system call events, the name of the system call (e.g. 'open').", .string { ByteString($0.name) }),
        FieldDefinition("evt.category", .charbuf, "The event category (file, network, process, memory, ipc, security, system, io).",
                        .string { ByteString(categoryName($0.info.category)) }),
        .unsupported("evt.cpu", .int16, "number of the CPU where this event happened.", reason: "the CPU is not recorded in captures"),
        FieldDefinition("evt.args", .charbuf, "all the event arguments, aggregated into a single string.", .string { ByteString($0.renderedArguments) }).needing(.parameter()),
        FieldDefinition("evt.info", .charbuf, "the same value as 'evt.args'.", .string { ByteString($0.renderedArguments) }).needing(.parameter()),
        FieldDefinition("evt.arg", .charbuf, "one of the event arguments specified by name (evt.arg.flags) or by number (evt.arg[0]).",
                        argument: .required, bind: { argument throws(FieldBindError) in try argumentAccessor(argument, raw: false) }).needing(.parameter()),
        FieldDefinition("evt.rawarg", .dyn, "one of the event arguments specified by name, as a number.", argument: .required,
                        flags: [.noRightHandSide, .noTransformer], bind: { argument throws(FieldBindError) in try argumentAccessor(argument, raw: true) }).needing(.parameter()),
        FieldDefinition("evt.buffer", .bytebuf, "the binary data buffer for events that have one, like read(), recvfrom(), etc.",
                        .string { buffer($0) }).needing(.parameter(fixed: "data")),
        FieldDefinition("evt.buflen", .uint64, "the length of the binary data buffer for events that have one.",
                        .integer { event in buffer(event).map { Int64($0.count) } }).needing(.parameter(fixed: "data")),
        FieldDefinition("evt.res", .charbuf, "event return value, as a string (SUCCESS or the errno name).", .string { event in event.resultString.map { ByteString($0) } }).needing(.always),
        FieldDefinition("evt.rawres", .int64, "event return value, as a number (e.g. -2).", .integer { $0.result }).needing(.always),
        FieldDefinition("evt.failed", .bool, "'true' for events that returned an error status.", .bool { $0.failed }).needing(.always),
        FieldDefinition("evt.is_io", .bool, "'true' for events that read or write to FDs.", .bool { $0.info.category == .highVolumeIO }),
        FieldDefinition("evt.count", .uint32, "This filter field always returns 1.", .integer { _ in 1 }),
        FieldDefinition("evt.count.error", .uint32, "1 for events that returned with an error.", .integer { $0.failed ? 1 : 0 }).needing(.always),
        FieldDefinition("evt.count.exit", .uint32, "1 for exit events (every event is an exit event).", .integer { _ in 1 }),
        .unsupported("evt.around", .uint64, "Accepts the event if it's around the specified time interval.", reason: "needs a capture file to look around in", argument: .required),
        FieldDefinition("evt.abspath", .charbuf, "Absolute path calculated from dirfd and name during syscalls like renameat and symlinkat (evt.abspath.src, evt.abspath.dst).",
                        argument: .required, bind: { argument throws(FieldBindError) in
            let names: [String]
            switch argument {
            case "src", "source": names = ["oldpath", "target", "path", "name", "filename", "pathname"]
            case "dst", "target": names = ["newpath", "linkpath"]
            default: throw FieldBindError(message: "field 'evt.abspath' takes 'src' or 'dst', not '\(argument ?? "")'")
            }
            return .string { event in
                let parameters = event.info.parameters
                guard let index = names.lazy.compactMap({ name in parameters.firstIndex { $0.name == name } }).first else { return nil }
                return event.absolutePath(parameterAt: index)
            }
        }),
        FieldDefinition("evt.is_gate_target", .bool, "'true' when the call aimed at tollgate itself: ptrace, process_vm_readv/writev, a signal or pidfd to the gate's or its capture monitor's processes, threads or process group, or an open of their /proc/<pid> entries. The ptrace and seccomp backends refuse such calls (EPERM); eBPF kills the caller (tollgate's field).",
                        .bool { $0.raw.flags.contains(.gateTarget) }),
        FieldDefinition("evt.is_open_read", .bool, "'true' for open/openat/openat2/open_by_handle_at events where the path was opened for reading.", .bool { $0.isOpenRead }),
        FieldDefinition("evt.is_open_write", .bool, "'true' for open/openat/openat2/open_by_handle_at events where the path was opened for writing.", .bool { $0.isOpenWrite }),
        FieldDefinition("evt.is_open_exec", .bool, "'true' for open/openat/openat2/open_by_handle_at or creat events where a file is created with execute permissions.", .bool { $0.isOpenExec }),
        FieldDefinition("evt.is_open_create", .bool, "'true' for open/openat/openat2/open_by_handle_at events where a file is created.", .bool { $0.isOpenCreate }),
    ]

    static let dataIndices = parameterIndices("data")

    static func buffer(_ event: Event) -> ByteString? {
        let index = Int(dataIndices[Int(event.type.rawValue)])
        return index < 0 ? nil : event.argument(at: index)?.byteString
    }

    static func categoryName(_ category: SyscallCategory) -> String {
        switch category {
        case .file: return "file"
        case .network: return "net"
        case .process: return "process"
        case .memory: return "memory"
        case .ipc: return "ipc"
        case .security: return "security"
        case .system: return "system"
        case .highVolumeIO: return "io"
        }
    }

    /// `evt.arg.<name>` / `evt.arg[<n>]` (rendered) and `evt.rawarg.<name>` (numeric).
    static func argumentAccessor(_ argument: String?, raw: Bool) throws(FieldBindError) -> FieldAccessor {
        guard let argument else { throw FieldBindError(message: "field 'evt.arg' requires an argument") }
        if let index = Int(argument), !raw {
            guard index >= 0, index < 16 else { throw FieldBindError(message: "event argument index \(index) is out of range") }
            return .string { event in event.argument(at: index).map(render) }
        }
        guard parameterNames.contains(argument) else {
            throw FieldBindError(message: "unknown event argument '\(argument)'\(Suggestion.hint(for: argument, in: parameterNames))")
        }
        let indices = parameterIndices(argument)
        if raw {
            return .integer { event in
                let index = Int(indices[Int(event.type.rawValue)])
                return index < 0 ? nil : event.argument(at: index)?.integer
            }
        }
        return .string { event in
            let index = Int(indices[Int(event.type.rawValue)])
            return index < 0 ? nil : event.argument(at: index).map(render)
        }
    }

    /// The index of a named parameter for every event type (-1 where absent), resolved once
    /// so extraction does not search parameter names per event.
    static func parameterIndices(_ name: String) -> [Int16] {
        SyscallTable.all.map { Int16($0.parameterIndex(named: name) ?? -1) }
    }

    /// Exact bytes for string-like values, Falco's rendering for the rest.
    static func render(_ value: EventValue) -> ByteString {
        value.byteString ?? RenderedFlags.bytes(value) ?? ByteString(value.rendered)
    }
}
