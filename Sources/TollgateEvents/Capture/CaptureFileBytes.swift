#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a whole capture file into memory.
enum CaptureFileBytes {
    static func read(_ path: String) throws(CaptureError) -> [UInt8] {
        guard let file = fopen(path, "rb") else {
            throw CaptureError(.unreadable, "cannot open the capture file: \(String(cString: strerror(errno)))", offset: nil)
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        if fseek(file, 0, SEEK_END) == 0 {
            let size = ftell(file)
            if size > 0 { bytes.reserveCapacity(Int(size)) }
            rewind(file)
        }
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = fread(&chunk, 1, chunk.count, file)
            if n > 0 { bytes.append(contentsOf: chunk[0..<n]) }
            if n < chunk.count {
                if ferror(file) != 0 {
                    throw CaptureError(.unreadable, "cannot read the capture file: \(String(cString: strerror(errno)))", offset: bytes.count)
                }
                break
            }
        }
        return bytes
    }
}
