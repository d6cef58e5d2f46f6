/// A condition specialized for one event type: the checks that event type decides are
/// replaced by their value and folded away (`evt.type in (...)`, `evt.dir = <`, the
/// `spawned_process` macro on an execve), so the engine does not test, per event, what it
/// already knows from its index.
package enum ConditionSpecialization {
    package enum Result {
        case constant(Bool)
        case node(ConditionNode)
    }

    /// `node` (expanded) for events of type `typeName`.
    package static func specialize(_ node: ConditionNode, for typeName: String) -> Result {
        switch node {
        case .and(let children, let location):
            return combine(children, typeName, absorbing: false, location) { .and($0, $1) }
        case .or(let children, let location):
            return combine(children, typeName, absorbing: true, location) { .or($0, $1) }
        case .not(let child, let location):
            switch specialize(child, for: typeName) {
            case .constant(let value): return .constant(!value)
            case .node(let inner): return .node(.not(inner, location))
            }
        case .macro(let name, let body, let location):
            switch specialize(body, for: typeName) {
            case .constant(let value): return .constant(value)
            case .node(let inner): return .node(.macro(name, inner, location))
            }
        case .binary(let operand, let op, let rhs, _):
            if let value = decided(operand, op, rhs, typeName) { return .constant(value) }
            return .node(node)
        case .identifier, .unary:
            return .node(node)
        }
    }

    /// An `and` (absorbing false) or `or` (absorbing true) without its decided children.
    private static func combine(
        _ children: [ConditionNode], _ typeName: String, absorbing: Bool, _ location: SourceLocation,
        _ make: ([ConditionNode], SourceLocation) -> ConditionNode
    ) -> Result {
        var kept: [ConditionNode] = []
        for child in children {
            switch specialize(child, for: typeName) {
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
}
