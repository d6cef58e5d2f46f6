#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a file so readers see either the old file or the complete new one, never a part:
/// the bytes go to a temporary file in the destination's folder, which is synced and then
/// renamed over the destination. If writing fails, or the process dies mid-write, the
/// destination is untouched (a killed process may leave a `.<name>.tollgate-*.tmp` behind).
///
/// Only regular files are replaced (`ReportDestination`): a trusted symlink's target is
/// replaced, not the link (another user's link is replaced itself); a character device, FIFO or
/// unix socket is written into as a stream; a folder or block device is an error.
public enum AtomicFile {
    /// Writes `text` (UTF-8) to `path`.
    public static func write(_ text: String, to path: String) throws(ReportWriteError) {
        try write(to: path) { (sink: inout Sink) throws(ReportWriteError) in sink.write(text) }
    }

    /// `write(_:to:)` with another limit on how long a stream may refuse bytes (tests).
    static func write(_ text: String, to path: String, streamTimeout: Duration) throws(ReportWriteError) {
        try write(to: path, streamTimeout: streamTimeout) { (sink: inout Sink) throws(ReportWriteError) in sink.write(text) }
    }

    /// Streams a file through `body`, then publishes it at `path`. Errors from `body` are
    /// `ReportWriteError`s; on any error the temporary file is removed.
    public static func write(
        to path: String, streamTimeout: Duration = streamTimeout, _ body: (inout Sink) throws(ReportWriteError) -> Void
    ) throws(ReportWriteError) {
        switch try ReportDestination.resolve(path) {
        case .replace(let file): try replace(file, reportPath: path, body)
        case .stream(let file, let append):
            try stream(try openStream(file, append: append, reportPath: path), reportPath: path, timeout: streamTimeout, body)
        case .socket(let file): try stream(try connect(file, reportPath: path), reportPath: path, timeout: streamTimeout, body)
        }
    }

    /// How long a stream (FIFO, terminal, socket) may refuse more bytes before the report is
    /// given up: a reader that stopped reading must not hang the gate.
    public static let streamTimeout: Duration = .seconds(10)

    /// Writes through `body` into an open, non-blocking stream descriptor, then closes it. A
    /// reader that goes away is an error (`EPIPE`), not a `SIGPIPE` that kills the gate.
    private static func stream(
        _ fd: Int32, reportPath: String, timeout: Duration, _ body: (inout Sink) throws(ReportWriteError) -> Void
    ) throws(ReportWriteError) {
        defer { close(fd) }
        var pipeSignal = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        var previous = sigset_t()
        pthread_sigmask(SIG_BLOCK, &pipeSignal, &previous)
        defer {
            // Drop the SIGPIPE a broken stream left pending, then restore the mask.
            var none = timespec()
            while sigtimedwait(&pipeSignal, nil, &none) == SIGPIPE {}
            pthread_sigmask(SIG_SETMASK, &previous, nil)
        }
        var sink = Sink(fd: fd, path: reportPath, streamTimeout: timeout)
        try body(&sink)
        try sink.flush()
    }

    /// A device or FIFO opened for writing, non-blocking: opening a FIFO nobody reads fails at
    /// once, and writes wait at most `streamTimeout` for room.
    static func openStream(_ file: String, append: Bool, reportPath: String) throws(ReportWriteError) -> Int32 {
        let fd = open(file, O_WRONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | (append ? O_APPEND : 0))
        if fd < 0 {
            if errno == ENXIO { throw ReportWriteError(path: reportPath, reason: "no process is reading this FIFO", step: "open it for writing") }
            throw failure(reportPath, "open it for writing")
        }
        return fd
    }

    /// A stream connection to a listening unix socket.
    static func connect(_ file: String, reportPath: String) throws(ReportWriteError) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw failure(reportPath, "create a socket") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(file.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else {
            close(fd)
            throw ReportWriteError(path: reportPath, reason: "the socket path is too long", step: "connect to the socket")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            let error = failure(reportPath, "connect to the socket")
            close(fd)
            throw error
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        return fd
    }

    /// The atomic replacement of a regular file (or a new one) at `file`.
    private static func replace(
        _ path: String, reportPath: String, _ body: (inout Sink) throws(ReportWriteError) -> Void
    ) throws(ReportWriteError) {
        let (fd, temporaryPath) = try createTemporary(beside: path)
        keepOwnership(of: path, on: fd)
        var sink = Sink(fd: fd, path: path, streamTimeout: nil)
        do throws(ReportWriteError) {
            try body(&sink)
            try sink.flush()
            if fsync(fd) != 0 { throw failure(path, "sync the file to disk") }
        } catch {
            close(fd)
            unlink(temporaryPath)
            throw error
        }
        if close(fd) != 0 {
            let error = failure(path, "close the file")
            unlink(temporaryPath)
            throw error
        }
        if rename(temporaryPath, path) != 0 {
            let error = failure(path, "rename the temporary file over it")
            unlink(temporaryPath)
            throw error
        }
        syncDirectory(of: path)
    }

    /// A replaced file keeps the permissions it had (a private 0600 report stays private), and,
    /// when the gate runs as root, its owner. Best effort: the new file is written either way.
    private static func keepOwnership(of path: String, on fd: Int32) {
        var old = stat()
        guard lstat(path, &old) == 0, old.st_mode & S_IFMT == S_IFREG else { return }
        _ = fchmod(fd, old.st_mode & 0o777)
        if geteuid() == 0 { _ = fchown(fd, old.st_uid, old.st_gid) }
    }

    /// Buffered writer into the temporary file, or into a stream until its deadline.
    public struct Sink {
        fileprivate let fd: Int32
        fileprivate let path: String
        /// For a non-blocking stream: how long the reader may take to make room in all, and
        /// when that runs out.
        private let timeout: Duration
        private let deadline: ContinuousClock.Instant?
        private var buffer: [UInt8] = []
        private var pendingError: ReportWriteError?
        private static let capacity = 64 * 1024

        /// `streamTimeout`: nil for a file, which never makes the writer wait for room.
        fileprivate init(fd: Int32, path: String, streamTimeout: Duration?) {
            self.fd = fd
            self.path = path
            self.timeout = streamTimeout ?? .zero
            self.deadline = streamTimeout.map { ContinuousClock.now + $0 }
            buffer.reserveCapacity(Sink.capacity)
        }

        /// Appends the UTF-8 bytes of `text`. A failed write is reported by the next `flush`.
        public mutating func write(_ text: String) {
            buffer.append(contentsOf: text.utf8)
            flushIfFull()
        }

        /// Appends raw bytes.
        public mutating func write(bytes: [UInt8]) {
            buffer.append(contentsOf: bytes)
            flushIfFull()
        }

        private mutating func flushIfFull() {
            if buffer.count >= Sink.capacity, pendingError == nil {
                do { try flush() } catch { pendingError = error }
            }
        }

        /// Writes out what is buffered.
        public mutating func flush() throws(ReportWriteError) {
            if let pendingError { throw pendingError }
            var written = 0
            while written < buffer.count {
                let result = buffer[written...].withUnsafeBytes { systemWrite(fd, $0.baseAddress, $0.count) }
                if result < 0 {
                    if errno == EINTR { continue }
                    if errno == EAGAIN, let deadline {
                        if waitWritable(until: deadline) { continue }
                        let error = ReportWriteError(path: path, reason: "nothing read it for \(timeout)", step: "write")
                        pendingError = error
                        throw error
                    }
                    let error = AtomicFile.failure(path, "write")
                    pendingError = error
                    throw error
                }
                written += result
            }
            buffer.removeAll(keepingCapacity: true)
        }

        /// Waits until the stream takes more bytes; false when `deadline` passed first.
        private func waitWritable(until deadline: ContinuousClock.Instant) -> Bool {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return false }
            let milliseconds = Int32(clamping: left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1)
            var descriptor = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            return poll(&descriptor, 1, milliseconds) > 0
        }
    }

    private static func createTemporary(beside path: String) throws(ReportWriteError) -> (Int32, String) {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard !name.isEmpty else {
            throw ReportWriteError(path: path, reason: "Is a directory", step: "create a temporary file")
        }
        for _ in 0..<8 {
            let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 36)
            let temporaryPath = "\(folder).\(name).tollgate-\(getpid())-\(suffix).tmp"
            let fd = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if fd >= 0 { return (fd, temporaryPath) }
            if errno != EEXIST { throw failure(path, "create a temporary file") }
        }
        throw failure(path, "create a temporary file")
    }

    /// Makes the rename durable; best effort (some file systems refuse to sync folders).
    private static func syncDirectory(of path: String) {
        let folder = path.lastIndex(of: "/").map { String(path[...$0]) } ?? "."
        let fd = open(folder, O_RDONLY | O_CLOEXEC)
        if fd >= 0 {
            _ = fsync(fd)
            close(fd)
        }
    }

    static func failure(_ path: String, _ step: String) -> ReportWriteError {
        let code = errno
        let reason = strerror(code).map { String(cString: $0) } ?? "error \(code)"
        return ReportWriteError(path: path, reason: reason, step: step)
    }
}

/// `write(2)`, named apart from `Sink.write`.
@inline(__always)
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(fd, buffer, count)
}
