import TollgateEvents

/// The candidate rules of one event type, evaluated in groups: rules whose conditions begin
/// with the same conjunct (`open_read`, `open_write`...) share one test of it, and when it is
/// false the whole group is skipped. Matches are reported in definition order.
///
/// Like `PredicateList`, each group sits in a final class reached through an unretained
/// reference, so that reading it costs no reference counting.
package final class CandidateRules: Sendable {
    /// A candidate rule: its position in the rule set and its condition for this event type.
    package struct Candidate {
        package var position: Int
        package var condition: SpecializedPredicate
        package init(position: Int, condition: SpecializedPredicate) {
            self.position = position
            self.condition = condition
        }
    }

    /// One rule (`members` nil: `test` is its condition) or rules sharing the conjunct `test`
    /// (`members` holds the rest of each condition, tagged with the rule's position).
    private final class Group: Sendable {
        let test: EventPredicate
        let members: PredicateList?
        let position: Int
        init(test: @escaping EventPredicate, members: PredicateList?, position: Int) {
            self.test = test
            self.members = members
            self.position = position
        }
    }

    /// Owns the groups that `unretained` points to.
    private let groups: [Group]
    private let unretained: [Unmanaged<Group>]
    /// Whether a group gathers rules defined apart, so that matches need sorting.
    private let reorders: Bool
    /// How many tests of a first conjunct the grouping saves per event (tests, benchmarks).
    package let sharedTests: Int

    package init(_ candidates: [Candidate]) {
        var sharing: [String: [Int]] = [:]
        for (index, candidate) in candidates.enumerated() {
            if let split = candidate.condition.split { sharing[split.firstKey, default: []].append(index) }
        }
        var grouped = Set<Int>()
        var groups: [Group] = []
        var order: [Int] = []
        for (index, candidate) in candidates.enumerated() where !grouped.contains(index) {
            if let split = candidate.condition.split, let indices = sharing[split.firstKey], indices.count > 1 {
                let members = indices.map { candidates[$0] }
                groups.append(Group(test: split.first, members: PredicateList(members.map {
                    PredicateList.Tagged($0.condition.split!.rest, tag: $0.position)
                }), position: candidate.position))
                grouped.formUnion(indices)
                order += members.map(\.position)
            } else {
                groups.append(Group(test: candidate.condition.predicate, members: nil, position: candidate.position))
                order.append(candidate.position)
            }
        }
        self.groups = groups
        unretained = groups.map { Unmanaged.passUnretained($0) }
        reorders = zip(order, order.dropFirst()).contains { $0 > $1 }
        sharedTests = candidates.count - groups.count
    }

    /// Appends the positions of the rules that match the event, in definition order.
    package func matches(_ event: Event, into matched: inout [Int]) {
        let start = matched.count
        unretained.withUnsafeBufferPointer { list in
            for group in list {
                group._withUnsafeGuaranteedRef { group in
                    guard group.test(event) else { return }
                    if let members = group.members {
                        members.forEachMatch(event) { matched.append($0) }
                    } else {
                        matched.append(group.position)
                    }
                }
            }
        }
        if reorders, matched.count - start > 1 { matched[start...].sort() }
    }
}
