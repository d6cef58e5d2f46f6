import Testing

@testable import TollgateEvents

/// Damaged encodings must throw `RawEventDecodingError` with the right offset, never trap.
struct RawEventDamageTests {
    /// A valid record with one 11-byte payload (`arg1` = "/etc/passwd"): 100 + 4 + 11 bytes.
    static let valid: [UInt8] = RawEvent(
        kind: .syscall, timestamp: 7, pid: 1, tid: 1, syscall: 257, returnValue: 3,
        payloads: [.arg(1): "/etc/passwd"]
    ).encoded

    static func patched(_ edits: [(Int, [UInt8])], base: [UInt8] = valid) -> [UInt8] {
        var bytes = base
        for (offset, replacement) in edits {
            bytes.replaceSubrange(offset..<(offset + replacement.count), with: replacement)
        }
        return bytes
    }

    static func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * UInt32($0))) & 0xFF) } }

    struct Case: Sendable, CustomStringConvertible {
        let description: String
        let bytes: [UInt8]
        let start: Int
        let offset: Int
        let reason: RawEventDecodingError.Reason
    }

    static let cases: [Case] = [
        Case(description: "empty input", bytes: [], start: 0, offset: 0,
             reason: .truncated(needed: 4, available: 0)),
        Case(description: "length field cut", bytes: [115, 0], start: 0, offset: 0,
             reason: .truncated(needed: 4, available: 2)),
        Case(description: "record cut short", bytes: Array(valid.prefix(60)), start: 0, offset: 0,
             reason: .truncated(needed: 115, available: 60)),
        Case(description: "record cut short after a prefix", bytes: [9, 9, 9] + Array(valid.prefix(110)), start: 3,
             offset: 3, reason: .truncated(needed: 115, available: 110)),
        Case(description: "length below header", bytes: patched([(0, le32(99))]), start: 0, offset: 0,
             reason: .recordTooShort(99)),
        Case(description: "huge length", bytes: patched([(0, le32(0xFFFF_FFF0))]), start: 0, offset: 0,
             reason: .recordTooLong(0xFFFF_FFF0)),
        Case(description: "bad version", bytes: patched([(4, [2])]), start: 0, offset: 4,
             reason: .unsupportedVersion(2)),
        Case(description: "bad kind", bytes: patched([(5, [9])]), start: 0, offset: 5, reason: .badKind(9)),
        Case(description: "unknown payload slot", bytes: patched([(6, [0x02, 0x80])]), start: 0, offset: 6,
             reason: .badPayloadMask(0x8002)),
        Case(description: "unknown flag bits", bytes: patched([(8, [0, 0, 0, 0x80])]), start: 0, offset: 8,
             reason: .badFlags(0x8000_0000)),
        Case(description: "payload length overruns record", bytes: patched([(100, le32(12))]), start: 0,
             offset: 100, reason: .payloadOverrun(slot: 1, length: 12)),
        Case(description: "huge payload length", bytes: patched([(100, le32(0xFFFF_FFFF))]), start: 0,
             offset: 100, reason: .payloadOverrun(slot: 1, length: 0xFFFF_FFFF)),
        Case(description: "mask names a payload that is not there", bytes: patched([(6, [0x06, 0])]), start: 0,
             offset: 115, reason: .payloadOverrun(slot: 2, length: nil)),
        Case(description: "bytes left after payloads", bytes: patched([(0, le32(116))]) + [0], start: 0,
             offset: 115, reason: .trailingBytes(1)),
        Case(description: "start beyond the end", bytes: valid, start: valid.count + 5, offset: valid.count + 5,
             reason: .truncated(needed: 4, available: 0)),
    ]

    @Test(arguments: cases)
    func damagedInputThrows(_ c: Case) {
        do {
            _ = try RawEvent.decode(c.bytes, at: c.start)
            Issue.record("\(c.description): decoded without error")
        } catch {
            #expect(error.offset == c.offset, "\(c.description)")
            #expect(error.reason == c.reason, "\(c.description)")
            #expect(error.description.hasPrefix("byte \(c.offset): error: "))
        }
    }

    @Test func validSampleDecodes() throws {
        let (event, end) = try RawEvent.decode(Self.valid, at: 0)
        #expect(end == 115)
        #expect(event.payload(.arg(1)) == "/etc/passwd")
    }

    /// Every truncation of a valid record throws; none traps.
    @Test func everyPrefixThrows() {
        for n in 0..<Self.valid.count {
            #expect(throws: RawEventDecodingError.self) { try RawEvent.decode(Array(Self.valid.prefix(n)), at: 0) }
        }
    }

    /// Flipping any single byte either decodes or throws; it never traps.
    @Test func singleByteCorruptionNeverTraps() {
        var decodedCount = 0
        for i in 0..<Self.valid.count {
            var bytes = Self.valid
            bytes[i] ^= 0xFF
            if (try? RawEvent.decode(bytes, at: 0)) != nil { decodedCount += 1 }
        }
        // Header scalars (timestamp, pids, args...) may take any value; structure bytes may not.
        #expect(decodedCount > 0 && decodedCount < Self.valid.count)
    }

    @Test func oversizedPayloadIsCutAndFlagged() {
        var event = RawEvent(kind: .syscall, timestamp: 0, pid: 1, tid: 1, syscall: 1)
        event.setPayload(.arg(1), [UInt8](repeating: 0x41, count: RawEvent.maxPayloadLength + 10))
        #expect(event.payload(.arg(1))?.count == RawEvent.maxPayloadLength)
        #expect(event.flags.contains(.payloadTruncated))
    }

    @Test func payloadsCanBeReplacedAndRemoved() {
        var event = RawEvent(kind: .syscall, timestamp: 0, pid: 1, tid: 1, syscall: 1,
                             payloads: [.arg(0): "a", .cwd: "/x", .arg(4): "bb"])
        event.setPayload(.arg(4), Array("ccc".utf8))
        event.setPayload(.cwd, nil as [UInt8]?)
        #expect(event.payload(.arg(0)) == "a")
        #expect(event.payload(.arg(4)) == "ccc")
        #expect(event.payload(.cwd) == nil)
        #expect(!event.hasPayload(.cwd))
        #expect(event.payload(.arg(9)) == nil)
    }
}
