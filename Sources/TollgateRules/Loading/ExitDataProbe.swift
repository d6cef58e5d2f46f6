import TollgateEvents

/// Finds the exit-data fields a rule cannot do without: a check that, on an event whose exit
/// data is missing (a seccomp record: `returnValueUnknown`), reads false where the rule needs
/// it true (or true under `not`). Through such a check the rule stays quiet when it should
/// fire. A check the missing data satisfies (`evt.failed=false`: an unknown result is not a
/// failure) only widens the rule, which may then also fire on failed attempts.
///
/// Each check is asked on a real decoded record of every event type the rule matches and for
/// which the field needs exit data (`ExitDataDependence`). One probe per load. `ownExitTypes`
/// answers the tracer's question from the same reads: which calls to follow to their exit.
package final class ExitDataProbe {
    private var events: [EventType: Event?] = [:]
    /// One user database for every probe decoder: each reading /etc/passwd and /etc/group
    /// again cost rule loading two file reads and parses per event type probed.
    private lazy var users = UserDatabase()

    package init() {}

    /// The fields, as written and sorted, through which `reads` go blind on the rule's
    /// `eventTypes` (nil: every type).
    package func blindFields(_ reads: [ExitDataRead], eventTypes: [EventType]?) -> [String] {
        var blind: Set<String> = []
        let ruleTypes = eventTypes ?? SyscallTable.all.map(\.type)
        for read in reads where !blind.contains(read.field) {
            let types = ruleTypes.filter { read.eventTypes.contains($0.name) }
            for type in types where read.dependence.needsExitData(on: type.info, argument: read.argument) {
                guard let event = event(type) else { continue }
                if read.check(event) == read.negated {
                    blind.insert(read.field)
                    break
                }
            }
        }
        return blind.sorted()
    }

    /// The event types among the rule's `eventTypes` (nil: every type) on which its condition
    /// `reads` or its `outputs` need the call's own exit (`ExitDataSource.ownExit`).
    package static func ownExitTypes(
        _ reads: [ExitDataRead], outputs: [(argument: String?, dependence: ExitDataDependence)], eventTypes: [EventType]?
    ) -> Set<EventType> {
        let ruleTypes = eventTypes ?? SyscallTable.all.map(\.type)
        var found: Set<EventType> = []
        for type in ruleTypes {
            let needed = reads.contains { read in
                read.eventTypes.contains(type.name) && read.dependence.source(on: type.info, argument: read.argument) == .ownExit
            } || outputs.contains { $0.dependence.source(on: type.info, argument: $0.argument) == .ownExit }
            if needed { found.insert(type) }
        }
        return found
    }

    /// A syscall record of `type` with the return value unknown, decoded in a fresh process
    /// with no fds; nil for types that are not native syscalls (procexit).
    private func event(_ type: EventType) -> Event? {
        if let known = events[type] { return known }
        var made: Event?
        if let number = type.info.number(for: .native) {
            let decoder = EventDecoder(users: users)
            decoder.seed(pid: 100, exePath: "/bin/probe", argv: ["probe"], env: [], cwd: "/", uid: 0, gid: 0, startTime: 1)
            made = decoder.decode(RawEvent(kind: .syscall, timestamp: 2, pid: 100, tid: 100, syscall: number,
                                           flags: [.returnValueUnknown, .argsReadAtEntry]))
        }
        events[type] = made
        return made
    }
}
