/// The one record every capture backend (eBPF, seccomp, ptrace, replay) delivers: the Swift
/// mirror of the C record. `EventDecoder.decode(_:)` turns it into a typed `Event`.
///
/// Field meanings by `kind`:
/// - `.syscall`: a completed syscall (exit, carrying the entry arguments). `syscall` is the
///   native number for the capture's architecture; `returnValue` is the result or `-errno`.
/// - `.processFork`: `pid`/`tid` are the parent; `returnValue` is the child tid; `args[0]` the
///   clone flags; `args[1]` the child tgid (equal to the child tid unless `CLONE_THREAD`).
///   `syscall` may name clone/clone3/fork/vfork, or be -1. `credentials`, when present, are the
///   child's capability sets (on other records, the calling task's after the call).
/// - `.processExec`: a successful exec, image in place; `returnValue` 0. Payloads `exePath`
///   (the real executable), `argv`, and optionally `env`, `cwd` and `arg(0)` (`arg(1)` for
///   execveat): the filename as passed, whose basename is the kernel's comm (`proc.name`: the
///   script's name when a script runs); without it `proc.name` comes from `exePath`.
///   `args[0]` holds `ExecFlags`; `exeFile` and `credentials` describe the image and the
///   task's capability sets after the exec. `syscall` may name execve or execveat, or be -1.
/// - `.processExit`: a thread exited; `returnValue` is the status in wait(2) form.
///
/// Payloads live in one contiguous buffer (no allocation when there are none); see
/// `payload(_:)` and `setPayload(_:_:)`. Construct test events with the memberwise-style
/// initializer: `RawEvent(kind: .syscall, timestamp: 1, pid: 10, tid: 10, syscall: 257,
/// args: [0xFFFF_FF9C, 0, 0], returnValue: 3, payloads: [.arg(1): "/etc/passwd"])`.
public struct RawEvent: Sendable, Equatable {
    /// What happened.
    public enum Kind: UInt8, Sendable, CaseIterable {
        case syscall = 0
        case processFork = 1
        case processExec = 2
        case processExit = 3
    }

    /// Facts about how the record was captured.
    public struct Flags: OptionSet, Sendable, Hashable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// At least one payload was cut short by the capture's size limit.
        public static let payloadTruncated = Flags(rawValue: 1 << 0)
        /// The return value is not known (the seccomp backend sees only entries).
        public static let returnValueUnknown = Flags(rawValue: 1 << 1)
        /// Arguments and payloads were read at syscall entry.
        public static let argsReadAtEntry = Flags(rawValue: 1 << 2)
        /// A payload read from user memory failed (the slot is absent).
        public static let payloadReadFailed = Flags(rawValue: 1 << 3)
        /// An exec's command line (`argv`) was longer than the capture copies (64 KiB): the
        /// payload holds its start only.
        public static let commandLineTruncated = Flags(rawValue: 1 << 4)
        /// The call aimed at the gate or its capture monitor (`evt.is_gate_target`): the backend
        /// refused it, or killed its caller; or it opened one of their `/proc/<pid>` entries.
        public static let gateTarget = Flags(rawValue: 1 << 5)
        /// The backend holds the task until the gate has evaluated this record (`--kill-on`).
        public static let awaitsVerdict = Flags(rawValue: 1 << 6)
        /// A call about to run, sent only for the gate to decide whether it may (`--deny-on`):
        /// not an event.
        public static let probe = Flags(rawValue: 1 << 7)
        /// The backend refused the call on the gate's verdict (`--deny-on`); the return value is
        /// the error it returned.
        public static let denied = Flags(rawValue: 1 << 8)
        /// eBPF (`--kill-on`): the capture program killed the caller at this call's exit, on a
        /// condition the gate gave it (`KernelOpenCondition`).
        public static let killedInKernel = Flags(rawValue: 1 << 9)
        /// All defined flags (unknown bits are rejected by the binary decoder).
        public static let all: Flags = [.payloadTruncated, .returnValueUnknown, .argsReadAtEntry, .payloadReadFailed,
                                        .commandLineTruncated, .gateTarget, .awaitsVerdict, .probe, .denied, .killedInKernel]
    }

    /// Flags carried in `args[0]` of a `.processExec` record (Falco's execve `flags` param).
    public struct ExecFlags: OptionSet, Sendable, Hashable {
        public let rawValue: UInt64
        public init(rawValue: UInt64) { self.rawValue = rawValue }
        /// The executable is writable by the user that runs it (`EXE_WRITABLE`).
        public static let exeWritable = ExecFlags(rawValue: 1 << 0)
        /// The executable is in an overlayfs upper layer (`EXE_UPPER_LAYER`).
        public static let exeUpperLayer = ExecFlags(rawValue: 1 << 1)
        /// The executable is a memfd (`EXE_FROM_MEMFD`).
        public static let exeFromMemfd = ExecFlags(rawValue: 1 << 2)
        /// The executable is in an overlayfs lower layer (`EXE_LOWER_LAYER`).
        public static let exeLowerLayer = ExecFlags(rawValue: 1 << 3)
        /// The backend checked writability, so a clear `exeWritable` means "not writable".
        public static let exeWritableKnown = ExecFlags(rawValue: 1 << 8)
        /// The backend checked overlayfs layers, so clear layer flags mean "in neither".
        public static let exeLayerKnown = ExecFlags(rawValue: 1 << 9)
    }

    /// The six raw argument registers.
    public struct Arguments: Sendable, Equatable, ExpressibleByArrayLiteral {
        public var a0: UInt64 = 0, a1: UInt64 = 0, a2: UInt64 = 0
        public var a3: UInt64 = 0, a4: UInt64 = 0, a5: UInt64 = 0
        public init() {}
        /// Up to six values; missing ones are zero, extra ones ignored.
        public init(_ values: [UInt64]) {
            for (i, v) in values.prefix(6).enumerated() { self[i] = v }
        }
        public init(arrayLiteral elements: UInt64...) { self.init(elements) }
        /// The six registers in order, without building an array (the capture parsers' path).
        @inlinable
        public init(_ a0: UInt64, _ a1: UInt64, _ a2: UInt64, _ a3: UInt64, _ a4: UInt64, _ a5: UInt64) {
            (self.a0, self.a1, self.a2, self.a3, self.a4, self.a5) = (a0, a1, a2, a3, a4, a5)
        }
        /// Register `i` (0...5); out-of-range reads give 0 and writes are ignored.
        public subscript(i: Int) -> UInt64 {
            get {
                switch i {
                case 0: a0
                case 1: a1
                case 2: a2
                case 3: a3
                case 4: a4
                case 5: a5
                default: 0
                }
            }
            set {
                switch i {
                case 0: a0 = newValue
                case 1: a1 = newValue
                case 2: a2 = newValue
                case 3: a3 = newValue
                case 4: a4 = newValue
                case 5: a5 = newValue
                default: break
                }
            }
        }
    }

    /// Largest payload one slot may hold; longer payloads are cut and flagged truncated.
    public static let maxPayloadLength = 1 << 20

    public var kind: Kind
    /// Nanoseconds, boot-time clock (the capture header gives the offset to wall clock).
    public var timestamp: UInt64
    /// Thread group id (the process id).
    public var pid: Int32
    /// Thread id.
    public var tid: Int32
    /// Parent tgid at the time of the event (0 when unknown).
    public var ppid: Int32
    /// Effective uid and gid.
    public var uid: UInt32
    public var gid: UInt32
    /// Native syscall number of the capture's architecture; -1 for non-syscall kinds.
    public var syscall: Int32
    public var args: Arguments
    /// Syscall result (negative errno on failure); see the type doc for other kinds.
    public var returnValue: Int64
    public var flags: Flags

    /// Bit i set when payload slot i is present.
    package private(set) var payloadMask: UInt16 = 0
    /// Present payloads in slot order, each as a little-endian u32 length then the bytes.
    package private(set) var payloadStore: [UInt8] = []

    public init(
        kind: Kind, timestamp: UInt64, pid: Int32, tid: Int32, ppid: Int32 = 0,
        uid: UInt32 = 0, gid: UInt32 = 0, syscall: Int32 = -1, args: Arguments = Arguments(),
        returnValue: Int64 = 0, flags: Flags = [], payloads: [PayloadSlot: ByteString] = [:]
    ) {
        self.kind = kind
        self.timestamp = timestamp
        self.pid = pid
        self.tid = tid
        self.ppid = ppid
        self.uid = uid
        self.gid = gid
        self.syscall = syscall
        self.args = args
        self.returnValue = returnValue
        self.flags = flags
        for slot in PayloadSlot.all {
            if let bytes = payloads[slot] { setPayload(slot, bytes.bytes) }
        }
    }

    package init(header: RawEvent, payloadMask: UInt16, payloadStore: [UInt8]) {
        self = header
        self.payloadMask = payloadMask
        self.payloadStore = payloadStore
    }

    /// True when the slot holds a payload (possibly empty).
    public func hasPayload(_ slot: PayloadSlot) -> Bool {
        guard let i = slot.index else { return false }
        return payloadMask & (1 << UInt16(i)) != 0
    }

    /// The payload bytes for `slot`, or nil when absent. Does not copy.
    public func payload(_ slot: PayloadSlot) -> ByteString? {
        guard let range = payloadRange(slot) else { return nil }
        return ByteString(payloadStore[range])
    }

    /// Sets (or with nil, removes) the payload of `slot`. Longer than `maxPayloadLength` is cut
    /// and `.payloadTruncated` set.
    public mutating func setPayload<C: Collection>(_ slot: PayloadSlot, _ bytes: C?) where C.Element == UInt8 {
        guard let index = slot.index else { return }
        // Fast path: slots set in index order (as capture parsers do) just append.
        if let bytes, payloadMask >> UInt16(index) == 0 {
            var length = bytes.count
            if length > Self.maxPayloadLength {
                length = Self.maxPayloadLength
                flags.insert(.payloadTruncated)
            }
            payloadStore.reserveCapacity(payloadStore.count + 4 + length)
            payloadStore.appendLittleEndian(UInt32(length))
            payloadStore.append(contentsOf: bytes.prefix(length))
            payloadMask |= 1 << UInt16(index)
            return
        }
        var slices: [ArraySlice<UInt8>?] = PayloadSlot.all.map { s in
            payloadRange(s).map { payloadStore[$0] }
        }
        if let bytes {
            var value = ArraySlice(bytes)
            if value.count > Self.maxPayloadLength {
                value = value.prefix(Self.maxPayloadLength)
                flags.insert(.payloadTruncated)
            }
            slices[index] = value
        } else {
            slices[index] = nil
        }
        var store: [UInt8] = []
        store.reserveCapacity(slices.reduce(0) { $0 + ($1.map { $0.count + 4 } ?? 0) })
        var mask: UInt16 = 0
        for (i, slice) in slices.enumerated() {
            guard let slice else { continue }
            mask |= 1 << UInt16(i)
            store.appendLittleEndian(UInt32(slice.count))
            store.append(contentsOf: slice)
        }
        payloadMask = mask
        payloadStore = store
    }

    /// `setPayload(_:_:)` for bytes in memory, as capture parsers have them: no generic
    /// dispatch per byte run, one copy.
    public mutating func setPayload(_ slot: PayloadSlot, _ bytes: UnsafeRawBufferPointer) {
        guard let index = slot.index, payloadMask >> UInt16(index) == 0, bytes.count <= Self.maxPayloadLength else {
            setPayload(slot, Optional(Array(bytes)))
            return
        }
        payloadStore.appendLittleEndian(UInt32(bytes.count))
        payloadStore.append(contentsOf: bytes)
        payloadMask |= 1 << UInt16(index)
    }

    /// Makes room for `count` more bytes of payloads (with their length words), so that
    /// setting several payloads allocates once.
    public mutating func reservePayloadCapacity(_ count: Int) {
        payloadStore.reserveCapacity(payloadStore.count + count)
    }

    /// Convenience for `setPayload(slot, string.utf8)`.
    public mutating func setPayload(_ slot: PayloadSlot, string: String) {
        setPayload(slot, Array(string.utf8))
    }

    private func payloadRange(_ slot: PayloadSlot) -> Range<Int>? {
        guard let index = slot.index, payloadMask & (1 << UInt16(index)) != 0 else { return nil }
        var offset = 0
        for i in 0...index where payloadMask & (1 << UInt16(i)) != 0 {
            let length = Int(payloadStore.readLittleEndianUInt32(at: offset))
            if i == index { return (offset + 4)..<(offset + 4 + length) }
            offset += 4 + length
        }
        return nil
    }
}

extension RawEvent {
    /// A payload this record should carry could not be read from the job's memory (its slot is
    /// absent, its values unknown) and the call may have acted on it: the run was blind to what
    /// the call named, so it counts as damage like a lost event. A call known to have failed is
    /// not damage (its values stay unknown): it did nothing, and the kernel may have refused it
    /// before reading that memory at all, which then was never faulted in and so cannot be read
    /// at the syscall's exit by eBPF (`finit_module(-1, "", 0)`: EBADF, its `""` untouched), or
    /// could not read it either (EFAULT). A job can hide only failed attempts that way.
    public var hasUnreadablePayload: Bool {
        guard flags.contains(.payloadReadFailed) else { return false }
        let failed = kind == .syscall && !flags.contains(.returnValueUnknown) && (-4095 ... -1).contains(returnValue)
        return !failed
    }
}

extension [UInt8] {
    @inline(__always)
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        var v = value.littleEndian
        Swift.withUnsafeBytes(of: &v) { append(contentsOf: $0) }
    }

    /// Reads a little-endian u32; the caller guarantees `offset + 4 <= count`.
    @inline(__always)
    func readLittleEndianUInt32(at offset: Int) -> UInt32 {
        UInt32(self[offset]) | UInt32(self[offset + 1]) << 8 | UInt32(self[offset + 2]) << 16
            | UInt32(self[offset + 3]) << 24
    }
}
