/// Reads a capture file held in memory: the header at once, then `verify()` to check the
/// footer, trailer and checksum (locating the first damage when they do not hold), then
/// `replay` to deliver the records. Never traps and never loops on damaged input: every
/// step advances or throws a `CaptureError` with the byte offset and record number.
public struct CaptureReader {
    /// What `verify()` found.
    public enum Integrity: Sendable, Equatable {
        /// Footer, trailer and checksum hold and the record lengths chain to the trailer;
        /// `replay` still checks each record's content (a file resealed after tampering
        /// throws there).
        case intact(CaptureTrailer)
        /// The file is damaged at `error`; `intactRecords` records before it are whole
        /// (`--salvage` replays those).
        case damaged(CaptureError, intactRecords: Int)
    }

    public let bytes: [UInt8]
    public let header: CaptureHeader
    /// Offset of the first record.
    public let recordsStart: Int

    /// Parses the header of `bytes`.
    public init(bytes: [UInt8]) throws(CaptureError) {
        self.bytes = bytes
        (header, recordsStart) = try CaptureHeader.decode(bytes)
    }

    /// Checks the file end: the footer names a trailer, the trailer parses and the CRC-32C of
    /// the file matches. Fast when intact (no record is decoded); otherwise walks the records
    /// to find the first damage.
    public func verify() -> Integrity {
        if let trailer = quickCheck() { return .intact(trailer) }
        var count = 0
        do throws(CaptureError) {
            let (_, trailerOffset, footer) = try walk { _ in count += 1 }
            try checkFooter(at: footer, trailerOffset: trailerOffset)
            let stored = bytes.readLittleEndianUInt32(at: footer + 8)
            let computed = CRC32C.checksum(bytes[0..<(footer + 8)])
            return .damaged(
                CaptureError(.badChecksum, "checksum mismatch: the file says 0x\(hex(stored)), its content gives 0x\(hex(computed)); bytes changed after writing",
                             offset: footer + 8),
                intactRecords: count)
        } catch {
            return .damaged(error, intactRecords: count)
        }
    }

    /// Delivers up to `limit` records in file order (all of them by default) and returns how
    /// many were delivered. Throws at the first damaged record.
    @discardableResult
    public func replay(limit: Int = .max, _ body: (RawEvent) -> Void) throws(CaptureError) -> Int {
        var delivered = 0
        var offset = recordsStart
        // Records decode from the buffer itself: each field is one load, not a call that
        // asks the array for contiguous storage.
        try bytes.withUnsafeBufferPointer { (buffer) throws(CaptureError) in
            while delivered < limit {
                guard buffer.count - offset >= 4 else {
                    throw CaptureError(.truncated, "file ends before the trailer", offset: offset, record: delivered + 1)
                }
                if bytes.readLittleEndianUInt32(at: offset) == 0 { break }
                do throws(RawEventDecodingError) {
                    let (event, next) = try RawEvent.decode(buffer, at: offset)
                    body(event)
                    offset = next
                    delivered += 1
                } catch {
                    throw CaptureError(error, record: delivered + 1, fileLength: buffer.count)
                }
            }
        }
        return delivered
    }

    /// Decodes every record up to the end marker, then the trailer; returns it, its offset and
    /// the footer offset.
    private func walk(_ body: (RawEvent) -> Void) throws(CaptureError) -> (CaptureTrailer, Int, Int) {
        let count = try replay(body)
        let trailerOffset = endOfRecords(count)
        let (trailer, footer) = try CaptureTrailer.decode(bytes, at: trailerOffset, recordNumber: count + 1)
        return (trailer, trailerOffset, footer)
    }

    /// Offset of the end marker after `count` records (they were checked by `replay`).
    private func endOfRecords(_ count: Int) -> Int {
        var offset = recordsStart
        for _ in 0..<count { offset += Int(bytes.readLittleEndianUInt32(at: offset)) }
        return offset
    }

    private func checkFooter(at footer: Int, trailerOffset: Int) throws(CaptureError) {
        guard bytes.count - footer >= CaptureTrailer.footerLength else {
            throw CaptureError(.truncated, "file ends inside the footer (\(bytes.count - footer) of \(CaptureTrailer.footerLength) bytes)",
                               offset: footer)
        }
        let magicAt = footer + 12
        guard Array(bytes[magicAt..<(magicAt + 4)]) == CaptureTrailer.footerMagic else {
            throw CaptureError(.badTrailer, "the footer does not end with 'TGEN'", offset: magicAt)
        }
        guard bytes.count == footer + CaptureTrailer.footerLength else {
            throw CaptureError(.badTrailer, "\(bytes.count - footer - CaptureTrailer.footerLength) unexpected bytes after the footer",
                               offset: footer + CaptureTrailer.footerLength)
        }
        let stated = readUInt64(at: footer)
        guard stated == UInt64(trailerOffset) else {
            throw CaptureError(.badTrailer, "the footer places the trailer at byte \(stated), but it is at byte \(trailerOffset)",
                               offset: footer)
        }
    }

    private func readUInt64(at offset: Int) -> UInt64 {
        UInt64(bytes.readLittleEndianUInt32(at: offset)) | UInt64(bytes.readLittleEndianUInt32(at: offset + 4)) << 32
    }

    /// The trailer when footer, trailer and checksum all hold; nil otherwise.
    private func quickCheck() -> CaptureTrailer? {
        let footerLength = CaptureTrailer.footerLength
        guard bytes.count >= recordsStart + 12 + footerLength else { return nil }
        let footer = bytes.count - footerLength
        guard Array(bytes[(footer + 12)...]) == CaptureTrailer.footerMagic else { return nil }
        let trailerOffset = readUInt64(at: footer)
        guard trailerOffset >= UInt64(recordsStart), trailerOffset < UInt64(footer) else { return nil }
        guard bytes.readLittleEndianUInt32(at: footer + 8) == CRC32C.checksum(bytes[0..<(footer + 8)]) else { return nil }
        guard let (trailer, end) = try? CaptureTrailer.decode(bytes, at: Int(trailerOffset), recordNumber: 0), end == footer else {
            return nil
        }
        // The record lengths must chain exactly to the trailer (one 4-byte read per record).
        var offset = recordsStart
        var count: UInt64 = 0
        while offset < Int(trailerOffset) {
            let length = Int(bytes.readLittleEndianUInt32(at: offset))
            guard length >= RawEvent.encodedHeaderLength, length <= RawEvent.maxEncodedLength,
                  length <= Int(trailerOffset) - offset else { return nil }
            offset += length
            count += 1
        }
        guard count == trailer.records else { return nil }
        return trailer
    }

    private func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }
}

extension CaptureReader {
    /// Reads a whole file into memory and parses its header.
    public init(contentsOf path: String) throws(CaptureError) {
        try self.init(bytes: try CaptureFileBytes.read(path))
    }
}
