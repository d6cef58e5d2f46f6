import Testing

@testable import TollgateEvents

/// Write a capture, read it back: identical records, header and trailer fields; environment
/// values stripped unless asked for.
struct CaptureRoundTripTests {
    static func read(_ bytes: [UInt8]) throws -> (CaptureReader, CaptureTrailer, [RawEvent]) {
        let reader = try CaptureReader(bytes: bytes)
        guard case .intact(let trailer) = reader.verify() else {
            Issue.record("capture not intact: \(reader.verify())")
            throw CaptureError(.badTrailer, "not intact", offset: nil)
        }
        var events: [RawEvent] = []
        try reader.replay { events.append($0) }
        return (reader, trailer, events)
    }

    @Test func headerRoundTrips() throws {
        let (reader, _, _) = try Self.read(CaptureSamples.file())
        #expect(reader.header == CaptureSamples.header)
        #expect(reader.header.environment == ["HOME", "AWS_SECRET_ACCESS_KEY", "EMPTY"])
        #expect(reader.header.backend == "ebpf")
        #expect(reader.header.bootTimeOffset == 1_700_000_000_000_000_000)
    }

    @Test func launcherRoundTripsWithTheSeedPpidAsItsPid() throws {
        var header = CaptureSamples.header
        header.launcher = LauncherIdentity(pid: 99, name: "tollgate", executable: "/opt/tg/tollgate",
                                           arguments: ["tollgate", "record", "-o", "x.cap", "--", "make", "test"])
        let (reader, _, _) = try Self.read(CaptureSamples.file(header: header))
        let launcher = try #require(reader.header.launcher)
        #expect(launcher.name == "tollgate" && launcher.executable == "/opt/tg/tollgate")
        #expect(launcher.arguments == ["tollgate", "record", "-o", "x.cap", "--", "make", "test"])
        #expect(launcher.pid == header.seedPpid, "the launcher is the seed's parent")
    }

    /// Captures written before the launcher fields existed end their header at the environment,
    /// as do those whose launcher is unknown; empty launcher fields also mean unknown.
    @Test func aHeaderWithoutLauncherFieldsLeavesItUnknown() throws {
        let older = CaptureSamples.header.encoded
        #expect(try CaptureHeader.decode(older).0.launcher == nil)
        #expect(older.count == 16 + Int(older.readLittleEndianUInt32(at: 12)))
        var empty = older + [UInt8](repeating: 0, count: 12)  // two empty strs, an empty list
        empty.replaceSubrange(12..<16, with: withUnsafeBytes(of: UInt32(older.count - 16 + 12).littleEndian, Array.init))
        let (header, end) = try CaptureHeader.decode(empty)
        #expect(end == empty.count)
        #expect(header.launcher == nil && header.command == ["make", "test"])
    }

    @Test func trailerRoundTripsWithWriterCounts() throws {
        let (_, trailer, _) = try Self.read(CaptureSamples.file())
        var expected = CaptureSamples.trailer
        expected.records = UInt64(CaptureSamples.events.count)
        expected.environmentsStripped = 1
        #expect(trailer == expected)
        #expect(trailer.exitStatus == 1)
        #expect(trailer.drops == 2)
    }

    @Test func recordsRoundTripWithEnvironmentNamesOnly() throws {
        let (_, _, events) = try Self.read(CaptureSamples.file())
        #expect(events.count == CaptureSamples.events.count)
        for (read, written) in zip(events, CaptureSamples.events) where written.kind != .processExec {
            #expect(read == written)
        }
        let exec = try #require(events.first { $0.kind == .processExec })
        #expect(exec.payload(.env) == ByteString([UInt8]("HOME\0TOKEN\0NOVALUE".utf8)))
        #expect(exec.payload(.argv) == CaptureSamples.events[1].payload(.argv))
        #expect(exec.payload(.cwd) == "/home/builder/src")
    }

    @Test func environmentValuesKeptWithCaptureEnv() throws {
        var header = CaptureSamples.header
        header = CaptureHeader(
            architecture: header.architecture, backend: header.backend, toolVersion: header.toolVersion, hostname: header.hostname,
            bootTimeOffset: header.bootTimeOffset, startTime: header.startTime, seedPid: header.seedPid,
            seedPpid: header.seedPpid, uid: header.uid, gid: header.gid, seedTimestamp: header.seedTimestamp,
            workingDirectory: header.workingDirectory, executable: header.executable, command: header.command,
            environment: ["TOKEN=s3cr3t"], environmentValuesIncluded: true)
        let (reader, trailer, events) = try Self.read(CaptureSamples.file(header: header))
        #expect(reader.header.environment == ["TOKEN=s3cr3t"])
        #expect(reader.header.environmentValuesIncluded)
        #expect(events == CaptureSamples.events)
        #expect(trailer.environmentsStripped == 0)
    }

    @Test func emptyCaptureRoundTrips() throws {
        let (_, trailer, events) = try Self.read(CaptureSamples.file(events: [], trailer: CaptureTrailer()))
        #expect(events.isEmpty)
        #expect(trailer.records == 0)
        #expect(trailer.exitStatus == nil)
    }

    @Test func manyRecordsAcrossFlushesRoundTrip() throws {
        let big = (0..<20_000).map { i in
            TestEvents.openat(ByteString("/tmp/file-\(i)-" + String(repeating: "x", count: i % 200)), fd: Int64(3 + i % 50))
        }
        var chunks = 0
        var bytes: [UInt8] = []
        let writer = CaptureWriter(header: CaptureSamples.header) { chunks += 1; bytes.append(contentsOf: $0) }
        for event in big { try writer.append(event) }
        try writer.finish(CaptureTrailer())
        #expect(chunks > 1, "the writer flushes in chunks")
        let (_, trailer, events) = try Self.read(bytes)
        #expect(trailer.records == 20_000)
        #expect(events == big)
    }

    @Test func crc32cMatchesTheStandardCheckValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        var split = CRC32C()
        split.update(Array("1234".utf8))
        split.update(Array("56789".utf8))
        #expect(split.value == 0xE306_9283)
        let long = (0..<1000).map { UInt8($0 & 0xFF) }
        var bytewise = CRC32C()
        for byte in long { bytewise.update([byte]) }
        #expect(CRC32C.checksum(long) == bytewise.value)
    }

    @Test(arguments: [
        ("A=1\0B=2\0", "A\0B\0"), ("PATH=/bin:/usr/bin\0", "PATH\0"), ("NOEQ\0X=\0", "NOEQ\0X\0"),
        ("K=v=w\0", "K\0"), ("", ""),
    ])
    func environmentBlockKeepsNamesOnly(block: String, names: String) {
        #expect(CaptureEnvironment.namesOnly(Array(block.utf8)) == Array(names.utf8))
    }
}
