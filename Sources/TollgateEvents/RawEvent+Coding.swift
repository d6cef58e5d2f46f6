/// Stable binary form of `RawEvent`, reused by the capture file format.
///
/// Version 1, all integers little-endian:
/// ```
/// u32 recordLength   whole record including this field (100 ... maxEncodedLength)
/// u8  version        1
/// u8  kind           RawEvent.Kind raw value
/// u16 payloadMask    bit i = payload slot i present (14 slots)
/// u32 flags          RawEvent.Flags
/// u64 timestamp
/// i32 pid, i32 tid, i32 ppid
/// u32 uid, u32 gid
/// i32 syscall
/// u64 args[6]
/// i64 returnValue
/// then, for each present slot in slot order: u32 length, bytes
/// ```
extension RawEvent {
    /// The format version `encode(into:)` writes and `decode(_:at:)` reads.
    public static let encodingVersion: UInt8 = 1
    /// Size of the fixed part of an encoded record.
    public static let encodedHeaderLength = 100
    /// Largest record `decode` accepts (all slots at `maxPayloadLength`, plus the header).
    public static let maxEncodedLength = encodedHeaderLength + PayloadSlot.count * (4 + maxPayloadLength)

    /// Appends the version-1 encoding of this event.
    public func encode(into out: inout [UInt8]) {
        let length = Self.encodedHeaderLength + payloadStore.count
        out.reserveCapacity(out.count + length)
        out.appendLittleEndian(UInt32(length))
        out.append(Self.encodingVersion)
        out.append(kind.rawValue)
        out.appendLittleEndian(payloadMask)
        out.appendLittleEndian(flags.rawValue)
        out.appendLittleEndian(timestamp)
        out.appendLittleEndian(pid)
        out.appendLittleEndian(tid)
        out.appendLittleEndian(ppid)
        out.appendLittleEndian(uid)
        out.appendLittleEndian(gid)
        out.appendLittleEndian(syscall)
        for i in 0..<6 { out.appendLittleEndian(args[i]) }
        out.appendLittleEndian(returnValue)
        out.append(contentsOf: payloadStore)
    }

    /// The encoding as a fresh array.
    public var encoded: [UInt8] {
        var out: [UInt8] = []
        encode(into: &out)
        return out
    }

    /// Decodes one record starting at `offset`; returns it and the offset just past it.
    /// Throws `RawEventDecodingError` (with the absolute byte offset of the problem) on any
    /// malformed input; never traps.
    public static func decode<Bytes: RandomAccessCollection>(
        _ bytes: Bytes, at offset: Int
    ) throws(RawEventDecodingError) -> (RawEvent, Int) where Bytes.Element == UInt8, Bytes.Index == Int {
        var reader = ByteReader(bytes: bytes, position: offset)
        guard offset >= bytes.startIndex, offset <= bytes.endIndex else {
            throw RawEventDecodingError(offset: offset, reason: .truncated(needed: 4, available: 0))
        }
        let length = Int(try reader.u32())
        guard length >= encodedHeaderLength else {
            throw RawEventDecodingError(offset: offset, reason: .recordTooShort(length))
        }
        guard length <= maxEncodedLength else {
            throw RawEventDecodingError(offset: offset, reason: .recordTooLong(length))
        }
        let available = bytes.endIndex - offset
        guard length <= available else {
            throw RawEventDecodingError(offset: offset, reason: .truncated(needed: length, available: available))
        }
        let end = offset + length
        let version = try reader.u8()
        guard version == encodingVersion else {
            throw RawEventDecodingError(offset: offset + 4, reason: .unsupportedVersion(version))
        }
        let kindByte = try reader.u8()
        guard let kind = Kind(rawValue: kindByte) else {
            throw RawEventDecodingError(offset: offset + 5, reason: .badKind(kindByte))
        }
        let mask = try reader.u16()
        guard mask >> UInt16(PayloadSlot.count) == 0 else {
            throw RawEventDecodingError(offset: offset + 6, reason: .badPayloadMask(mask))
        }
        let flagBits = try reader.u32()
        guard Flags(rawValue: flagBits).subtracting(.all).isEmpty else {
            throw RawEventDecodingError(offset: offset + 8, reason: .badFlags(flagBits))
        }
        let timestamp = try reader.u64()
        let pid = Int32(bitPattern: try reader.u32())
        let tid = Int32(bitPattern: try reader.u32())
        let ppid = Int32(bitPattern: try reader.u32())
        let uid = try reader.u32()
        let gid = try reader.u32()
        let syscall = Int32(bitPattern: try reader.u32())
        var args = Arguments()
        for i in 0..<6 { args[i] = try reader.u64() }
        let returnValue = Int64(bitPattern: try reader.u64())
        let payloadStart = reader.position
        for i in 0..<PayloadSlot.count where mask & (1 << UInt16(i)) != 0 {
            let at = reader.position
            guard end - at >= 4 else {
                throw RawEventDecodingError(offset: at, reason: .payloadOverrun(slot: i, length: nil))
            }
            let payloadLength = Int(try reader.u32())
            guard payloadLength <= maxPayloadLength, payloadLength <= end - reader.position else {
                throw RawEventDecodingError(offset: at, reason: .payloadOverrun(slot: i, length: payloadLength))
            }
            reader.position += payloadLength
        }
        guard reader.position == end else {
            throw RawEventDecodingError(offset: reader.position, reason: .trailingBytes(end - reader.position))
        }
        let header = RawEvent(
            kind: kind, timestamp: timestamp, pid: pid, tid: tid, ppid: ppid, uid: uid, gid: gid,
            syscall: syscall, args: args, returnValue: returnValue, flags: Flags(rawValue: flagBits))
        // One memcpy where the bytes are contiguous (a generic slice copies byte by byte).
        let store = bytes.withContiguousStorageIfAvailable { storage in
            Array(UnsafeBufferPointer(rebasing: storage[(payloadStart - bytes.startIndex)..<(end - bytes.startIndex)]))
        } ?? Array(bytes[payloadStart..<end])
        return (RawEvent(header: header, payloadMask: mask, payloadStore: store), end)
    }
}

/// Why a byte sequence is not a valid encoded `RawEvent`, and where.
public struct RawEventDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        case truncated(needed: Int, available: Int)
        case recordTooShort(Int)
        case recordTooLong(Int)
        case unsupportedVersion(UInt8)
        case badKind(UInt8)
        case badPayloadMask(UInt16)
        case badFlags(UInt32)
        /// A payload's length field (nil: the field itself) does not fit in the record.
        case payloadOverrun(slot: Int, length: Int?)
        case trailingBytes(Int)
    }

    /// Absolute offset of the offending byte (the record start for length problems).
    public let offset: Int
    public let reason: Reason

    public init(offset: Int, reason: Reason) {
        self.offset = offset
        self.reason = reason
    }

    public var description: String {
        let what: String
        switch reason {
        case .truncated(let needed, let available):
            what = "record truncated: needs \(needed) bytes, \(available) available"
        case .recordTooShort(let n):
            what = "record length \(n) is shorter than the \(RawEvent.encodedHeaderLength)-byte header"
        case .recordTooLong(let n):
            what = "record length \(n) exceeds the limit of \(RawEvent.maxEncodedLength) bytes"
        case .unsupportedVersion(let v):
            what = "unsupported record version \(v); this build reads version \(RawEvent.encodingVersion)"
        case .badKind(let k): what = "unknown event kind \(k)"
        case .badPayloadMask(let m): what = "payload mask 0x\(String(m, radix: 16)) names unknown slots"
        case .badFlags(let f): what = "unknown flag bits in 0x\(String(f, radix: 16))"
        case .payloadOverrun(let slot, let length):
            if let length {
                what = "payload '\(PayloadSlot(index: slot)?.description ?? "?")' length \(length) overruns the record"
            } else {
                what = "payload '\(PayloadSlot(index: slot)?.description ?? "?")' length field overruns the record"
            }
        case .trailingBytes(let n): what = "\(n) unexpected bytes after the last payload"
        }
        return "byte \(offset): error: \(what)"
    }
}

/// Bounds-checked little-endian reads.
struct ByteReader<Bytes: RandomAccessCollection> where Bytes.Element == UInt8, Bytes.Index == Int {
    let bytes: Bytes
    var position: Int

    private mutating func take(_ n: Int) throws(RawEventDecodingError) -> Int {
        guard position >= bytes.startIndex, bytes.endIndex - position >= n else {
            throw RawEventDecodingError(
                offset: position, reason: .truncated(needed: n, available: max(0, bytes.endIndex - position)))
        }
        defer { position += n }
        return position
    }

    mutating func u8() throws(RawEventDecodingError) -> UInt8 { bytes[try take(1)] }

    mutating func u16() throws(RawEventDecodingError) -> UInt16 {
        let p = try take(2)
        return UInt16(bytes[p]) | UInt16(bytes[p + 1]) << 8
    }

    mutating func u32() throws(RawEventDecodingError) -> UInt32 { try integer() }

    mutating func u64() throws(RawEventDecodingError) -> UInt64 { try integer() }

    /// A little-endian integer: one unaligned load where the bytes are contiguous (arrays,
    /// as captures are read), else byte by byte.
    private mutating func integer<T: FixedWidthInteger & UnsignedInteger>() throws(RawEventDecodingError) -> T {
        let size = MemoryLayout<T>.size
        let p = try take(size)
        if let loaded = bytes.withContiguousStorageIfAvailable({ storage in
            T(littleEndian: UnsafeRawBufferPointer(storage).loadUnaligned(fromByteOffset: p - bytes.startIndex, as: T.self))
        }) {
            return loaded
        }
        var v: T = 0
        for i in 0..<size { v |= T(bytes[p + i]) << (8 * i) }
        return v
    }
}
