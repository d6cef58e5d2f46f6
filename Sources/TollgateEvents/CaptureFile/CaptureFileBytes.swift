#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a whole capture file into memory. Only a regular file is one: a folder, FIFO,
/// device or socket is refused as unreadable before anything is read from it.
enum CaptureFileBytes {
    static func read(_ path: String) throws(CaptureError) -> [UInt8] {
        // Checked before opening, so that opening a FIFO cannot block; opened without
        // blocking and checked again on the descriptor, in case the path changed between.
        var status = stat()
        guard stat(path, &status) == 0 else { throw unreadable("cannot open the capture file") }
        try requireRegular(status.st_mode)
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw unreadable("cannot open the capture file") }
        defer { close(fd) }
        guard fstat(fd, &status) == 0 else { throw unreadable("cannot read the capture file") }
        try requireRegular(status.st_mode)
        var bytes: [UInt8] = []
        if status.st_size > 0 { bytes.reserveCapacity(Int(status.st_size)) }
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { readSome(fd, $0) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw unreadable("cannot read the capture file", offset: bytes.count) }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return bytes
    }

    private static func requireRegular(_ mode: mode_t) throws(CaptureError) {
        let kind: String
        switch mode & S_IFMT {
        case S_IFREG: return
        case S_IFDIR: kind = "a folder"
        case S_IFIFO: kind = "a FIFO"
        case S_IFCHR: kind = "a character device"
        case S_IFBLK: kind = "a block device"
        case S_IFSOCK: kind = "a socket"
        default: kind = "a special file"
        }
        throw CaptureError(.unreadable, "cannot read the capture file: it is \(kind), not a capture file", offset: nil)
    }

    private static func unreadable(_ what: String, offset: Int? = nil) -> CaptureError {
        CaptureError(.unreadable, "\(what): \(String(cString: strerror(errno)))", offset: offset)
    }
}

/// read(2) at file scope, where `read` is not `CaptureFileBytes.read`.
private func readSome(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer) -> Int {
    read(fd, buffer.baseAddress, buffer.count)
}
