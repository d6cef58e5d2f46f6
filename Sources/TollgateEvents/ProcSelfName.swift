/// Resolved names below the opener's own `/proc/<pid>` entry, written as the opener would name
/// them through `/proc/self/` (its own thread's: `/proc/thread-self/`). The file is the same;
/// rules, Falco's among them, tell a process's own /proc files from another's by these
/// prefixes, and a resolved name would otherwise carry the pid.
enum ProcSelfName {
    /// `path` with a leading `/proc/<pid>/task/<tid>` or `/proc/<pid>` replaced; else `path`.
    static func apply(_ path: ByteString, pid: Int32, tid: Int32) -> ByteString {
        let own = ByteString("/proc/\(pid)")
        guard path.hasPrefix(own), path.count == own.count || path.bytes[path.bytes.startIndex + own.count] == slash
        else { return path }
        let thread = ByteString("/proc/\(pid)/task/\(tid)")
        if path.hasPrefix(thread), path.count == thread.count || path.bytes[path.bytes.startIndex + thread.count] == slash {
            return ByteString(bytes: "/proc/thread-self".utf8 + path.bytes.dropFirst(thread.count))
        }
        return ByteString(bytes: "/proc/self".utf8 + path.bytes.dropFirst(own.count))
    }

    private static let slash = UInt8(ascii: "/")
}
