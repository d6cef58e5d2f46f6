/// Path arithmetic on exact bytes, as Falco does for `fd.name`: join a relative path to its
/// base directory, collapse `//`, drop `.` and resolve `..` lexically (no symlink resolution).
enum PathNormalization {
    private static let slash = UInt8(ascii: "/")
    private static let dot = UInt8(ascii: ".")

    /// `path` made absolute against `base` (an absolute directory) and normalised. A relative
    /// path with no base stays relative (normalised).
    static func resolve(_ path: ByteString, against base: ByteString?) -> ByteString {
        if path.count > 0 && path[offset: 0] == slash {
            return isNormalized(path) ? path : normalize(path)
        }
        guard let base else { return normalize(path) }
        if path.isEmpty { return normalize(base) }
        var joined = [UInt8]()
        joined.reserveCapacity(base.count + 1 + path.count)
        joined.append(contentsOf: base.bytes)
        joined.append(slash)
        joined.append(contentsOf: path.bytes)
        return normalize(ByteString(joined))
    }

    /// True when an absolute path has no `//`, `/./`, `/../`, trailing `/.`/`/..` or trailing `/`.
    static func isNormalized(_ path: ByteString) -> Bool {
        path.bytes.withUnsafeBufferPointer { b in
            let n = b.count
            if n == 1 { return true }
            if b[n - 1] == slash { return false }
            var i = 0
            while i < n {
                if b[i] == slash {
                    if i + 1 < n && b[i + 1] == slash { return false }
                    if i + 1 < n && b[i + 1] == dot {
                        let afterDot = i + 2
                        if afterDot == n || b[afterDot] == slash { return false }
                        if b[afterDot] == dot && (afterDot + 1 == n || b[afterDot + 1] == slash) { return false }
                    }
                }
                i += 1
            }
            return true
        }
    }

    static func normalize(_ path: ByteString) -> ByteString {
        let absolute = path.count > 0 && path[offset: 0] == slash
        var parts: [ArraySlice<UInt8>] = []
        for part in path.bytes.split(separator: slash, omittingEmptySubsequences: true) {
            if part.count == 1 && part.first == dot { continue }
            if part.count == 2 && part.first == dot && part.last == dot {
                if let last = parts.last, !(last.count == 2 && last.first == dot && last.last == dot) {
                    parts.removeLast()
                } else if !absolute {
                    parts.append(part)
                }
                continue
            }
            parts.append(part)
        }
        var out = [UInt8]()
        out.reserveCapacity(path.count + 1)
        if absolute { out.append(slash) }
        for (i, part) in parts.enumerated() {
            if i > 0 { out.append(slash) }
            out.append(contentsOf: part)
        }
        if out.isEmpty && !absolute { out.append(dot) }
        return ByteString(out)
    }
}
