/// Why a capture file cannot be read, where, and in which record.
///
/// Rendered as `record 12 at byte 4096: length 4294967295 exceeds ... [CAPTURE_BAD_LENGTH]`;
/// the CLI prefixes `FILE: error: `.
public struct CaptureError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable code per kind of damage, printed in brackets.
    public enum Code: String, Sendable, CaseIterable {
        /// The file could not be opened or read.
        case unreadable = "CAPTURE_UNREADABLE"
        /// The first 8 bytes are not the capture magic: not a tollgate capture.
        case badMagic = "CAPTURE_BAD_MAGIC"
        /// A format (or record encoding) version this build does not read.
        case badVersion = "CAPTURE_BAD_VERSION"
        /// The header is cut short or inconsistent.
        case badHeader = "CAPTURE_BAD_HEADER"
        /// The file ends before its trailer: the writer died or the file was cut.
        case truncated = "CAPTURE_TRUNCATED"
        /// A record's length prefix is impossible (below the record header or above the limit).
        case badLength = "CAPTURE_BAD_LENGTH"
        /// A record's content is invalid (kind, flags, payload layout).
        case badRecord = "CAPTURE_BAD_RECORD"
        /// The trailer (counters, footer) is damaged.
        case badTrailer = "CAPTURE_BAD_TRAILER"
        /// Every structure parses but the CRC-32C does not match: bits changed somewhere.
        case badChecksum = "CAPTURE_BAD_CHECKSUM"
    }

    public let code: Code
    public let message: String
    /// Absolute byte offset of the problem in the file, when known.
    public let offset: Int?
    /// 1-based number of the record being read, when the problem is in the records.
    public let record: Int?

    public init(_ code: Code, _ message: String, offset: Int?, record: Int? = nil) {
        self.code = code
        self.message = message
        self.offset = offset
        self.record = record
    }

    public var description: String {
        var place: [String] = []
        if let record { place.append("record \(record)") }
        if let offset { place.append(record == nil ? "byte \(offset)" : "at byte \(offset)") }
        let prefix = place.isEmpty ? "" : place.joined(separator: " ") + ": "
        return "\(prefix)\(message) [\(code.rawValue)]"
    }

    /// A record decoding failure of record `number`, classified: impossible lengths are
    /// `badLength`, running past the end of the file is `truncated`, the rest `badRecord`.
    init(_ error: RawEventDecodingError, record number: Int, fileLength: Int) {
        let text = Self.reasonText(error.reason)
        switch error.reason {
        case .recordTooShort, .recordTooLong:
            self.init(.badLength, text, offset: error.offset, record: number)
        case .truncated(let needed, let available):
            self.init(.truncated, "file ends inside the record: it needs \(needed) bytes, \(available) are present",
                      offset: error.offset, record: number)
        case .unsupportedVersion:
            self.init(.badVersion, text, offset: error.offset, record: number)
        default:
            self.init(.badRecord, text, offset: error.offset, record: number)
        }
    }

    private static func reasonText(_ reason: RawEventDecodingError.Reason) -> String {
        // RawEventDecodingError renders "byte N: error: text"; keep the text only.
        let rendered = RawEventDecodingError(offset: 0, reason: reason).description
        guard let range = rendered.firstRange(of: "error: ") else { return rendered }
        return String(rendered[range.upperBound...])
    }
}
