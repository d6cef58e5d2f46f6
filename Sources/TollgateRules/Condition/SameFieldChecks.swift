import TollgateEvents

/// Runs of constant checks on one string field inside an and/or chain, read once.
///
/// Rulesets list alternatives on one field (`fd.name glob "*/.aws/credentials" or fd.name glob
/// "*/.kube/config" or ...`) and exceptions as `and not proc.name in (...) and not proc.name
/// startswith ...`. Such a run compiles to one read of the field and a tree of byte checks.
/// A check on an unknown field is false, so `not a and not b` is `not (a or b)` even then.
extension ConditionCompiler {
    /// One element of an and/or chain.
    enum ChainItem {
        case node(ConditionNode)
        /// Two or more checks on `operand`, each negated when `negated`.
        case sameField(Operand, negated: Bool, [ConstantCheck])
    }

    struct ConstantCheck {
        var op: BinaryOperator
        var values: [String]
        var location: SourceLocation
        /// The check as written (with its `not`).
        var node: ConditionNode
    }

    /// The chain's children with consecutive checks on the same field grouped.
    static func chainItems(_ children: ArraySlice<ConditionNode>) -> [ChainItem] {
        var items: [ChainItem] = []
        var run: (operand: Operand, negated: Bool, checks: [ConstantCheck])?
        func flush() {
            guard let current = run else { return }
            if current.checks.count >= 2 {
                items.append(.sameField(current.operand, negated: current.negated, current.checks))
            } else {
                items += current.checks.map { .node($0.node) }
            }
            run = nil
        }
        for child in children {
            guard let (operand, negated, check) = constantCheck(child) else {
                flush()
                items.append(.node(child))
                continue
            }
            if let current = run, current.operand == operand, current.negated == negated {
                run?.checks.append(check)
            } else {
                flush()
                run = (operand, negated, [check])
            }
        }
        flush()
        return items
    }

    /// `field op constant(s)` or `not (field op constant(s))` on a plain field other than
    /// `evt.type` (compiled against the type index instead).
    private static func constantCheck(_ node: ConditionNode) -> (Operand, Bool, ConstantCheck)? {
        var negated = false
        var leaf = node
        if case .not(let child, _) = node {
            negated = true
            leaf = child
        }
        guard case .binary(let operand, let op, let rhs, let location) = leaf, case .field(let name, _) = operand,
            name != "evt.type", let values = rhs.constants
        else { return nil }
        return (operand, negated, ConstantCheck(op: op, values: values, location: location, node: node))
    }

    /// A grouped run: one read of the field, then the checks (all of them in a conjunction,
    /// any in a disjunction; negated runs flip both).
    mutating func compileSameField(_ operand: Operand, negated: Bool, _ checks: [ConstantCheck], conjunction: Bool) throws(CompileFailure) -> EventPredicate {
        // Fields that need the syscall's exit are compiled check by check, so that each check
        // is noted in `exitDataReads`; other kinds than strings read cheaply or hold several values.
        guard case .field(let name, let argument) = operand, let resolved = try? registry.resolve(name, argument: argument),
            case .none = resolved.definition.exitData,
            case let accessor = try typedAccessor(operand, at: checks[0].location), case .string(let get) = accessor.kind
        else {
            return try combine(checks.map { ChainItem.node($0.node) }[...], conjunction: conjunction)
        }
        // `not a and not b` = `not (a or b)`; `not a or not b` = `not (a and b)`.
        let bytes = try bytesTree(accessor, checks[...], all: conjunction != negated)
        if negated { return accessor.bytesCheck(get, { !bytes($0) }, unknown: true) }
        return accessor.bytesCheck(get, bytes, unknown: false)
    }

    private func bytesTree(_ accessor: TypedAccessor, _ checks: ArraySlice<ConstantCheck>, all: Bool) throws(CompileFailure) -> ConstantComparison.BytesPredicate {
        if checks.count == 1, let check = checks.first {
            return try ConstantComparison.stringPredicate(accessor, check.op, check.values, at: check.location)
        }
        let middle = checks.startIndex + checks.count / 2
        let left = try bytesTree(accessor, checks[..<middle], all: all)
        let right = try bytesTree(accessor, checks[middle...], all: all)
        if all { return { left($0) && right($0) } }
        return { left($0) || right($0) }
    }
}
