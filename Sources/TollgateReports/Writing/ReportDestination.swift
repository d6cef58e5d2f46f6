#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What a report path names, decided before anything is written, so that the gate never
/// replaces a file it does not own: a device, FIFO or socket is written into as a stream, a
/// symlink is followed to the file it names, and a folder or block device is refused.
///
/// Only symlinks owned by root or by the gate's own user are followed, as the kernel's
/// `protected_symlinks` would have it: a job running as another user could otherwise plant
/// `report.sarif -> /etc/ld.so.preload` for a root gate to write through. Such a link is
/// replaced itself, like a regular file.
enum ReportDestination: Equatable {
    /// A regular file, or none yet: written to a temporary file renamed over this path.
    case replace(String)
    /// A character device or FIFO (or a descriptor's `/proc/*/fd/N` link): opened and written
    /// in place; `append` for a regular file reached through a descriptor link, so what the
    /// descriptor's owner wrote before stays.
    case stream(String, append: Bool)
    /// A listening unix socket: connected to and written to.
    case socket(String)

    /// Symlinks followed before giving up (the kernel's own limit).
    static let maximumLinks = 40

    static func resolve(_ path: String) throws(ReportWriteError) -> ReportDestination {
        var current = path
        for _ in 0...maximumLinks {
            var status = stat()
            if lstat(current, &status) != 0 {
                if errno == ENOENT { return .replace(current) }
                throw AtomicFile.failure(path, "inspect the destination")
            }
            switch status.st_mode & S_IFMT {
            case S_IFREG: return .replace(current)
            case S_IFCHR, S_IFIFO: return .stream(current, append: false)
            case S_IFSOCK: return .socket(current)
            case S_IFDIR: throw ReportWriteError(path: path, reason: "Is a directory", step: "inspect the destination")
            case S_IFBLK:
                throw ReportWriteError(path: path, reason: "is a block device, which tollgate never writes a report into", step: "inspect the destination")
            case S_IFLNK:
                guard status.st_uid == 0 || status.st_uid == geteuid() else { return .replace(current) }
                if isDescriptorLink(current) { return try descriptor(current, reportPath: path) }
                current = try target(of: current, reportPath: path)
            default:
                throw ReportWriteError(path: path, reason: "is not a regular file, device, FIFO or socket", step: "inspect the destination")
            }
        }
        throw ReportWriteError(path: path, reason: "Too many levels of symbolic links", step: "inspect the destination")
    }

    /// `/proc/<pid>/fd/N` (and `/proc/self/fd/N`, which `/dev/stdout` and `/dev/fd/N` lead
    /// to): a link to an open file description, not to a path to replace.
    private static func isDescriptorLink(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        return parts.count == 4 && parts[0] == "proc" && parts[2] == "fd"
    }

    private static func descriptor(_ link: String, reportPath: String) throws(ReportWriteError) -> ReportDestination {
        var status = stat()
        guard stat(link, &status) == 0 else { throw AtomicFile.failure(reportPath, "inspect the destination") }
        switch status.st_mode & S_IFMT {
        case S_IFREG: return .stream(link, append: true)
        case S_IFCHR, S_IFIFO: return .stream(link, append: false)
        default:
            throw ReportWriteError(path: reportPath, reason: "is a descriptor tollgate cannot reopen for writing", step: "inspect the destination")
        }
    }

    /// The path a symlink names, resolved against the link's folder when relative.
    private static func target(of link: String, reportPath: String) throws(ReportWriteError) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink(link, &buffer, buffer.count - 1)
        guard length > 0 else { throw AtomicFile.failure(reportPath, "read the symbolic link") }
        let target = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if target.hasPrefix("/") { return target }
        guard let slash = link.lastIndex(of: "/") else { return target }
        return String(link[...slash]) + target
    }
}
