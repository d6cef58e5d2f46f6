import CTollgate
import TollgateEvents

/// Carries `struct tg_record`s from a backend's C reader to the current sink, the same way for
/// every backend: parse, normalise, count, hand on. Malformed records are counted, never fatal.
final class RecordDelivery {
    private static let execSyscalls = Set(SyscallTable.numbers(forNames: ["execve", "execveat"]))

    var sink: CaptureSink?
    /// Learns the job's processes from fork and exit records, when the backend needs it.
    var tree: JobTree?
    /// The backend reads arguments at syscall entry (seccomp), not only for records without
    /// a return value.
    var argumentsReadAtEntry = false
    /// Carries the sink's verdicts back to the backend: the answer to a record that holds its
    /// task (`awaitsVerdict`, `probe`), or a kill the sink asked for after any record.
    var respond: ((RecordVerdict) -> Void)?
    /// A kill went out: every later answer is a kill too (`tollgate_ptrace.h`).
    private(set) var killSent = false
    private(set) var events: UInt64 = 0
    private(set) var malformed: UInt64 = 0
    private(set) var unreadablePayloads: UInt64 = 0

    /// The C callback; its context is an unretained `RecordDelivery`.
    static let handler: tg_record_handler = { context, bytes, size in
        guard let context, let bytes else { return 0 }
        Unmanaged<RecordDelivery>.fromOpaque(context).takeUnretainedValue()
            .deliver(UnsafeRawBufferPointer(start: bytes, count: size))
        return 0
    }

    var context: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    private func deliver(_ bytes: UnsafeRawBufferPointer) {
        guard var event = try? RawRecordParser.parse(bytes) else {
            malformed += 1
            // A damaged record that holds its task must still be answered, or the job hangs; the
            // gate has not seen the call, so it may not run: fail closed.
            let holding = TG_FLAG_AWAITS_VERDICT.rawValue | TG_FLAG_PROBE.rawValue
            if bytes.count >= MemoryLayout<tg_record>.size,
               UInt32(bytes.loadUnaligned(fromByteOffset: MemoryLayout<tg_record>.offset(of: \.flags)!, as: UInt16.self)) & holding != 0 {
                answer(.kill)
            }
            return
        }
        if event.flags.contains(.probe) {
            answer(sink?.decide(event) ?? .allow)
            return
        }
        // A successful exec returns into the new image: its registers no longer hold the
        // call's arguments, and the exec record already tells it. Told once, by every backend.
        if event.kind == .syscall, event.returnValue == 0, Self.execSyscalls.contains(event.syscall) {
            if event.flags.contains(.awaitsVerdict) { answer(.allow) }
            return
        }
        // seccomp reads every call at entry; ptrace those it records without their exit.
        if event.kind == .syscall, argumentsReadAtEntry || event.flags.contains(.returnValueUnknown) {
            event.flags.insert(.argsReadAtEntry)
        }
        events += 1
        if event.hasUnreadablePayload { unreadablePayloads += 1 }
        tree?.observe(event)
        sink?.receive(event)
        if event.flags.contains(.awaitsVerdict) {
            answer(.allow)
        } else if !killSent, sink?.killsJob == true {
            answer(.kill)
        }
    }

    /// Sends `verdict`, or a kill once the sink wants the job dead.
    private func answer(_ verdict: RecordVerdict) {
        let verdict = killSent || sink?.killsJob == true ? .kill : verdict
        if verdict == .kill { killSent = true }
        respond?(verdict)
    }
}
