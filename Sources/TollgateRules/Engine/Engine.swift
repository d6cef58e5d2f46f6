import TollgateEvents

/// Evaluates compiled rules against events. Rules are indexed by event type; every enabled
/// rule that matches fires (a CI gate wants every violation, not Falco's first match).
public final class Engine: Sendable {
    public let ruleSet: RuleSet
    /// Syscall names the enabled rules can match, for the capture side to filter in the kernel.
    /// Every syscall when some rule can match any event type.
    public let neededSyscalls: Set<String>
    /// The needed syscalls whose own exit (return value, memory the kernel writes) some enabled
    /// rule reads; a tracer may skip the exit of the others.
    public let exitSyscalls: Set<String>
    /// Rules per event type id. Class slots: calling a predicate loads one field instead of
    /// copying a `CompiledRule` out of an array.
    private let index: [[Slot]]

    private final class Slot: Sendable {
        let position: Int
        let predicate: EventPredicate
        init(_ position: Int, _ predicate: @escaping EventPredicate) {
            self.position = position
            self.predicate = predicate
        }
    }

    public init(_ ruleSet: RuleSet) {
        self.ruleSet = ruleSet
        var index = [[Int]](repeating: [], count: SyscallTable.all.count)
        var needed: Set<String> = []
        for (position, rule) in ruleSet.rules.enumerated() where rule.enabled {
            if let types = rule.eventTypeIDs {
                for type in types { index[Int(type.rawValue)].append(position) }
            } else {
                for slot in index.indices { index[slot].append(position) }
            }
        }
        for (slot, rules) in index.enumerated() where !rules.isEmpty {
            let info = SyscallTable.all[slot]
            if info.x86_64 != nil || info.arm64 != nil { needed.insert(info.name) }
        }
        let slots = ruleSet.rules.enumerated().map { Slot($0.offset, $0.element.predicate) }
        self.index = index.map { $0.map { slots[$0] } }
        self.neededSyscalls = needed
        exitSyscalls = Set(ruleSet.rules.filter(\.enabled).flatMap(\.ownExitTypes).map(\.name)).intersection(needed)
    }

    /// The enabled rules that can match events of this type, in definition order.
    public func rules(for type: EventType) -> [CompiledRule] {
        index[Int(type.rawValue)].map { ruleSet.rules[$0.position] }
    }

    /// Every enabled rule that matches the event. Evaluate before decoding the next event:
    /// fields read the process and fd state as it is now.
    public func evaluate(_ event: borrowing Event) -> [Finding] {
        var findings: [Finding] = []
        let memo = MacroMemo(count: ruleSet.memoSlots)
        for slot in index[Int(event.type.rawValue)] where slot.predicate(event, memo) {
            let rule = ruleSet.rules[slot.position]
            findings.append(Finding(
                rule: rule.name, priority: rule.priority, output: rule.output.render(event),
                outputFields: rule.output.fieldValues(event), tags: rule.tags, source: rule.source,
                time: event.wallClockTime, ruleLocation: rule.location, eventNumber: event.number,
                eventType: event.name, pid: event.process.pid))
        }
        return findings
    }

    /// Whether one rule's condition matches (benchmarks, tests).
    package func ruleMatches(_ rule: CompiledRule, _ event: Event) -> Bool {
        rule.predicate(event, MacroMemo(count: ruleSet.memoSlots))
    }

    /// How many enabled rules match, without rendering outputs (benchmarks, counters).
    public func matchCount(_ event: borrowing Event) -> Int {
        var count = 0
        let memo = MacroMemo(count: ruleSet.memoSlots)
        for slot in index[Int(event.type.rawValue)] where slot.predicate(event, memo) { count += 1 }
        return count
    }
}
