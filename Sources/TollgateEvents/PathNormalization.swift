/// Path arithmetic on exact bytes, as Falco does for `fd.name`: join a relative path to its
/// base directory, collapse `//`, drop `.` and resolve `..` lexically (no symlink resolution).
enum PathNormalization {
    private static let slash = UInt8(ascii: "/")
    private static let dot = UInt8(ascii: ".")

    /// `path` made absolute against `base` (an absolute directory) and normalised. A relative
    /// path with no base stays relative (normalised).
    static func resolve(_ path: ByteString, against base: ByteString?) -> ByteString {
        if path.count > 0 && path[offset: 0] == slash {
            return isNormalized(path) ? path : normalize(path, then: nil)
        }
        guard let base else { return normalize(path, then: nil) }
        return normalize(base, then: path)
    }

    /// True when an absolute path has no `//`, `/./`, `/../`, trailing `/.`/`/..` or trailing `/`.
    /// Only the bytes after each `/` matter (`ByteScan` finds the slashes).
    static func isNormalized(_ path: ByteString) -> Bool {
        path.bytes.withUnsafeBufferPointer { b in
            let n = b.count
            if n == 1 { return true }
            if b[n - 1] == slash { return false }
            func clean(afterSlashAt i: Int) -> Bool {
                guard i + 1 < n else { return true }
                let next = b[i + 1]
                if next == slash { return false }
                guard next == dot else { return true }
                let afterDot = i + 2
                if afterDot == n || b[afterDot] == slash { return false }
                return !(b[afterDot] == dot && (afterDot + 1 == n || b[afterDot + 1] == slash))
            }
            return ByteScan.forEach(slash, in: b, from: 0, to: n) { clean(afterSlashAt: $0) }
        }
    }

    static func normalize(_ path: ByteString) -> ByteString { normalize(path, then: nil) }

    /// Normalises `first` followed by `second` (joined with `/`) in one pass, one allocation.
    static func normalize(_ first: ByteString, then second: ByteString?) -> ByteString {
        let absolute = first.count > 0 && first[offset: 0] == slash
        var out = [UInt8]()
        out.reserveCapacity(first.count + (second?.count ?? 0) + 2)
        if absolute { out.append(slash) }
        let root = out.count
        var depth = 0  // real segments in `out` (not counting leading `..` of a relative path)
        func add(_ bytes: ArraySlice<UInt8>) {
            bytes.withUnsafeBufferPointer { b in
                var i = 0
                let n = b.count
                while i < n {
                    while i < n && b[i] == slash { i += 1 }
                    let start = i
                    while i < n && b[i] != slash { i += 1 }
                    let length = i - start
                    if length == 0 || (length == 1 && b[start] == dot) { continue }
                    if length == 2 && b[start] == dot && b[start + 1] == dot {
                        if depth > 0 {
                            var cut = out.count - 1
                            while cut >= root && out[cut] != slash { cut -= 1 }
                            out.removeSubrange(max(cut, root)..<out.count)
                            depth -= 1
                        } else if !absolute {
                            if out.count > root { out.append(slash) }
                            out.append(dot)
                            out.append(dot)
                        }
                        continue
                    }
                    if out.count > root { out.append(slash) }
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: b[start..<i]))
                    depth += 1
                }
            }
        }
        add(first.bytes)
        if let second { add(second.bytes) }
        if out.isEmpty { out.append(dot) }
        return ByteString(out)
    }
}
