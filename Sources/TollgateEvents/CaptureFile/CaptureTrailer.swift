/// What a capture file says after its last record: counters, the job's outcome, and (in the
/// footer) the checksum of the whole file.
///
/// Layout (format version 1, little-endian; see docs/capture-format.md):
/// ```
/// u32    0                      end-of-records marker (no record is shorter than 100 bytes)
/// u8[4]  "TGTR"
/// u32    body length M
/// body:  u64 records, u64 backend events, u64 drops, u64 malformed, u64 env payloads stripped,
///        u64 end time, u8 outcome known, u8[3] reserved, i32 exit status,
///        u32 killed descendants, list blind spots
/// footer (16 bytes): u64 trailer offset, u32 CRC-32C of every byte before it, u8[4] "TGEN"
/// ```
public struct CaptureTrailer: Sendable, Equatable {
    public static let magic: [UInt8] = Array("TGTR".utf8)
    public static let footerMagic: [UInt8] = Array("TGEN".utf8)
    public static let footerLength = 16
    /// Largest trailer body accepted.
    public static let maxBodyLength = 1 << 20

    /// Records in the file (set by the writer).
    public var records: UInt64 = 0
    /// Records the backend delivered (equals `records` for a capture of a whole run).
    public var backendEvents: UInt64 = 0
    /// Records the kernel or backend lost.
    public var drops: UInt64 = 0
    /// Records that arrived but could not be parsed.
    public var malformed: UInt64 = 0
    /// Exec records whose `env` payload lost its values (set by the writer).
    public var environmentsStripped: UInt64 = 0
    /// Wall clock at the end, Unix-epoch nanoseconds.
    public var endTime: UInt64 = 0
    /// The job's exit status as a shell reports it (128+N after signal N), when known.
    public var exitStatus: Int32?
    /// Descendants killed after the grace period.
    public var killedDescendants: UInt32 = 0
    /// What the backend does not observe, in words.
    public var blindSpots: [String] = []

    public init(
        backendEvents: UInt64 = 0, drops: UInt64 = 0, malformed: UInt64 = 0, endTime: UInt64 = 0,
        exitStatus: Int32? = nil, killedDescendants: UInt32 = 0, blindSpots: [String] = []
    ) {
        self.backendEvents = backendEvents
        self.drops = drops
        self.malformed = malformed
        self.endTime = endTime
        self.exitStatus = exitStatus
        self.killedDescendants = killedDescendants
        self.blindSpots = blindSpots
    }

    /// The marker, magic, length and body (the footer is the writer's, it needs the CRC).
    var encoded: [UInt8] {
        var body: [UInt8] = []
        body.appendLittleEndian(records)
        body.appendLittleEndian(backendEvents)
        body.appendLittleEndian(drops)
        body.appendLittleEndian(malformed)
        body.appendLittleEndian(environmentsStripped)
        body.appendLittleEndian(endTime)
        body.append(exitStatus == nil ? 0 : 1)
        body.append(contentsOf: [0, 0, 0])
        body.appendLittleEndian(exitStatus ?? 0)
        body.appendLittleEndian(killedDescendants)
        body.appendStringList(blindSpots.map { ByteString($0) })
        var out: [UInt8] = []
        out.appendLittleEndian(UInt32(0))
        out.append(contentsOf: Self.magic)
        out.appendLittleEndian(UInt32(body.count))
        return out + body
    }

    /// Reads the trailer whose end-of-records marker is at `offset`; returns it and the offset
    /// of the footer.
    static func decode(_ bytes: [UInt8], at offset: Int, recordNumber: Int) throws(CaptureError) -> (CaptureTrailer, Int) {
        var head = CaptureFieldReader(bytes: bytes, position: offset, end: bytes.count, code: .truncated, section: "trailer")
        _ = try head.u32("end marker")
        let magicAt = head.position
        guard bytes.count - magicAt >= 4 else {
            throw CaptureError(.truncated, "file ends inside the trailer", offset: magicAt)
        }
        guard Array(bytes[magicAt..<(magicAt + 4)]) == magic else {
            throw CaptureError(.badTrailer, "a zero record length must start the trailer, but 'TGTR' does not follow it",
                               offset: magicAt, record: recordNumber)
        }
        head.position += 4
        let lengthAt = head.position
        let bodyLength = Int(try head.u32("body length"))
        guard bodyLength <= maxBodyLength else {
            throw CaptureError(.badTrailer, "trailer length \(bodyLength) exceeds the limit of \(maxBodyLength) bytes", offset: lengthAt)
        }
        guard bodyLength <= bytes.count - head.position else {
            throw CaptureError(.truncated, "file ends inside the trailer: it declares \(bodyLength) bytes, \(bytes.count - head.position) are present",
                               offset: lengthAt)
        }
        var body = CaptureFieldReader(bytes: bytes, position: head.position, end: head.position + bodyLength,
                                      code: .badTrailer, section: "trailer")
        var trailer = CaptureTrailer()
        trailer.records = try body.u64("records")
        trailer.backendEvents = try body.u64("backend events")
        trailer.drops = try body.u64("drops")
        trailer.malformed = try body.u64("malformed")
        trailer.environmentsStripped = try body.u64("environments stripped")
        trailer.endTime = try body.u64("end time")
        let known = try body.u8("outcome known")
        for _ in 0..<3 { _ = try body.u8("reserved") }
        let status = try body.i32("exit status")
        trailer.exitStatus = known != 0 ? status : nil
        trailer.killedDescendants = try body.u32("killed descendants")
        trailer.blindSpots = try body.stringList("blind spots").map { String(decoding: $0.bytes, as: UTF8.self) }
        return (trailer, body.end)
    }
}
