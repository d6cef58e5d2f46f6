import Testing

@testable import TollgateEvents

/// Round trips and damaged inputs for the binary form of `RawEvent`.
struct RawEventCodingTests {
    static let samples: [(String, RawEvent)] = [
        ("bare syscall", RawEvent(kind: .syscall, timestamp: 1, pid: 10, tid: 10, syscall: 110)),
        ("openat with path", RawEvent(
            kind: .syscall, timestamp: 123_456_789, pid: 42, tid: 43, ppid: 1, uid: 1000, gid: 1000, syscall: 257,
            args: [UInt64(bitPattern: -100), 0x1000, 0o2000000, 0], returnValue: 3,
            payloads: [.arg(1): "/etc/passwd"])),
        ("failed call", RawEvent(kind: .syscall, timestamp: 5, pid: 1, tid: 1, syscall: 2, returnValue: -2,
                                 flags: [.argsReadAtEntry], payloads: [.arg(0): "missing"])),
        ("exec with every slot", RawEvent(
            kind: .processExec, timestamp: 9, pid: 7, tid: 7, ppid: 6, syscall: 59, args: [4],
            payloads: [.exePath: "/usr/bin/env", .argv: ByteString([0x65, 0x6E, 0x76, 0, 0x2D, 0x69]),
                       .env: "A=1", .cwd: "/tmp", .resolvedPath: "/usr/bin/env", .arg(0): "env"])),
        ("non-UTF-8 path", RawEvent(kind: .syscall, timestamp: 2, pid: 3, tid: 3, syscall: 87,
                                    payloads: [.arg(0): ByteString([0x2F, 0xFF, 0xFE, 0x00, 0x41])])),
        ("fork", RawEvent(kind: .processFork, timestamp: 3, pid: 100, tid: 100, syscall: -1,
                          args: [0x1200011, 101], returnValue: 101)),
        ("exit with negative fields", RawEvent(kind: .processExit, timestamp: UInt64.max, pid: -1, tid: Int32.min,
                                               ppid: Int32.max, uid: UInt32.max, gid: 0, returnValue: Int64.min)),
        ("empty payload", RawEvent(kind: .syscall, timestamp: 4, pid: 1, tid: 1, syscall: 257, payloads: [.arg(1): ""])),
    ]

    @Test(arguments: samples)
    func roundTrip(name: String, event: RawEvent) throws {
        var bytes: [UInt8] = [0xAA, 0xBB]  // decoding must honour the start offset
        event.encode(into: &bytes)
        let (decoded, end) = try RawEvent.decode(bytes, at: 2)
        #expect(decoded == event, "\(name)")
        #expect(end == bytes.count)
        for slot in PayloadSlot.all {
            #expect(decoded.payload(slot) == event.payload(slot), "\(name) \(slot)")
        }
    }

    @Test func consecutiveRecordsDecodeInSequence() throws {
        var bytes: [UInt8] = []
        for (_, event) in Self.samples { event.encode(into: &bytes) }
        var offset = 0
        var decoded: [RawEvent] = []
        while offset < bytes.count {
            let (event, next) = try RawEvent.decode(bytes, at: offset)
            decoded.append(event)
            offset = next
        }
        #expect(decoded == Self.samples.map(\.1))
    }
}
