#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension AtomicFile {
    /// Appends `text` to the file at `path` (created when missing) without ever exposing a
    /// half-written file: the old content plus `text` are written to a temporary file that
    /// replaces the old one. For `$GITHUB_STEP_SUMMARY`, which earlier commands of the same
    /// step may have written to. Not for files other processes append to concurrently.
    /// A device, FIFO or socket (`ReportDestination`) is appended to in place.
    public static func append(_ text: String, to path: String) throws(ReportWriteError) {
        guard case .replace(let file) = try ReportDestination.resolve(path) else {
            try write(text, to: path)
            return
        }
        let existing = try readAll(file, limit: maximumAppendedFileSize)
        try write(to: file) { (sink: inout Sink) throws(ReportWriteError) in
            sink.write(bytes: existing)
            sink.write(text)
        }
    }

    /// The largest file `append` rewrites (GitHub accepts 1 MiB per step summary): a job must
    /// not make the gate copy a 10 GB file.
    static let maximumAppendedFileSize = 16 << 20

    /// The file's bytes; empty when it does not exist; an error past `limit` bytes.
    private static func readAll(_ path: String, limit: Int) throws(ReportWriteError) -> [UInt8] {
        // Never through a symlink: an untrusted one (`ReportDestination`) is replaced, not read.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        if fd < 0 {
            if errno == ENOENT || errno == ELOOP { return [] }
            throw failure(path, "read the existing file")
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure(path, "read the existing file")
            }
            if count == 0 { return bytes }
            bytes += chunk[..<count]
            if bytes.count > limit {
                throw ReportWriteError(path: path, reason: "the existing file is larger than \(limit >> 20) MiB", step: "read the existing file")
            }
        }
    }
}
