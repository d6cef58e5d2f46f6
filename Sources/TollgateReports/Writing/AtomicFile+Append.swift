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
        let existing = try readAll(file)
        try write(to: file) { (sink: inout Sink) throws(ReportWriteError) in
            sink.write(bytes: existing)
            sink.write(text)
        }
    }

    /// The file's bytes; empty when it does not exist.
    private static func readAll(_ path: String) throws(ReportWriteError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return [] }
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
        }
    }
}
