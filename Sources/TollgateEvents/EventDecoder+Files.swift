/// open/openat/openat2/creat/open_by_handle_at: the new fd with its resolved and raw names.
///
/// The resolved name is the capture's (`resolvedPath`: the file actually opened, from the
/// kernel) when it sent one; otherwise the path as passed, joined to its cwd or dirfd and
/// normalised without following symlinks (Falco's fd.name).
extension EventDecoder {
    func applyOpen(
        _ info: SyscallInfo, _ raw: RawEvent, _ process: ProcessRecord, pathArgument: Int, dirfdArgument: Int?,
        register: Bool, _ change: inout StateChange
    ) {
        // A path the backend could not read leaves the name unknown (`<NA>`), never empty.
        let nameRaw = raw.payload(.arg(pathArgument)) ?? raw.payload(.resolvedPath)
        let name: ByteString?
        if let resolved = raw.payload(.resolvedPath) {
            name = ProcSelfName.apply(resolved, pid: process.pid, tid: raw.tid)
        } else if let nameRaw {
            let base: ByteString?
            if let dirfdArgument {
                let dirfd = Self.fdValue(raw.args[dirfdArgument])
                if dirfd == -100 {
                    base = process.cwd
                } else if let dir = process.fds[dirfd], dir.type == .directory || dir.type == .file {
                    base = dir.path
                } else {
                    base = nil
                }
            } else {
                base = process.cwd
            }
            name = PathNormalization.resolve(nameRaw, against: base)
        } else {
            name = nil
        }
        let flags = openFlags(info, raw)
        let directoryBit: UInt64 = arch == .arm64 ? 0o40000 : 0o200000
        let isDirectory = flags & directoryBit != 0 && flags & 0o20000000 == 0
        let opened = FdInfo(number: register ? raw.returnValue : -1, type: isDirectory ? .directory : .file,
                            path: name, nameRaw: nameRaw, openFlags: flags)
        opened.closeOnExec = flags & 0o2000000 != 0
        if register { process.fds.set(raw.returnValue, opened) }
        change.fd = opened
    }

    private func openFlags(_ info: SyscallInfo, _ raw: RawEvent) -> UInt64 {
        guard case .open(_, _, let flagsArgument) = info.effect else { return 0 }
        if let flagsArgument { return raw.args[flagsArgument] & 0xFFFF_FFFF }
        if info.name == "creat" { return 0o1101 }
        guard let how = raw.payload(.arg(2)), how.count >= 8 else { return 0 }
        var value: UInt64 = 0
        for i in 0..<8 { value |= UInt64(how[offset: i]) << UInt64(8 * i) }
        return value
    }
}
