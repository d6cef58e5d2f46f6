/// Condition text being prepared for parsing, with the file location of every byte.
///
/// List substitution, macro `append` and exception text change the text; each step carries the
/// locations along, so a parse error points at the file position the offending text came from.
package struct ConditionText: Sendable {
    package var bytes: [UInt8]
    package var origins: [SourceLocation]
    /// Where text with no origin (end of input) is reported.
    package var fallback: SourceLocation

    package init(bytes: [UInt8], origins: [SourceLocation], fallback: SourceLocation) {
        self.bytes = bytes
        self.origins = origins
        self.fallback = fallback
    }

    /// Text with every byte mapped to one location (generated text, tests).
    package init(_ string: String, at location: SourceLocation) {
        bytes = Array(string.utf8)
        origins = Array(repeating: location, count: bytes.count)
        fallback = location
    }

    /// The text of a YAML scalar, mapped byte by byte to its file.
    package init(scalar: YAMLScalar, in file: SourceFile) {
        bytes = Array(scalar.string.utf8)
        origins = ScalarOrigin.offsets(of: scalar, in: file).map { file.location(ofByte: $0) }
        fallback = scalar.location
    }

    package var string: String { String(decoding: bytes, as: UTF8.self) }

    package func location(at offset: Int) -> SourceLocation {
        if offset < origins.count { return origins[offset] }
        return origins.last.map { SourceLocation(file: $0.file, line: $0.line, column: $0.column + 1) } ?? fallback
    }

    package mutating func append(_ other: ConditionText) {
        bytes += other.bytes
        origins += other.origins
    }

    package mutating func append(_ string: String, at location: SourceLocation) {
        append(ConditionText(string, at: location))
    }
}
