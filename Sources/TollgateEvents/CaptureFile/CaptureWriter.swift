/// Writes a capture file as a stream: the header at once, records as they come (buffered),
/// the trailer and checksum at the end. Where the bytes go is the caller's: a file, a pipe,
/// memory.
public final class CaptureWriter {
    /// Bytes buffered before they are handed to `output`.
    public static let flushThreshold = 1 << 20

    /// Records appended so far.
    public private(set) var records: UInt64 = 0
    /// Exec records whose environment values were removed.
    public private(set) var environmentsStripped: UInt64 = 0
    private let keepEnvironmentValues: Bool
    private let output: ([UInt8]) throws -> Void
    private var buffer: [UInt8] = []
    private var written = 0
    private var checksum = CRC32C()
    private var finished = false

    /// Starts a capture with `header`; the environment values of exec records are kept only
    /// when `header.environmentValuesIncluded`.
    public init(header: CaptureHeader, output: @escaping ([UInt8]) throws -> Void) {
        self.keepEnvironmentValues = header.environmentValuesIncluded
        self.output = output
        buffer.reserveCapacity(Self.flushThreshold + 4096)
        buffer.append(contentsOf: header.encoded)
    }

    /// Appends one record (its `env` values removed unless the header says they are kept).
    public func append(_ event: RawEvent) throws {
        guard !finished else { return }
        if !keepEnvironmentValues, event.kind == .processExec, event.hasPayload(.env) {
            var stripped = event
            if CaptureEnvironment.strippingValues(&stripped) { environmentsStripped += 1 }
            stripped.encode(into: &buffer)
        } else {
            event.encode(into: &buffer)
        }
        records += 1
        if buffer.count >= Self.flushThreshold { try flush() }
    }

    /// Writes the trailer (with this writer's record and stripping counts) and the footer, and
    /// hands over the last bytes. Appending afterwards is a programming error and is ignored.
    public func finish(_ trailer: CaptureTrailer) throws {
        guard !finished else { return }
        finished = true
        var trailer = trailer
        trailer.records = records
        trailer.environmentsStripped = environmentsStripped
        let trailerOffset = written + buffer.count
        buffer.append(contentsOf: trailer.encoded)
        buffer.appendLittleEndian(UInt64(trailerOffset))
        checksum.update(buffer)
        buffer.appendLittleEndian(checksum.value)
        buffer.append(contentsOf: CaptureTrailer.footerMagic)
        try output(buffer)
        written += buffer.count
        buffer.removeAll()
    }

    private func flush() throws {
        checksum.update(buffer)
        try output(buffer)
        written += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }
}
