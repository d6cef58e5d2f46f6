import CTollgate
import Testing
import TollgateEvents
@testable import TollgateCapture

/// Builds `struct tg_record` bytes the way the kernel side lays them out.
struct RecordBytes {
    var record = tg_record()
    var payloads: [(slot: UInt16, bytes: [UInt8])] = []

    init(kind: UInt32, syscall: Int32 = -1, ret: Int64 = 0) {
        record.kind = UInt8(kind)
        record.syscall = syscall
        record.ret = ret
        record.pid = 100
        record.tid = 101
        record.ppid = 1
        record.uid = 1000
        record.gid = 1001
        record.timestamp_ns = 42
    }

    var bytes: [UInt8] {
        var body: [UInt8] = []
        for payload in payloads {
            var header = tg_payload()
            header.slot = payload.slot
            header.length = UInt32(payload.bytes.count)
            withUnsafeBytes(of: header) { body += $0 }
            body += payload.bytes
            body += [UInt8](repeating: 0, count: (8 - payload.bytes.count % 8) % 8)
        }
        var header = record
        header.payload_count = UInt8(payloads.count)
        header.size = UInt32(MemoryLayout<tg_record>.size + body.count)
        return withUnsafeBytes(of: header) { Array($0) } + body
    }
}

struct RawRecordParserTests {
    @Test func parsesHeaderArgumentsAndPayloads() throws {
        var builder = RecordBytes(kind: TG_KIND_SYSCALL.rawValue, syscall: 257, ret: 3)
        builder.record.args = (0xFFFF_FF9C, 0x1000, 0x80000, 0, 0, 0)
        builder.record.flags = UInt16(TG_FLAG_PAYLOAD_TRUNCATED.rawValue)
        builder.payloads = [(1, Array("/etc/passwd".utf8)), (UInt16(TG_SLOT_CWD.rawValue), Array("/work".utf8))]
        let event = try builder.bytes.withUnsafeBytes { try RawRecordParser.parse($0) }
        #expect(event.kind == .syscall)
        #expect(event.syscall == 257)
        #expect(event.returnValue == 3)
        #expect(event.pid == 100 && event.tid == 101 && event.ppid == 1)
        #expect(event.uid == 1000 && event.gid == 1001 && event.timestamp == 42)
        #expect(event.args[0] == 0xFFFF_FF9C && event.args[2] == 0x80000)
        #expect(event.flags == [.payloadTruncated])
        #expect(event.payload(.arg(1)).map { Array($0.bytes) } == Array("/etc/passwd".utf8))
        #expect(event.payload(.cwd).map { Array($0.bytes) } == Array("/work".utf8))
        #expect(event.payload(.arg(0)) == nil)
    }

    /// A command line longer than 64 KiB - 1 fits one payload (its length is 32 bits), and the
    /// backends' cut mark becomes `.commandLineTruncated`.
    @Test func wholeLongCommandLineAndItsCutMark() throws {
        var builder = RecordBytes(kind: TG_KIND_EXEC.rawValue)
        let argv = Array(repeating: UInt8(ascii: "x"), count: Int(TG_ARGV_MAX) - 1) + [0]
        builder.payloads = [(UInt16(TG_SLOT_ARGV.rawValue), argv)]
        let whole = try builder.bytes.withUnsafeBytes { try RawRecordParser.parse($0) }
        #expect(whole.payload(.argv)?.count == Int(TG_ARGV_MAX))
        #expect(!whole.flags.contains(.commandLineTruncated))
        builder.record.flags = UInt16(TG_FLAG_ARGV_TRUNCATED.rawValue | TG_FLAG_PAYLOAD_TRUNCATED.rawValue)
        let cut = try builder.bytes.withUnsafeBytes { try RawRecordParser.parse($0) }
        #expect(cut.flags == [.commandLineTruncated, .payloadTruncated])
    }

    @Test(arguments: [
        (TG_KIND_FORK.rawValue, RawEvent.Kind.processFork),
        (TG_KIND_EXEC.rawValue, .processExec),
        (TG_KIND_EXIT.rawValue, .processExit),
    ])
    func mapsKinds(raw: UInt32, expected: RawEvent.Kind) throws {
        let event = try RecordBytes(kind: raw).bytes.withUnsafeBytes { try RawRecordParser.parse($0) }
        #expect(event.kind == expected)
    }

    struct Damage: CustomTestStringConvertible, Sendable {
        let name: String
        let mutate: @Sendable ([UInt8]) -> [UInt8]
        let expected: RawRecordParser.Failure
        var testDescription: String { name }
    }

    static let headerSize = MemoryLayout<tg_record>.size

    @Test(arguments: [
        Damage(name: "empty", mutate: { _ in [] }, expected: .tooShort(0)),
        Damage(name: "cut inside the header", mutate: { Array($0.prefix(20)) }, expected: .tooShort(20)),
        Damage(name: "size beyond the bytes", mutate: { bytes in
            var b = bytes; b[0] = 0xFF; b[1] = 0x10; return b
        }, expected: .sizeMismatch(declared: 0x10FF, available: headerSize + 16)),
        Damage(name: "size below the header", mutate: { bytes in
            var b = bytes; b[0] = 8; b[1] = 0; return b
        }, expected: .sizeMismatch(declared: 8, available: headerSize + 16)),
        Damage(name: "unknown kind", mutate: { bytes in var b = bytes; b[4] = 9; return b }, expected: .unknownKind(9)),
        Damage(name: "payload longer than the record", mutate: { bytes in
            var b = bytes; b[headerSize + 4] = 200; return b  // struct tg_payload's u32 length
        }, expected: .payloadOutOfBounds(index: 0)),
        Damage(name: "payload length's upper half set", mutate: { bytes in
            var b = bytes; b[headerSize + 6] = 1; return b
        }, expected: .payloadOutOfBounds(index: 0)),
        Damage(name: "more payloads than present", mutate: { bytes in
            var b = bytes; b[5] = 2; return b
        }, expected: .payloadOutOfBounds(index: 1)),
    ])
    func rejectsDamagedRecords(_ damage: Damage) {
        var builder = RecordBytes(kind: TG_KIND_SYSCALL.rawValue, syscall: 2)
        builder.payloads = [(0, Array("/tmp/x".utf8))]
        let damaged = damage.mutate(builder.bytes)
        #expect(throws: damage.expected) {
            try damaged.withUnsafeBytes { try RawRecordParser.parse($0) }
        }
    }
}

struct BPFCaptureConfigTests {
    @Test func shipsRequestedSyscallsOnly() throws {
        let config = BPFCaptureConfig.make(syscallNames: ["openat", "connect"], arch: .x86_64)
        #expect(BPFCaptureConfig.wants(config, number: 257))   // openat
        #expect(BPFCaptureConfig.wants(config, number: 42))    // connect
        #expect(!BPFCaptureConfig.wants(config, number: 110))  // getppid
        #expect(!BPFCaptureConfig.wants(config, number: 0))    // read
    }

    @Test(arguments: [
        ("openat", Int32(257), 1, tg_arg_kind_value.string),
        ("openat", 257, 0, .none),
        ("connect", 42, 1, .sockaddrLengthNext),
        ("accept4", 288, 1, .sockaddrLengthBehindPointer),
        ("pipe2", 293, 0, .fdPair),
        ("renameat2", 316, 3, .string),
        ("openat2", 437, 2, .structLengthNext),  // struct open_how: flags, mode, resolve
        ("openat2", 437, 3, .none),
    ])
    func readsArgumentMemoryByType(name: String, number: Int32, index: Int, expected: tg_arg_kind_value) {
        let config = BPFCaptureConfig.make(syscallNames: [name], arch: .x86_64)
        #expect(BPFCaptureConfig.argKind(config, number: number, index: index) == expected)
    }

    @Test func unknownNamesAreIgnored() {
        let config = BPFCaptureConfig.make(syscallNames: ["no_such_syscall"], arch: .x86_64)
        #expect((0..<512).allSatisfy { !BPFCaptureConfig.wants(config, number: Int32($0)) })
    }
}

/// What `RecordDelivery` answers a backend for records that hold their task.
struct RecordDeliveryVerdictTests {
    private func answers(to bytes: [UInt8]) -> [RecordVerdict] {
        let delivery = RecordDelivery()
        var verdicts: [RecordVerdict] = []
        delivery.respond = { verdicts.append($0) }
        bytes.withUnsafeBytes { buffer in
            _ = RecordDelivery.handler(delivery.context, buffer.baseAddress, buffer.count)
        }
        #expect(delivery.malformed == 1)
        return verdicts
    }

    /// The gate never saw a damaged held call, so the call may not run: the job is killed
    /// rather than let on (the monitor builds these records; a damaged one is its bug).
    @Test(arguments: [TG_FLAG_AWAITS_VERDICT.rawValue, TG_FLAG_PROBE.rawValue])
    func aDamagedRecordThatHoldsItsTaskIsAnsweredWithAKill(_ flag: UInt32) {
        var record = RecordBytes(kind: TG_KIND_SYSCALL.rawValue, syscall: 257)
        record.record.flags = UInt16(flag)
        record.payloads = [(slot: 0, bytes: Array("/etc/shadow".utf8))]
        var bytes = record.bytes
        bytes[MemoryLayout<tg_record>.offset(of: \.payload_count)!] = 9  // more payloads than the record holds
        #expect(answers(to: bytes) == [.kill])
    }

    @Test func aDamagedRecordThatHoldsNothingIsNotAnswered() {
        var record = RecordBytes(kind: TG_KIND_SYSCALL.rawValue, syscall: 257)
        record.payloads = [(slot: 0, bytes: Array("/etc/shadow".utf8))]
        var bytes = record.bytes
        bytes[MemoryLayout<tg_record>.offset(of: \.payload_count)!] = 9
        #expect(answers(to: bytes) == [])
    }
}
