/// Little-endian field writing and bounds-checked reading for the capture header and trailer.
extension [UInt8] {
    /// Appends a u32 length then the bytes.
    mutating func appendLengthPrefixed<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        appendLittleEndian(UInt32(truncatingIfNeeded: bytes.count))
        append(contentsOf: bytes)
    }

    /// Appends a u32 count then each string length-prefixed.
    mutating func appendStringList(_ strings: [ByteString]) {
        appendLittleEndian(UInt32(truncatingIfNeeded: strings.count))
        for string in strings { appendLengthPrefixed(string.bytes) }
    }
}

/// Reads the fields of one header or trailer section; any overrun becomes a `CaptureError`
/// with `code` at the offending byte, so the section's damage is always located.
struct CaptureFieldReader {
    let bytes: [UInt8]
    var position: Int
    /// Fields may not be read at or beyond this offset (the section's end).
    let end: Int
    let code: CaptureError.Code
    let section: String

    private mutating func take(_ n: Int, _ what: String) throws(CaptureError) -> Int {
        guard n >= 0, end - position >= n else {
            throw CaptureError(code, "\(section) field '\(what)' needs \(n) bytes but the \(section) has \(max(0, end - position)) left",
                               offset: position)
        }
        defer { position += n }
        return position
    }

    mutating func u8(_ what: String) throws(CaptureError) -> UInt8 { bytes[try take(1, what)] }

    mutating func u16(_ what: String) throws(CaptureError) -> UInt16 {
        let p = try take(2, what)
        return UInt16(bytes[p]) | UInt16(bytes[p + 1]) << 8
    }

    mutating func u32(_ what: String) throws(CaptureError) -> UInt32 {
        let p = try take(4, what)
        return bytes.readLittleEndianUInt32(at: p)
    }

    mutating func u64(_ what: String) throws(CaptureError) -> UInt64 {
        let p = try take(8, what)
        return UInt64(bytes.readLittleEndianUInt32(at: p)) | UInt64(bytes.readLittleEndianUInt32(at: p + 4)) << 32
    }

    mutating func i32(_ what: String) throws(CaptureError) -> Int32 { Int32(bitPattern: try u32(what)) }
    mutating func i64(_ what: String) throws(CaptureError) -> Int64 { Int64(bitPattern: try u64(what)) }

    /// A u32 length then that many bytes.
    mutating func string(_ what: String) throws(CaptureError) -> ByteString {
        let at = position
        let length = Int(try u32(what))
        guard length <= end - position else {
            throw CaptureError(code, "\(section) field '\(what)' length \(length) overruns the \(section) (\(end - position) bytes left)",
                               offset: at)
        }
        let p = try take(length, what)
        return ByteString(bytes[p..<(p + length)])
    }

    /// A u32 count then that many strings. The count is checked against the bytes left
    /// (each string takes at least 4), so a huge count fails fast instead of looping.
    mutating func stringList(_ what: String) throws(CaptureError) -> [ByteString] {
        let at = position
        let count = Int(try u32(what))
        guard count <= (end - position) / 4 else {
            throw CaptureError(code, "\(section) field '\(what)' count \(count) cannot fit in the \(section)", offset: at)
        }
        var strings: [ByteString] = []
        strings.reserveCapacity(count)
        for _ in 0..<count { strings.append(try string(what)) }
        return strings
    }
}
