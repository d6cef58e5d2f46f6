/// Open-flag and path helpers (`evt.is_open_*`, `evt.abspath`, `fs.path.*`).
extension Event {
    /// Kernel open flags for open/openat/openat2/open_by_handle_at/creat (native values), else nil.
    public var openFlags: UInt64? {
        guard case .open(_, _, let flagsArgument) = info.effect else { return nil }
        if let flagsArgument { return raw.args[flagsArgument] & 0xFFFF_FFFF }
        if info.name == "creat" { return 0o1101 }  // O_CREAT | O_WRONLY | O_TRUNC
        return openHowField(0)
    }

    /// `evt.is_open_read`: an open-like call with read access.
    public var isOpenRead: Bool {
        guard let flags = openFlags, !isPathOnly(flags) else { return false }
        return flags & 3 == 0 || flags & 3 == 2
    }

    /// `evt.is_open_write`: an open-like call with write access.
    public var isOpenWrite: Bool {
        guard let flags = openFlags, !isPathOnly(flags) else { return false }
        return flags & 3 == 1 || flags & 3 == 2
    }

    /// `evt.is_open_create`: an open-like call that may create the file (O_CREAT or O_TMPFILE).
    public var isOpenCreate: Bool {
        guard let flags = openFlags else { return false }
        return flags & 0o100 != 0 || flags & 0o20000000 != 0
    }

    /// `evt.is_open_exec`: a creating open whose mode has an execute bit.
    public var isOpenExec: Bool {
        guard isOpenCreate, let mode = argument(named: "mode")?.integer else { return false }
        return mode & 0o111 != 0
    }

    private func isPathOnly(_ flags: UInt64) -> Bool { flags & 0o10000000 != 0 }

    /// `evt.abspath`-style resolution of a path parameter: relative paths are joined to their
    /// dirfd's path (or the cwd for AT_FDCWD / plain paths) and normalised. Nil when the path
    /// or its base is unknown. Symlink targets (`symlink`'s `target`) are returned as given.
    public func absolutePath(parameterAt index: Int) -> ByteString? {
        guard index >= 0, index < info.parameters.count,
            case .argument(let i) = info.parameters[index].source, i < info.arguments.count
        else { return nil }
        guard let path = argument(at: index)?.byteString else { return nil }
        switch info.arguments[i].type {
        case .path:
            return PathNormalization.resolve(path, against: process.cwd)
        case .relativePath(let dirfdArgument):
            return PathNormalization.resolve(path, against: baseDirectory(dirfd: raw.args[dirfdArgument]))
        default:
            return path
        }
    }

    /// The directory a dirfd names: the cwd for AT_FDCWD, the fd's path otherwise.
    func baseDirectory(dirfd register: UInt64) -> ByteString? {
        let dirfd = Int64(Int32(truncatingIfNeeded: register))
        if dirfd == -100 { return process.cwd }
        guard let fd = process.fds[dirfd], fd.type == .directory || fd.type == .file else { return nil }
        return fd.path
    }

    /// `fs.path.*`: the path an fs syscall operates on, and for two-path calls (rename, link,
    /// symlink) the source and target. `raw` variants are the paths as passed.
    public var fsPath: FilesystemPaths? {
        let indexes = info.fsPathParameters
        guard indexes.name != nil || (indexes.source != nil && indexes.target != nil) else { return nil }
        return FilesystemPaths(
            name: fsPath(.name), nameRaw: fsPath(.nameRaw), source: fsPath(.source), sourceRaw: fsPath(.sourceRaw),
            target: fsPath(.target), targetRaw: fsPath(.targetRaw))
    }

    /// One `fs.path.*` value, computing only that one (rules read a single part per check).
    public func fsPath(_ part: FilesystemPaths.Part) -> ByteString? {
        let indexes = info.fsPathParameters
        if let source = indexes.source, let target = indexes.target {
            switch part {
            case .name, .nameRaw: return nil
            case .source: return absolutePath(parameterAt: source)
            case .sourceRaw: return argument(at: source)?.byteString
            case .target: return absolutePath(parameterAt: target)
            case .targetRaw: return argument(at: target)?.byteString
            }
        }
        guard let single = indexes.name else { return nil }
        switch part {
        case .name:
            if let fd, fd.type == .file || fd.type == .directory, case .open = info.effect { return fd.path }
            return absolutePath(parameterAt: single)
        case .nameRaw: return argument(at: single)?.byteString
        case .source, .sourceRaw, .target, .targetRaw: return nil
        }
    }
}

/// The `fs.path.*` values of one event.
public struct FilesystemPaths: Sendable, Equatable {
    /// One of the values, for `Event.fsPath(_:)`.
    public enum Part: Sendable {
        case name, nameRaw, source, sourceRaw, target, targetRaw
    }

    public let name: ByteString?
    public let nameRaw: ByteString?
    public let source: ByteString?
    public let sourceRaw: ByteString?
    public let target: ByteString?
    public let targetRaw: ByteString?
}
