import CTollgate
import TollgateEvents

/// Turns the bytes of one `struct tg_record` (the C layout every backend produces) into a
/// `RawEvent`. Never trusts the bytes: a malformed record is an error, not a crash.
package enum RawRecordParser {
    package enum Failure: Error, Equatable, CustomStringConvertible {
        case tooShort(Int)
        case sizeMismatch(declared: Int, available: Int)
        case unknownKind(UInt8)
        case payloadOutOfBounds(index: Int)

        package var description: String {
            switch self {
            case .tooShort(let size): "record of \(size) bytes is shorter than its header"
            case .sizeMismatch(let declared, let available): "record declares \(declared) bytes but \(available) are present"
            case .unknownKind(let kind): "record kind \(kind) is unknown"
            case .payloadOutOfBounds(let index): "payload \(index) runs past the end of the record"
            }
        }
    }

    static let headerSize = MemoryLayout<tg_record>.size
    static let payloadHeaderSize = MemoryLayout<tg_payload>.size

    package static func parse(_ bytes: UnsafeRawBufferPointer) throws(Failure) -> RawEvent {
        guard bytes.count >= headerSize else { throw .tooShort(bytes.count) }
        let record = bytes.loadUnaligned(as: tg_record.self)
        let declared = Int(record.size)
        guard declared >= headerSize, declared <= bytes.count else {
            throw .sizeMismatch(declared: declared, available: bytes.count)
        }
        var event = RawEvent(
            kind: try kind(record.kind), timestamp: record.timestamp_ns, pid: record.pid, tid: record.tid,
            ppid: record.ppid, uid: record.uid, gid: record.gid, syscall: record.syscall,
            args: RawEvent.Arguments(record.args.0, record.args.1, record.args.2, record.args.3, record.args.4, record.args.5),
            returnValue: record.ret, flags: flags(record.flags)
        )
        var offset = headerSize
        if record.payload_count > 0 { event.reservePayloadCapacity(declared - headerSize) }
        for index in 0..<Int(record.payload_count) {
            guard offset + payloadHeaderSize <= declared else { throw .payloadOutOfBounds(index: index) }
            let header = bytes.loadUnaligned(fromByteOffset: offset, as: tg_payload.self)
            let start = offset + payloadHeaderSize
            let end = start + Int(header.length)
            guard end <= declared else { throw .payloadOutOfBounds(index: index) }
            if let slot = slot(header.slot) {
                event.setPayload(slot, UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
            }
            offset = start + (Int(header.length) + 7) & ~7
        }
        return event
    }

    private static func kind(_ raw: UInt8) throws(Failure) -> RawEvent.Kind {
        switch UInt32(raw) {
        case TG_KIND_SYSCALL.rawValue: .syscall
        case TG_KIND_FORK.rawValue: .processFork
        case TG_KIND_EXEC.rawValue: .processExec
        case TG_KIND_EXIT.rawValue: .processExit
        default: throw .unknownKind(raw)
        }
    }

    private static func flags(_ raw: UInt16) -> RawEvent.Flags {
        var flags: RawEvent.Flags = []
        if UInt32(raw) & TG_FLAG_PAYLOAD_TRUNCATED.rawValue != 0 { flags.insert(.payloadTruncated) }
        if UInt32(raw) & TG_FLAG_RETURN_UNKNOWN.rawValue != 0 { flags.insert(.returnValueUnknown) }
        if UInt32(raw) & TG_FLAG_PAYLOAD_FAILED.rawValue != 0 { flags.insert(.payloadReadFailed) }
        if UInt32(raw) & TG_FLAG_ARGV_TRUNCATED.rawValue != 0 { flags.insert(.commandLineTruncated) }
        if UInt32(raw) & TG_FLAG_GATE_TARGET.rawValue != 0 { flags.insert(.gateTarget) }
        if UInt32(raw) & TG_FLAG_AWAITS_VERDICT.rawValue != 0 { flags.insert(.awaitsVerdict) }
        if UInt32(raw) & TG_FLAG_PROBE.rawValue != 0 { flags.insert(.probe) }
        if UInt32(raw) & TG_FLAG_DENIED.rawValue != 0 { flags.insert(.denied) }
        if UInt32(raw) & TG_FLAG_KILLED_IN_KERNEL.rawValue != 0 { flags.insert(.killedInKernel) }
        return flags
    }

    private static func slot(_ raw: UInt16) -> PayloadSlot? {
        switch UInt32(raw) {
        case 0...5: .arg(Int(raw))
        case TG_SLOT_EXE_PATH.rawValue: .exePath
        case TG_SLOT_ARGV.rawValue: .argv
        case TG_SLOT_ENV.rawValue: .env
        case TG_SLOT_CWD.rawValue: .cwd
        case TG_SLOT_RESOLVED_PATH.rawValue: .resolvedPath
        case TG_SLOT_CREDENTIALS.rawValue: .credentials
        case TG_SLOT_EXE_FILE.rawValue: .exeFile
        case TG_SLOT_CGROUP.rawValue: .cgroup
        default: nil
        }
    }
}
