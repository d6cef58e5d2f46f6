/// The one syscall table both the capture side and the decoder use.
///
/// Lookups by name and by (architecture, number) are O(1). Every entry is also a Falco event
/// type (`EventType`); `procexit` is the one entry without syscall numbers.
public enum SyscallTable {
    /// Every entry, indexed by `EventType.rawValue`.
    public static let all: [SyscallInfo] = syscallSpecs.enumerated().map { index, spec in
        SyscallInfo(
            type: EventType(rawValue: UInt16(index)), name: spec.name, x86_64: spec.x86_64,
            arm64: spec.arm64, arguments: spec.arguments,
            parameters: spec.parameters.map { $0.resolve(spec.arguments) }, fdSource: spec.fd,
            effect: spec.effect, category: spec.category)
    }

    private static let byName: [String: Int] = Dictionary(
        uniqueKeysWithValues: all.enumerated().map { ($1.name, $0) })

    /// Entry index by syscall number, one dense array per architecture (-1 = none).
    static let byNumber: [[Int16]] = Architecture.allCases.map { arch in
        let maxNumber = all.compactMap { $0.number(for: arch) }.max() ?? 0
        var table = [Int16](repeating: -1, count: Int(maxNumber) + 1)
        for (index, info) in all.enumerated() {
            if let n = info.number(for: arch) { table[Int(n)] = Int16(index) }
        }
        return table
    }

    /// The entry for a Falco event / syscall name.
    public static func info(named name: String) -> SyscallInfo? {
        byName[name].map { all[$0] }
    }

    /// The entry for a native syscall number, nil when the table does not know it.
    @inline(__always)
    public static func info(arch: Architecture, number: Int32) -> SyscallInfo? {
        eventType(arch: arch, number: number).map { all[Int($0.rawValue)] }
    }

    /// The event type for a native syscall number, nil when the table does not know it.
    @inline(__always)
    public static func eventType(arch: Architecture, number: Int32) -> EventType? {
        let table = numberIndex(arch)
        guard number >= 0, Int(number) < table.count else { return nil }
        let index = table[Int(number)]
        return index < 0 ? nil : EventType(rawValue: UInt16(index))
    }

    /// The dense number -> entry index table of `arch` (-1 = unknown number).
    static func numberIndex(_ arch: Architecture) -> [Int16] { byNumber[arch == .x86_64 ? 0 : 1] }

    /// Names of the given syscall numbers (unknown numbers are skipped), in input order.
    public static func names<S: Sequence>(forNumbers numbers: S, arch: Architecture = .native) -> [String]
    where S.Element == Int32 {
        numbers.compactMap { info(arch: arch, number: $0)?.name }
    }

    /// Sorted native numbers of the named syscalls on `arch`; names that are unknown or do not
    /// exist on `arch` (e.g. `open` on arm64, `procexit`) are skipped.
    /// The capture side fills its in-kernel syscall bitmap from this.
    public static func numbers<S: Sequence>(forNames names: S, arch: Architecture = .native) -> [Int32]
    where S.Element == String {
        Array(Set(names.compactMap { info(named: $0)?.number(for: arch) })).sorted()
    }

    /// Names in `names` no backend can deliver on `arch`: event types with no syscall number
    /// there (`container`, `access` on arm64, ...), except `procexit`, which is a lifecycle record.
    public static func undeliverableNames<S: Sequence>(_ names: S, arch: Architecture = .native) -> Set<String>
    where S.Element == String {
        Set(names.filter { name in
            guard let info = info(named: name) else { return true }
            return info.type != procexit && info.number(for: arch) == nil
        })
    }

    /// The event types a backend delivers when it hooks `hooked` and reports `untraced` as not
    /// hooked: those with a syscall number on `arch`, plus `procexit`. Every other type a rule
    /// names (`container`, `open` on arm64) reaches no backend.
    public static func deliverableNames(hooked: Set<String>, untraced: Set<String>, arch: Architecture = .native) -> Set<String> {
        let all = hooked.union([all[Int(procexit.rawValue)].name])
        return all.subtracting(untraced).subtracting(undeliverableNames(all, arch: arch))
    }

    /// Names in `names` that the table does not know at all.
    public static func unknownNames<S: Sequence>(_ names: S) -> [String] where S.Element == String {
        names.filter { byName[$0] == nil }
    }

    /// For a parameter name (`evt.arg.<name>`), its index in every event type, indexed by
    /// `EventType.rawValue` (nil where the type has no such parameter). Build once when a rule
    /// is compiled, then `event.argument(at: table[Int(event.type.rawValue)])` per event skips
    /// the per-event name lookup.
    public static func parameterIndexTable(named name: String) -> [Int?] {
        all.map { $0.parameterIndex(named: name) }
    }

    /// True when some event type has a parameter called `name` (Falco rejects unknown
    /// `evt.arg.<name>` at load time).
    public static func isKnownParameter(_ name: String) -> Bool {
        all.contains { $0.parameterIndex(named: name) != nil }
    }

    /// Kernel argument indexes whose memory the capture side must read, for a native number.
    public static func payloadArguments(arch: Architecture, number: Int32) -> [Int] {
        info(arch: arch, number: number)?.payloadArguments ?? []
    }

    /// Syscalls the decoder needs to keep process and fd state right, whatever the rules say.
    public static let stateSyscallNames: Set<String> = Set(
        all.filter { info in
            switch info.effect {
            case .none, .setsid, .setpgid: return false
            case .datagram: return false
            default: return true
            }
        }.map(\.name)
    ).subtracting(["procexit"])

    /// The state syscalls whose failed calls still change state: a connect that failed with
    /// EINPROGRESS has its socket connecting (`EventDecoder.apply`). Other failures change none.
    public static let failureStateSyscallNames: Set<String> = Set(
        stateSyscallNames.filter { name in
            if case .connect? = info(named: name)?.effect { return true }
            return false
        }
    )

    /// The state syscalls whose return value the decoder needs (`stateNeedsReturnValue`).
    public static let returnStateSyscallNames: Set<String> = Set(
        stateSyscallNames.filter { info(named: $0)?.stateNeedsReturnValue ?? true }
    )

    /// Falco event types that are not syscalls (delivered as process-lifecycle records).
    public static let procexit: EventType = EventType(rawValue: UInt16(byName["procexit"] ?? 0))
}
