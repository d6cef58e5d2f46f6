/// An exact byte string: paths, argv elements and other user memory that may not be UTF-8.
///
/// Backed by an `ArraySlice<UInt8>`, so slicing a payload out of a `RawEvent` does not copy.
/// Equality and hashing are by content. `description` is a lossless `String` when the bytes are
/// valid UTF-8, and a lossy (U+FFFD) rendering otherwise; `string` returns nil for non-UTF-8.
public struct ByteString: Sendable, Hashable, Comparable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    /// The bytes, exactly as captured.
    public let bytes: ArraySlice<UInt8>

    public init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }
    public init(_ bytes: [UInt8]) { self.bytes = bytes[...] }
    public init<S: Sequence>(bytes: S) where S.Element == UInt8 { self.bytes = ArraySlice(bytes) }
    /// The UTF-8 bytes of `string`.
    public init(_ string: String) { self.bytes = ArraySlice(string.utf8) }
    public init(stringLiteral value: String) { self.init(value) }

    public static let empty = ByteString([UInt8]())

    public var count: Int { bytes.count }
    public var isEmpty: Bool { bytes.isEmpty }

    /// The bytes as a `String` when they are valid UTF-8, else nil.
    public var string: String? {
        bytes.withUnsafeBufferPointer { buffer in
            String(validating: buffer, as: UTF8.self)
        }
    }

    /// A `String` rendering: exact when valid UTF-8, invalid sequences replaced by U+FFFD.
    public var description: String {
        bytes.withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) }
    }

    public static func == (lhs: ByteString, rhs: ByteString) -> Bool {
        lhs.bytes.elementsEqual(rhs.bytes)
    }

    public func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    public static func < (lhs: ByteString, rhs: ByteString) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }

    public func hasPrefix(_ prefix: ByteString) -> Bool {
        bytes.count >= prefix.count && bytes.prefix(prefix.count).elementsEqual(prefix.bytes)
    }

    public func hasSuffix(_ suffix: ByteString) -> Bool {
        bytes.count >= suffix.count && bytes.suffix(suffix.count).elementsEqual(suffix.bytes)
    }

    /// True when `needle` occurs as a contiguous run (the empty needle is always contained).
    public func contains(_ needle: ByteString) -> Bool { firstRange(of: needle) != nil }

    /// The offsets (relative to `startIndex` 0) of the first occurrence of `needle`.
    public func firstRange(of needle: ByteString) -> Range<Int>? {
        let n = needle.count, h = count
        if n == 0 { return 0..<0 }
        if n > h { return nil }
        return bytes.withUnsafeBufferPointer { hay in
            needle.bytes.withUnsafeBufferPointer { ndl in
                let first = ndl[0]
                var i = 0
                while i <= h - n {
                    if hay[i] == first {
                        var j = 1
                        while j < n && hay[i + j] == ndl[j] { j += 1 }
                        if j == n { return i..<(i + n) }
                    }
                    i += 1
                }
                return nil
            }
        }
    }

    /// The byte at offset `i` (0-based, whatever the slice's indices are).
    public subscript(offset i: Int) -> UInt8 { bytes[bytes.startIndex + i] }

    /// A sub-string by 0-based offsets.
    public func slice(_ range: Range<Int>) -> ByteString {
        let s = bytes.startIndex
        return ByteString(bytes[(s + range.lowerBound)..<(s + range.upperBound)])
    }

    /// Splits on every `separator` byte; a trailing separator does not add an empty element.
    public func split(separator: UInt8) -> [ByteString] {
        var parts: [ByteString] = []
        var start = bytes.startIndex
        var i = start
        while i < bytes.endIndex {
            if bytes[i] == separator {
                parts.append(ByteString(bytes[start..<i]))
                start = i + 1
            }
            i += 1
        }
        if start < bytes.endIndex { parts.append(ByteString(bytes[start..<bytes.endIndex])) }
        return parts
    }

    /// The part after the last `/` (empty when the string ends in `/`).
    public var lastPathComponent: ByteString {
        if let slash = bytes.lastIndex(of: UInt8(ascii: "/")) {
            return ByteString(bytes[(slash + 1)...])
        }
        return self
    }

    /// Everything before the last `/`; `/` for a top-level absolute path, empty when there is no slash.
    public var deletingLastPathComponent: ByteString {
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return .empty }
        if slash == bytes.startIndex { return ByteString("/") }
        return ByteString(bytes[bytes.startIndex..<slash])
    }

    /// Concatenation.
    public static func + (lhs: ByteString, rhs: ByteString) -> ByteString {
        var out = [UInt8]()
        out.reserveCapacity(lhs.count + rhs.count)
        out.append(contentsOf: lhs.bytes)
        out.append(contentsOf: rhs.bytes)
        return ByteString(out)
    }

    /// Joins parts with one separator byte between them.
    public static func joined(_ parts: [ByteString], separator: UInt8) -> ByteString {
        var out = [UInt8]()
        out.reserveCapacity(parts.reduce(parts.count) { $0 + $1.count })
        for (i, part) in parts.enumerated() {
            if i > 0 { out.append(separator) }
            out.append(contentsOf: part.bytes)
        }
        return ByteString(out)
    }
}
