extension Event {
    /// Number of Falco parameters of this event type (`evt.arg[i]` range).
    public var parameterCount: Int { info.parameters.count }

    /// `evt.arg.<name>`: the typed value of a parameter, nil when absent or unknown.
    public func argument(named name: String) -> EventValue? {
        info.parameterIndex(named: name).flatMap { argument(at: $0) }
    }

    /// `evt.arg[i]`: the typed value of parameter `index`, nil when absent or unknown.
    public func argument(at index: Int) -> EventValue? {
        let parameters = info.parameters
        guard index >= 0, index < parameters.count else { return nil }
        let parameter = parameters[index]
        switch parameter.source {
        case .returnValue:
            guard let result else { return nil }
            return Self.value(register: UInt64(bitPattern: result), type: parameter.type, arch: arch)
        case .argument(let i):
            let argumentType = i < info.arguments.count ? info.arguments[i].type : parameter.type
            if argumentType.needsPayload {
                guard let bytes = raw.payload(.arg(i)) ?? execFilenameFallback(i) else { return nil }
                return Self.value(bytes: bytes, type: parameter.type)
            }
            return Self.value(register: raw.args[i], type: parameter.type, arch: arch)
        case .payload(let slot):
            return raw.payload(slot).flatMap { Self.value(bytes: $0, type: parameter.type) }
        case .process(let fact):
            return processValue(fact)
        case .socketTuple:
            return fd?.socket.map { .socketTuple($0.tupleName) }
        case .fdPair(let argument, let element):
            return fdPair(argument: argument)
                .map { .fd(element == 0 ? $0.0 : $0.1) }
        case .openHow(let field):
            return openHowField(field).map {
                Self.value(register: $0, type: parameter.type, arch: arch) ?? .unsigned($0)
            }
        case .cloneFlags:
            return cloneFlags.map { .flags($0, .cloneFlags, arch) }
        case .execFlags:
            let value = raw.kind == .processExec ? raw.args[0] & 0xFF : 0
            return .flags(value, .execFlags, arch)
        case .unavailable:
            return nil
        }
    }

    /// `evt.arg.<name>` as Falco renders it: `EventValue.rendered`, except that uid and gid
    /// parameters render as user and group names when the databases know them (the rules
    /// compare `evt.arg.uid=nobody`). Nil when the parameter is absent or unknown.
    public func renderedArgument(named name: String) -> String? {
        info.parameterIndex(named: name).flatMap { renderedArgument(at: $0) }
    }

    /// `evt.arg[i]` as Falco renders it (see `renderedArgument(named:)`).
    public func renderedArgument(at index: Int) -> String? {
        guard let value = argument(at: index) else { return nil }
        switch value {
        case .uid(let uid): return users.user(uid: uid)?.name ?? value.rendered
        case .gid(let gid): return users.groupName(gid: gid) ?? value.rendered
        default: return value.rendered
        }
    }

    /// `evt.args`: every known parameter as `name=value`, space-separated.
    public var renderedArguments: String {
        info.parameters.indices.compactMap { i -> String? in
            guard let value = renderedArgument(at: i) else { return nil }
            return "\(info.parameters[i].name)=\(value)"
        }.joined(separator: " ")
    }

    /// The two fds a pipe/socketpair wrote (payload of `argument`).
    func fdPair(argument: Int) -> (Int64, Int64)? { Self.fdPair(raw, argument: argument) }

    /// The two little-endian `int`s of a pipe/socketpair payload.
    static func fdPair(_ raw: RawEvent, argument: Int) -> (Int64, Int64)? {
        guard let bytes = raw.payload(.arg(argument)), bytes.count >= 8 else { return nil }
        func int32(_ at: Int) -> Int64 {
            Int64(Int32(bitPattern: UInt32(bytes[offset: at]) | UInt32(bytes[offset: at + 1]) << 8
                | UInt32(bytes[offset: at + 2]) << 16 | UInt32(bytes[offset: at + 3]) << 24))
        }
        return (int32(0), int32(4))
    }

    /// Field `field` (0 flags, 1 mode, 2 resolve) of openat2's `struct open_how`.
    func openHowField(_ field: Int) -> UInt64? {
        guard let bytes = raw.payload(.arg(2)), bytes.count >= (field + 1) * 8 else { return nil }
        var value: UInt64 = 0
        for i in 0..<8 { value |= UInt64(bytes[offset: field * 8 + i]) << UInt64(8 * i) }
        return value
    }

    /// Clone flags of a fork record or clone-family syscall.
    var cloneFlags: UInt64? { Self.cloneFlags(raw, syscallName: info.name) }

    /// Clone flags: `args[0]` of a fork record or clone, clone3's `struct clone_args` flags
    /// (first u64 of its payload), the implied flags of fork and vfork.
    static func cloneFlags(_ raw: RawEvent, syscallName: String) -> UInt64? {
        if raw.kind == .processFork { return raw.args[0] }
        switch syscallName {
        case "clone": return raw.args[0]
        case "clone3":
            guard let bytes = raw.payload(.arg(0)), bytes.count >= 8 else { return nil }
            var value: UInt64 = 0
            for i in 0..<8 { value |= UInt64(bytes[offset: i]) << UInt64(8 * i) }
            return value
        case "fork": return 0
        case "vfork": return 0x4100  // CLONE_VM | CLONE_VFORK
        default: return nil
        }
    }

    /// An exec record may carry the exe path but not the filename argument.
    private func execFilenameFallback(_ argument: Int) -> ByteString? {
        guard raw.kind == .processExec, info.effect == .execve, argument == (info.name == "execveat" ? 1 : 0)
        else { return nil }
        return raw.payload(.exePath)
    }

    private func processValue(_ fact: ProcessFact) -> EventValue? {
        let p = process
        switch fact {
        case .exe: return p.exe.map { .string($0) }
        case .args: return p.args.map { .stringList($0) }
        case .tid: return .pid(Int64(thread.tid))
        case .pid: return .pid(Int64(p.pid))
        case .ptid: return p.ppid == 0 ? nil : .pid(Int64(p.ppid))
        case .cwd: return p.cwd.map { .path($0) }
        case .comm: return p.name.map { .string($0) }
        case .env: return p.env.map { .stringList($0) }
        case .uid: return p.uid.map { .uid($0) }
        case .gid: return p.gid.map { .gid($0) }
        case .loginuid: return p.loginUID.map { .uid($0) }
        case .tty: return p.tty.map { .unsigned(UInt64($0)) }
        case .pgid: return p.pgid.map { .pid(Int64($0)) }
        case .sid: return p.sid.map { .pid(Int64($0)) }
        case .exitCode:
            guard raw.kind == .processExit else { return nil }
            return .signed((raw.returnValue >> 8) & 0xFF)
        case .exitSignal:
            guard raw.kind == .processExit else { return nil }
            return .signal(raw.returnValue & 0x7F)
        case .exitCoreDumped:
            guard raw.kind == .processExit else { return nil }
            return .unsigned(raw.returnValue & 0x80 != 0 ? 1 : 0)
        }
    }

    /// A register value typed for display; nil for types that live in payloads.
    static func value(register v: UInt64, type: ValueType, arch: Architecture) -> EventValue? {
        switch type {
        case .fd, .dirfd: .fd(Int64(Int32(truncatingIfNeeded: v)))
        case .errno: .errno(Int64(bitPattern: v))
        case .flags(let set): .flags(set == .cloneFlags ? v : v & 0xFFFF_FFFF, set, arch)
        case .enumeration(let set): .enumeration(v, set, arch)
        case .mode: .mode(v & 0o7777)
        case .uid: .uid(UInt32(truncatingIfNeeded: v))
        case .gid: .gid(UInt32(truncatingIfNeeded: v))
        case .pid: .pid(Int64(Int32(truncatingIfNeeded: v)))
        case .signal: .signal(Int64(Int32(truncatingIfNeeded: v)))
        case .size, .unsigned, .pointer: .unsigned(v)
        case .signed: .signed(Int64(bitPattern: v))
        case .path, .relativePath, .sockaddr, .socketTuple, .string, .bytes, .sizedStruct, .fdPair, .stringList: nil
        }
    }

    /// A payload typed for display.
    static func value(bytes: ByteString, type: ValueType) -> EventValue? {
        switch type {
        case .path, .relativePath: .path(bytes)
        case .string: .string(bytes)
        case .sockaddr: SocketAddress(bytes: bytes).map { .socketAddress($0) }
        case .stringList: .stringList(bytes.split(separator: 0))
        default: .bytes(bytes)
        }
    }
}
