@testable import TollgateEvents

/// Builds capture files in memory for the capture tests.
enum CaptureSamples {
    static let header = CaptureHeader(
        architecture: .x86_64, backend: "ebpf", toolVersion: "0.1.0", hostname: "runner-1", bootTimeOffset: 1_700_000_000_000_000_000,
        startTime: 1_700_000_001_000_000_000, seedPid: TestEvents.job, seedPpid: 1, uid: 1000, gid: 1000,
        seedTimestamp: 1_000, workingDirectory: "/home/builder/src", executable: "/usr/bin/make",
        command: ["make", "test"], environment: ["HOME=/home/builder", "AWS_SECRET_ACCESS_KEY=hunter2", "EMPTY="],
        environmentValuesIncluded: false)

    /// A small job: fork, exec (with env), open, read of a secret, exits.
    static let events: [RawEvent] = [
        TestEvents.fork(child: 1001),
        TestEvents.exec(pid: 1001, path: "/bin/cat", argv: ["cat", "/etc/shadow"],
                        env: ["HOME=/home/builder", "TOKEN=s3cr3t", "NOVALUE"], cwd: "/home/builder/src"),
        TestEvents.openat("/etc/shadow", fd: 3, pid: 1001),
        TestEvents.sys("read", pid: 1001, args: [3, 0, 4096], ret: 1234),
        TestEvents.sys("close", pid: 1001, args: [3]),
        TestEvents.exit(pid: 1001),
        TestEvents.exit(pid: TestEvents.job, status: 256),
    ]

    static let trailer = CaptureTrailer(
        backendEvents: 7, drops: 2, malformed: 1, endTime: 1_700_000_002_000_000_000, exitStatus: 1,
        killedDescendants: 0, blindSpots: ["io_uring submissions are not seen as syscalls"])

    /// The bytes of a capture of `events` with `header` and `trailer`.
    static func file(header: CaptureHeader = header, events: [RawEvent] = events,
                     trailer: CaptureTrailer = trailer) -> [UInt8] {
        var bytes: [UInt8] = []
        let writer = CaptureWriter(header: header) { bytes.append(contentsOf: $0) }
        for event in events { try? writer.append(event) }
        try? writer.finish(trailer)
        return bytes
    }

    /// Offsets of each record in `file(...)` bytes (records start after the header).
    static func recordOffsets(_ bytes: [UInt8]) -> [Int] {
        guard let reader = try? CaptureReader(bytes: bytes) else { return [] }
        var offsets: [Int] = []
        var offset = reader.recordsStart
        while bytes.count - offset >= 4 {
            let length = Int(bytes.readLittleEndianUInt32(at: offset))
            if length == 0 { break }
            offsets.append(offset)
            offset += length
        }
        offsets.append(offset)  // the trailer
        return offsets
    }
}
