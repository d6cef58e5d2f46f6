/// The event types a condition can match (falcosecurity/libs `filter/ppm_codes.cpp`): `and`
/// intersects, `or` unites, negation is pushed down with De Morgan, `evt.type =|==|!=|in` leaves
/// give concrete sets and every other check gives "all types". `evt.num` comparisons that are
/// provably always false (`evt.num = 0`, event numbers start at 1) give the empty set.
package enum EventTypeSet: Sendable, Equatable {
    case all
    case some(Set<String>)
    /// Everything except these.
    case allExcept(Set<String>)

    package static let none = EventTypeSet.some([])

    package func contains(_ type: String) -> Bool {
        switch self {
        case .all: return true
        case .some(let set): return set.contains(type)
        case .allExcept(let set): return !set.contains(type)
        }
    }

    package func intersection(_ other: EventTypeSet) -> EventTypeSet {
        switch (self, other) {
        case (.all, let x), (let x, .all): return x
        case (.some(let a), .some(let b)): return .some(a.intersection(b))
        case (.some(let a), .allExcept(let b)), (.allExcept(let b), .some(let a)): return .some(a.subtracting(b))
        case (.allExcept(let a), .allExcept(let b)): return .allExcept(a.union(b))
        }
    }

    package func union(_ other: EventTypeSet) -> EventTypeSet {
        switch (self, other) {
        case (.all, _), (_, .all): return .all
        case (.some(let a), .some(let b)): return .some(a.union(b))
        case (.some(let a), .allExcept(let b)), (.allExcept(let b), .some(let a)):
            let rest = b.subtracting(a)
            return rest.isEmpty ? .all : .allExcept(rest)
        case (.allExcept(let a), .allExcept(let b)):
            let rest = a.intersection(b)
            return rest.isEmpty ? .all : .allExcept(rest)
        }
    }

    package var complement: EventTypeSet {
        switch self {
        case .all: return .none
        case .some(let a): return .allExcept(a)
        case .allExcept(let a): return .some(a)
        }
    }

    /// The set of a condition (expanded, no macros left).
    package static func of(_ node: ConditionNode, negated: Bool = false) -> EventTypeSet {
        switch node {
        case .and(let children, _):
            let sets = children.map { of($0, negated: negated) }
            return negated ? sets.reduce(.none) { $0.union($1) } : sets.reduce(.all) { $0.intersection($1) }
        case .or(let children, _):
            let sets = children.map { of($0, negated: negated) }
            return negated ? sets.reduce(.all) { $0.intersection($1) } : sets.reduce(.none) { $0.union($1) }
        case .not(let child, _):
            return of(child, negated: !negated)
        case .macro(_, let body, _):
            return of(body, negated: negated)
        case .identifier, .unary:
            return .all
        case .binary(let operand, let op, let rhs, _):
            guard let leaf = leafSet(operand, op, rhs) else { return .all }
            return negated ? leaf.complement.normalized : leaf
        }
    }

    private var normalized: EventTypeSet {
        if case .allExcept(let a) = self, a.isEmpty { return .all }
        return self
    }

    /// A concrete set for `evt.type` and provably-false `evt.num` leaves, else nil.
    static func leafSet(_ operand: Operand, _ op: BinaryOperator, _ rhs: RightHandSide) -> EventTypeSet? {
        guard op.modifier == nil, case .field(let name, nil) = operand else { return nil }
        if name == "evt.num", op.base == .equal || op.base == .doubleEqual, case .value(let value) = rhs, UInt64(value) == 0 {
            return EventTypeSet.none
        }
        guard name == "evt.type", let values = rhs.constants else { return nil }
        switch op.base {
        case .equal, .doubleEqual: return .some(Set(values.prefix(1)))
        case .notEqual: return .allExcept(Set(values.prefix(1)))
        case .in, .intersects: return .some(Set(values))
        default: return nil
        }
    }
}
