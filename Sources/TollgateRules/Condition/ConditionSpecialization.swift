import TollgateEvents

/// A condition specialized for one event type: the checks that event type decides are
/// replaced by their value and folded away (`evt.type in (...)`, `evt.dir = <`, the
/// `spawned_process` macro on an execve), so the engine does not test, per event, what it
/// already knows from its index. Specialized for the type's failed calls too, it tells
/// whether a rule can match a call that returned an error at all.
package enum ConditionSpecialization {
    package enum Result {
        case constant(Bool)
        case node(ConditionNode)
    }

    /// What is known of the events a condition is specialized for.
    private struct Facts {
        var typeName: String
        /// The call returned an error (-4095...-1), known from its exit.
        var failed: Bool
    }

    /// `node` (expanded) for events of type `typeName`.
    package static func specialize(_ node: ConditionNode, for typeName: String) -> Result {
        specialize(node, Facts(typeName: typeName, failed: false))
    }

    /// `node` (expanded) for the calls of `typeName` that failed: the checks of the result
    /// alone are decided too (`evt.failed`, `evt.res` against `SUCCESS`, `evt.rawres` against
    /// a number, and `fd.num` of an open, which is -1 when it failed). `.constant(false)`:
    /// no failed call of that type can match, so a capture may leave them out. A failed call
    /// aimed at the gate (`evt.is_gate_target`) is never one a capture leaves out (the ptrace
    /// and seccomp monitors record their refusals themselves; eBPF ships every call that can
    /// aim at the gate), so checking it needs no failed calls kept.
    package static func specializeFailed(_ node: ConditionNode, for typeName: String) -> Result {
        specialize(node, Facts(typeName: typeName, failed: true))
    }

    private static func specialize(_ node: ConditionNode, _ facts: Facts) -> Result {
        switch node {
        case .and(let children, let location):
            return combine(children, facts, absorbing: false, location) { .and($0, $1) }
        case .or(let children, let location):
            return combine(children, facts, absorbing: true, location) { .or($0, $1) }
        case .not(let child, let location):
            switch specialize(child, facts) {
            case .constant(let value): return .constant(!value)
            case .node(let inner): return .node(.not(inner, location))
            }
        case .macro(let name, let body, let location):
            switch specialize(body, facts) {
            case .constant(let value): return .constant(value)
            case .node(let inner): return .node(.macro(name, inner, location))
            }
        case .binary(let operand, let op, let rhs, _):
            if let value = decided(operand, op, rhs, facts.typeName) { return .constant(value) }
            if facts.failed, let value = decidedByFailure(operand, op, rhs, facts.typeName) { return .constant(value) }
            return .node(node)
        case .identifier, .unary:
            return .node(node)
        }
    }

    /// An `and` (absorbing false) or `or` (absorbing true) without its decided children.
    private static func combine(
        _ children: [ConditionNode], _ facts: Facts, absorbing: Bool, _ location: SourceLocation,
        _ make: ([ConditionNode], SourceLocation) -> ConditionNode
    ) -> Result {
        var kept: [ConditionNode] = []
        for child in children {
            switch specialize(child, facts) {
            case .constant(let value):
                if value == absorbing { return .constant(absorbing) }
            case .node(let inner):
                kept.append(inner)
            }
        }
        switch kept.count {
        case 0: return .constant(!absorbing)
        case 1: return .node(kept[0])
        default: return .node(make(kept, location))
        }
    }

    /// The value of a leaf that the event type alone decides, else nil.
    private static func decided(_ operand: Operand, _ op: BinaryOperator, _ rhs: RightHandSide, _ typeName: String) -> Bool? {
        if let set = EventTypeSet.leafSet(operand, op, rhs) { return set.contains(typeName) }
        // `evt.dir` is always `<`: every event is an exit event carrying its entry arguments.
        guard op.modifier == nil, case .field("evt.dir", nil) = operand, let values = rhs.constants else { return nil }
        switch op.base {
        case .equal, .doubleEqual: return values.first == "<"
        case .notEqual: return values.first != "<"
        case .in, .intersects: return values.contains("<")
        default: return nil
        }
    }

    /// The value of a leaf that a failed call of `typeName` decides, else nil: fields of the
    /// result alone, compared with one constant (no list modifier, no transformer).
    private static func decidedByFailure(_ operand: Operand, _ op: BinaryOperator, _ rhs: RightHandSide, _ typeName: String) -> Bool? {
        guard op.modifier == nil, case .field(let field, nil) = operand, let values = rhs.constants, values.count == 1 else {
            return nil
        }
        let value = values[0]
        switch field {
        case "evt.failed":
            return Bool(value.lowercased()).flatMap { equality(op.base, holds: $0) }
        case "evt.is_gate_target":
            return Bool(value.lowercased()) == true ? equality(op.base, holds: false) : nil
        case "evt.res":
            // An errno name: never SUCCESS, otherwise unknown.
            return value == "SUCCESS" ? equality(op.base, holds: false) : nil
        case "evt.rawres":
            return Int64(value).flatMap { compare(op.base, values: -4095 ... -1, with: $0) }
        case "fd.num":
            // An open that failed has fd.num -1 (Falco's `open_file_failed`; the decoder's
            // failed open); other calls take it from an argument, or have none.
            guard case .open? = SyscallTable.info(named: typeName)?.effect else { return nil }
            return Int64(value).flatMap { compare(op.base, values: -1 ... -1, with: $0) }
        default:
            return nil
        }
    }

    /// `=`, `==` or `!=` for a field whose equality with the constant is known to be `holds`.
    private static func equality(_ op: BinaryOperator.Base, holds: Bool) -> Bool? {
        switch op {
        case .equal, .doubleEqual: return holds
        case .notEqual: return !holds
        default: return nil
        }
    }

    /// `x op constant` for every x in `values`, when that is the same for all of them; else nil.
    private static func compare(_ op: BinaryOperator.Base, values: ClosedRange<Int64>, with constant: Int64) -> Bool? {
        let (low, high) = (values.lowerBound, values.upperBound)
        func all(_ holds: Bool, _ fails: Bool) -> Bool? { holds ? true : fails ? false : nil }
        switch op {
        case .equal, .doubleEqual: return all(low == high && low == constant, !values.contains(constant))
        case .notEqual: return all(!values.contains(constant), low == high && low == constant)
        case .less: return all(high < constant, low >= constant)
        case .lessOrEqual: return all(high <= constant, low > constant)
        case .greater: return all(low > constant, high <= constant)
        case .greaterOrEqual: return all(low >= constant, high < constant)
        default: return nil
        }
    }
}
