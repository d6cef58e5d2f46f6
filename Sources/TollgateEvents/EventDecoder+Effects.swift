/// State updates per `StateEffect`. Failed calls change nothing; calls whose return value is
/// unknown (seccomp) change what does not depend on it.
extension EventDecoder {
    func apply(_ info: SyscallInfo, _ raw: RawEvent, _ thread: ThreadInfo, _ change: inout StateChange) {
        let process = thread.process
        let known = !raw.flags.contains(.returnValueUnknown)
        let ret = raw.returnValue
        if raw.kind == .syscall && known && ret < 0 {
            // Failed: nothing changes, but a failed open still names its file (fd.name, like
            // Falco's fallback to the event's path) and connect's EINPROGRESS its socket.
            switch info.effect {
            case .connect where ret == -115: applyConnect(raw, process, &change)
            case .open(let pathArgument, let dirfdArgument, _):
                applyOpen(info, raw, process, pathArgument: pathArgument, dirfdArgument: dirfdArgument,
                          register: false, &change)
            default: break
            }
            return
        }
        switch info.effect {
        case .none:
            return
        case .open(let pathArgument, let dirfdArgument, _):
            applyOpen(info, raw, process, pathArgument: pathArgument, dirfdArgument: dirfdArgument,
                      register: !raw.flags.contains(.returnValueUnknown), &change)
        case .close(let fdArgument):
            process.fds.remove(Self.fdValue(raw.args[fdArgument]))
        case .closeRange:
            let first = Int64(UInt32(truncatingIfNeeded: raw.args[0]))
            let last = Int64(UInt32(truncatingIfNeeded: raw.args[1]))
            let flags = raw.args[2]
            if flags & 2 != 0 { process.fds = process.fds.copy() }  // CLOSE_RANGE_UNSHARE
            if flags & 4 == 0 { process.fds.removeRange(first, last) }  // not CLOSE_RANGE_CLOEXEC
        case .dup(let fdArgument):
            let old = Self.fdValue(raw.args[fdArgument])
            guard known else {
                // dup2/dup3 either replaced their target or failed: which is unknown, so the
                // target no longer surely names its old file (`cmd > out` under seccomp).
                let target = Self.fdValue(raw.args[1])
                if info.name != "dup", target != old { process.fds.remove(target) }
                return
            }
            guard old != ret else { return }
            duplicate(process, from: old, to: ret, closeOnExec: info.name == "dup3" && raw.args[2] & 0o2000000 != 0)
        case .fcntl:
            let command = raw.args[1]
            guard known, command == 0 || command == 1030 else { return }  // F_DUPFD, F_DUPFD_CLOEXEC
            duplicate(process, from: Self.fdValue(raw.args[0]), to: ret, closeOnExec: command == 1030)
        case .socket:
            let socketFd = FdInfo(number: known ? ret : -1, type: Self.socketFdType(family: raw.args[0]),
                                  path: .empty, nameRaw: .empty,
                                  socket: SocketInfo(family: UInt16(truncatingIfNeeded: raw.args[0]),
                                                     l4proto: Self.l4proto(type: raw.args[1], protocol: raw.args[2])))
            socketFd.closeOnExec = raw.args[1] & 0o2000000 != 0
            if known { process.fds.set(ret, socketFd) }
            change.fd = socketFd
        case .socketPair:
            guard let pair = Event.fdPair(raw, argument: 3) else { return }
            for number in [pair.0, pair.1] {
                let end = FdInfo(number: number, type: Self.socketFdType(family: raw.args[0]), path: .empty,
                                 nameRaw: .empty,
                                 socket: SocketInfo(family: UInt16(truncatingIfNeeded: raw.args[0]),
                                                    l4proto: Self.l4proto(type: raw.args[1], protocol: raw.args[2]),
                                                    connected: true))
                end.closeOnExec = raw.args[1] & 0o2000000 != 0
                process.fds.set(number, end)
            }
        case .connect:
            applyConnect(raw, process, &change)
        case .accept:
            applyAccept(info, raw, process, &change)
        case .bind:
            guard let address = Self.address(raw, argument: 1) else { return }
            let socketFd = socketFdCreatingIfNeeded(process, number: Self.fdValue(raw.args[0]), family: address.family)
            socketFd.socket?.local = address
        case .listen:
            let number = Self.fdValue(raw.args[0])
            process.fds[number]?.socket?.isServer = true
        case .datagram(let addressArgument):
            applyDatagram(info, raw, process, addressArgument: addressArgument, &change)
        case .pipe:
            guard let pair = Event.fdPair(raw, argument: 0) else { return }
            let cloexec = info.name == "pipe2" && raw.args[1] & 0o2000000 != 0
            for number in [pair.0, pair.1] {
                let end = FdInfo(number: number, type: .pipe, path: "pipe", nameRaw: "pipe")
                end.closeOnExec = cloexec
                process.fds.set(number, end)
            }
        case .newFd(let type, let nameArgument):
            if info.name.hasPrefix("signalfd") && Self.fdValue(raw.args[0]) != -1 { return }
            var name = Self.anonymousName(type)
            if let nameArgument, let given = raw.payload(.arg(nameArgument)) { name = name + given }
            let created = FdInfo(number: known ? ret : -1, type: type, path: name, nameRaw: name)
            if known { process.fds.set(ret, created) }
            change.fd = created
        case .chdir:
            let path = raw.payload(.resolvedPath) ?? raw.payload(.arg(0)).map {
                PathNormalization.resolve($0, against: process.cwd)
            }
            if let path, path.count > 0, path[offset: 0] == UInt8(ascii: "/") {
                process.cwd = directoryWithSlash(path)
            } else {
                process.cwd = nil
            }
        case .fchdir:
            if let dir = process.fds[Self.fdValue(raw.args[0])], dir.type == .directory || dir.type == .file,
               let path = dir.path {
                process.cwd = directoryWithSlash(path)
            } else {
                process.cwd = nil
            }
        case .execve:
            applyExec(info, raw, process)
        case .fork:
            change.thread = nil
            applyFork(info, raw, thread)
        case .exit:
            process.exitStatus = raw.returnValue
            processes.retire(thread)
        case .setUID(let argument), .setEffectiveUID(let argument):
            // A call that may have failed (seccomp) changes nothing: the next record's
            // credentials, read after it, say what it did.
            let uid = UInt32(truncatingIfNeeded: raw.args[argument])
            if known && uid != UInt32.max { process.uid = uid }
        case .setGID(let argument), .setEffectiveGID(let argument):
            let gid = UInt32(truncatingIfNeeded: raw.args[argument])
            if known && gid != UInt32.max { process.gid = gid }
        case .credentials:
            return  // the record's capability sets (`applyCapabilities`)
        case .setsid:
            guard known else { return }
            process.sid = Int32(truncatingIfNeeded: ret)
            process.pgid = Int32(truncatingIfNeeded: ret)
            process.sessionLeader = process
            process.groupLeader = process
            process.tty = 0  // a new session has no controlling terminal
        case .setpgid:
            let target = Int32(truncatingIfNeeded: raw.args[0])
            let group = Int32(truncatingIfNeeded: raw.args[1])
            let targetProcess = target == 0 ? process : processes.process(target)
            if let targetProcess {
                let pgid = group == 0 ? targetProcess.pid : group
                targetProcess.pgid = pgid
                targetProcess.groupLeader = pgid == targetProcess.pid ? targetProcess : processes.process(pgid)
            }
        }
    }

    static func fdValue(_ register: UInt64) -> Int64 { Int64(Int32(truncatingIfNeeded: register)) }

    private func duplicate(_ process: ProcessRecord, from old: Int64, to new: Int64, closeOnExec: Bool) {
        guard new >= 0 else { return }
        if let source = process.fds[old] {
            let copy = source.duplicate(as: new)
            copy.closeOnExec = closeOnExec
            process.fds.set(new, copy)
        } else {
            process.fds.remove(new)
        }
    }

    static func socketFdType(family: UInt64) -> FdType {
        switch UInt16(truncatingIfNeeded: family) {
        case SocketAddress.AF_INET: .ipv4
        case SocketAddress.AF_INET6: .ipv6
        case SocketAddress.AF_UNIX: .unix
        case 16: .netlink
        default: .unknown
        }
    }

    static func l4proto(type: UInt64, protocol proto: UInt64) -> L4Protocol {
        switch proto {
        case 6: return .tcp
        case 17: return .udp
        case 1, 58: return .icmp
        default: break
        }
        switch type & 0xF {
        case 1: return .tcp
        case 2: return .udp
        case 3: return .raw
        default: return .unknown
        }
    }

    static func anonymousName(_ type: FdType) -> ByteString {
        switch type {
        case .memfd: "memfd:"
        case .event: "anon_inode:[eventfd]"
        case .signalfd: "anon_inode:[signalfd]"
        case .eventpoll: "anon_inode:[eventpoll]"
        case .inotify: "anon_inode:inotify"
        case .timerfd: "anon_inode:[timerfd]"
        case .userfaultfd: "anon_inode:[userfaultfd]"
        case .ioUring: "anon_inode:[io_uring]"
        case .pidfd: "anon_inode:[pidfd]"
        case .bpf: "anon_inode:bpf"
        default: ""
        }
    }

    /// The socket fd `number`, created (for sockets opened before the capture) from `family`.
    func socketFdCreatingIfNeeded(_ process: ProcessRecord, number: Int64, family: UInt16) -> FdInfo {
        if let existing = process.fds[number], existing.socket != nil { return existing }
        let created = FdInfo(number: number, type: Self.socketFdType(family: UInt64(family)), path: .empty,
                             nameRaw: .empty, socket: SocketInfo(family: family, l4proto: .unknown))
        process.fds.set(number, created)
        return created
    }
}
