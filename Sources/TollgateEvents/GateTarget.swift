#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Whether a path names what a job could use against the gate's own processes in `/proc`.
enum GateTarget {
    /// The entries of `/proc/<pid>` (or `/proc/<pid>/task/<tid>`) that read or write a process's
    /// memory, environment or descriptors. Others (`stat`, `status`, `cmdline`) are what `ps`
    /// reads of every process, the gate's included. The backends stop opens of these but
    /// `environ` (tg_names_gate_entry), which `ps` also reads of every process.
    private static let entries: Set<ByteString> = [
        "mem", "environ", "maps", "smaps", "smaps_rollup", "pagemap", "auxv", "syscall", "stack", "fd", "fdinfo",
        "map_files",
    ]

    /// True when `path` (normalized) is one of `entries` of one of `gate`'s processes or of one
    /// of their threads (`/proc/<tid>` exists for threads too, unlisted), or below it.
    static func names(_ path: ByteString, _ gate: Set<Int32>) -> Bool {
        guard path.hasPrefix(procPrefix) else { return false } // the hot path: every open
        var components = path.bytes.split(separator: 0x2F, omittingEmptySubsequences: true).makeIterator()
        guard components.next().map({ ByteString(bytes: $0) }) == "proc", let first = components.next(),
              let id = processID(first), var entry = components.next() else { return false }
        if ByteString(bytes: entry) == "task" {
            guard let thread = components.next(), processID(thread) != nil, let next = components.next() else { return false }
            entry = next
        }
        guard entries.contains(ByteString(bytes: entry)) else { return false }
        return gate.contains(id) || gate.contains { access("/proc/\($0)/task/\(id)", F_OK) == 0 }
    }

    private static let procPrefix: ByteString = "/proc/"

    private static func processID(_ bytes: ArraySlice<UInt8>) -> Int32? {
        guard !bytes.isEmpty, bytes.count <= 9, bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return bytes.reduce(0) { $0 * 10 + Int32($1 - 0x30) }
    }
}
