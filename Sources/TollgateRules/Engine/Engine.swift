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
    /// The needed syscalls whose failed calls (an error returned) some enabled rule can
    /// match; a capture may leave out the failures of the others.
    public let failureSyscalls: Set<String>
    /// Positions in `ruleSet.rules` of the enabled rules each event type can match, in order.
    private let candidates: [[Int]]
    /// Per event type, the candidate rules' conditions, grouped by shared first conjuncts.
    private let dispatch: [CandidateRules]

    public init(_ ruleSet: RuleSet) {
        self.ruleSet = ruleSet
        var candidates = [[Int]](repeating: [], count: SyscallTable.all.count)
        var needed: Set<String> = []
        for (position, rule) in ruleSet.rules.enumerated() where rule.enabled {
            if let types = rule.eventTypeIDs {
                for type in types { candidates[Int(type.rawValue)].append(position) }
            } else {
                for slot in candidates.indices { candidates[slot].append(position) }
            }
        }
        for (slot, rules) in candidates.enumerated() where !rules.isEmpty {
            let info = SyscallTable.all[slot]
            if info.x86_64 != nil || info.arm64 != nil { needed.insert(info.name) }
        }
        self.candidates = candidates
        self.dispatch = candidates.indices.map { slot in
            let type = EventType(rawValue: UInt16(slot))
            return CandidateRules(candidates[slot].compactMap { position in
                let condition = ruleSet.rules[position].condition(for: type)
                return condition.never ? nil : CandidateRules.Candidate(position: position, condition: condition)
            })
        }
        self.neededSyscalls = needed
        exitSyscalls = Set(ruleSet.rules.filter(\.enabled).flatMap(\.ownExitTypes).map(\.name)).intersection(needed)
        let failureTypes = ruleSet.rules.filter(\.enabled).map(\.failureTypes)
        failureSyscalls = failureTypes.contains { $0 == nil }
            ? needed : Set(failureTypes.flatMap { $0 ?? [] }.map(\.name)).intersection(needed)
    }

    /// Syscall names the enabled rules `included` selects can match (every needed syscall when
    /// one of them can match any event type).
    public func syscalls(ofRules included: (CompiledRule) -> Bool) -> Set<String> {
        var names: Set<String> = []
        for rule in ruleSet.rules where rule.enabled && included(rule) {
            guard let types = rule.eventTypeIDs else { return neededSyscalls }
            names.formUnion(types.map(\.name))
        }
        return names.intersection(neededSyscalls)
    }

    /// Appends the positions of the rules that match the event, in definition order.
    private func match(_ event: Event, into matched: inout [Int]) {
        dispatch[Int(event.type.rawValue)].matches(event, into: &matched)
    }

    /// The enabled rules that can match events of this type, in definition order.
    public func rules(for type: EventType) -> [CompiledRule] {
        candidates[Int(type.rawValue)].map { ruleSet.rules[$0] }
    }

    /// Every enabled rule that matches the event. Evaluate before decoding the next event:
    /// fields read the process and fd state as it is now.
    public func evaluate(_ event: Event) -> [Finding] {
        var matched: [Int] = []
        match(event, into: &matched)
        var findings: [Finding] = []
        for position in matched {
            let rule = ruleSet.rules[position]
            findings.append(Finding(
                rule: rule.name, priority: rule.priority, output: rule.output.render(event),
                outputFields: rule.output.fieldValues(event), tags: rule.tags, source: rule.source,
                time: event.wallClockTime, ruleLocation: rule.location, eventNumber: event.number,
                eventType: event.name, pid: event.process.pid,
                resultAssumed: rule.readsResult && UnknownResult.isUnknown(event)))
        }
        return findings
    }

    /// Positions in `ruleSet.rules` of the enabled rules that can match this event type.
    package func candidatePositions(for type: EventType) -> [Int] {
        candidates[Int(type.rawValue)]
    }

    /// How many candidate rules of this event type skip their own test of a first conjunct
    /// because a group shares it (tests, benchmarks).
    package func sharedTests(for type: EventType) -> Int {
        dispatch[Int(type.rawValue)].sharedTests
    }

    /// Whether one rule's condition matches (benchmarks, tests).
    package func ruleMatches(_ rule: CompiledRule, _ event: Event) -> Bool {
        rule.condition(for: event.type).predicate(event)
    }

    /// How many enabled rules match, without rendering outputs (benchmarks, counters).
    public func matchCount(_ event: Event) -> Int {
        var matched: [Int] = []
        match(event, into: &matched)
        return matched.count
    }
}
