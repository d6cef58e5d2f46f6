import CTollgate
import TollgateEvents

/// Builds the read-only configuration of the capture program: which syscalls it ships and
/// how it reads each argument's memory, both from `SyscallTable` so that one table serves
/// the kernel and the decoder.
package enum BPFCaptureConfig {
    /// Syscalls that are read with a sockaddr length behind a pointer (the kernel writes it).
    private static let lengthBehindPointer: Set<String> = ["accept", "accept4", "recvfrom", "getsockname", "getpeername"]
    /// Calls whose sockaddr is the `msg_name` of a message header the argument points to.
    private static let messageHeader: Set<String> = ["sendmsg", "recvmsg", "sendmmsg"]

    /// A configuration capturing `syscallNames` (unknown names and names absent on `arch`
    /// are left out) that wakes the consumer once `wakeupBytes` wait in the ring.
    package static func make(syscallNames: Set<String>, arch: Architecture = .native, wakeupBytes: UInt64 = 1 << 20) -> tg_capture_config {
        var config = tg_capture_config()
        config.wakeup_bytes = wakeupBytes
        let limit = Int32(TG_MAX_SYSCALLS)
        store(bitmap(syscallNames: syscallNames, arch: arch), into: &config.wanted_syscalls)
        withUnsafeMutableBytes(of: &config.arg_kinds) { kinds in
            for name in syscallNames {
                guard let info = SyscallTable.info(named: name), let number = info.number(for: arch), number < limit else { continue }
                for (index, argument) in info.arguments.enumerated().prefix(6) {
                    kinds[Int(number) * 6 + index] = argKind(argument.type, syscall: name).rawValue
                }
            }
        }
        return config
    }

    /// The configuration a program is loaded with before the rules are known: every table
    /// syscall's argument kinds, no syscall wanted yet (`tg_capture_attach` writes `bitmap`).
    package static func beforeRules(arch: Architecture = .native) -> tg_capture_config {
        var config = make(syscallNames: Set(SyscallTable.all.map(\.name)), arch: arch)
        config.wanted_syscalls = tg_capture_config().wanted_syscalls
        return config
    }

    /// Writes `words` (a `bitmap`) into a bitmap field of a C config (`TG_MAX_SYSCALLS` bits).
    static func store<Field>(_ words: [UInt64], into field: inout Field) {
        withUnsafeMutableBytes(of: &field) { bytes in
            words.withUnsafeBytes { bytes.copyMemory(from: $0) }
        }
    }

    /// Bit N set for syscall number N of `syscallNames` on `arch` (TG_MAX_SYSCALLS bits).
    static func bitmap(syscallNames: Set<String>, arch: Architecture = .native) -> [UInt64] {
        var words = [UInt64](repeating: 0, count: Int(TG_MAX_SYSCALLS) / 64)
        for number in SyscallTable.numbers(forNames: syscallNames, arch: arch) where number >= 0 && number < Int32(TG_MAX_SYSCALLS) {
            words[Int(number) / 64] |= 1 << UInt64(number % 64)
        }
        return words
    }

    /// How the kernel side reads an argument of `type`; raw buffers are never copied.
    static func argKind(_ type: ValueType, syscall: String) -> tg_arg_kind_value {
        switch type {
        case .path, .relativePath, .string: return .string
        case .sockaddr where messageHeader.contains(syscall): return .messageName
        case .sockaddr: return lengthBehindPointer.contains(syscall) ? .sockaddrLengthBehindPointer : .sockaddrLengthNext
        case .fdPair: return .fdPair
        case .sizedStruct: return .structLengthNext
        default: return .none
        }
    }

    /// Whether syscall `number` is shipped by `config`.
    static func wants(_ config: tg_capture_config, number: Int32) -> Bool {
        guard number >= 0, number < Int32(TG_MAX_SYSCALLS) else { return false }
        return withUnsafeBytes(of: config.wanted_syscalls) { words in
            words.load(fromByteOffset: Int(number) / 64 * 8, as: UInt64.self) & (1 << UInt64(number % 64)) != 0
        }
    }

    /// The `tg_arg_kind` of argument `index` of syscall `number` in `config`.
    static func argKind(_ config: tg_capture_config, number: Int32, index: Int) -> tg_arg_kind_value? {
        withUnsafeBytes(of: config.arg_kinds) { tg_arg_kind_value(rawValue: $0[Int(number) * 6 + index]) }
    }
}

/// Swift names for the values of `enum tg_arg_kind`.
enum tg_arg_kind_value: UInt8 {
    case none = 0
    case string = 1
    case sockaddrLengthNext = 2
    case sockaddrLengthBehindPointer = 3
    case fdPair = 4
    case structLengthNext = 5
    case messageName = 6
}
