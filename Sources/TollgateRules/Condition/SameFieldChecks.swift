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
        // Other kinds than strings read cheaply or hold several values.
        guard case .field(let name, let argument) = operand, let resolved = try? registry.resolve(name, argument: argument) else {
            return try combine(checks.map { ChainItem.node($0.node) }[...], conjunction: conjunction)
        }
        let readsExitData: Bool
        if case .none = resolved.definition.exitData { readsExitData = false } else { readsExitData = true }
        let before = (outputExitData, deprecatedFields)
        let accessor = try typedAccessor(operand, at: checks[0].location)
        guard case .string(let get) = accessor.kind else {
            (outputExitData, deprecatedFields) = before
            return try combine(checks.map { ChainItem.node($0.node) }[...], conjunction: conjunction)
        }
        if readsExitData {
            // Noted check by check in `exitDataReads`, as the checks would be one at a time
            // (the loader asks each what it says without exit data); the run is not an output.
            (outputExitData, deprecatedFields) = before
            for check in checks { _ = try compile(check.node) }
        }
        // `not a and not b` = `not (a or b)`; `not a or not b` = `not (a and b)`.
        let bytes = try bytesTree(accessor, checks[...], all: conjunction != negated)
        if negated { return accessor.bytesCheck(get, { !bytes($0) }, unknown: true) }
        return accessor.bytesCheck(get, bytes, unknown: false)
    }

    private func bytesTree(_ accessor: TypedAccessor, _ checks: ArraySlice<ConstantCheck>, all: Bool) throws(CompileFailure) -> ConstantComparison.BytesPredicate {
        if !all, checks.count >= LastByteDispatch.minimumChecks {
            return try LastByteDispatch.compile(checks) { checks throws(CompileFailure) in try balancedTree(accessor, checks[...], all: false) }
        }
        return try balancedTree(accessor, checks, all: all)
    }

    private func balancedTree(_ accessor: TypedAccessor, _ checks: ArraySlice<ConstantCheck>, all: Bool) throws(CompileFailure) -> ConstantComparison.BytesPredicate {
        if checks.count == 1, let check = checks.first {
            return try ConstantComparison.stringPredicate(accessor, check.op, check.values, at: check.location)
        }
        if checks.isEmpty { return { _ in all } }
        let middle = checks.startIndex + checks.count / 2
        let left = try balancedTree(accessor, checks[..<middle], all: all)
        let right = try balancedTree(accessor, checks[middle...], all: all)
        if all { return { left($0) && right($0) } }
        return { left($0) || right($0) }
    }
}

/// A disjunction of checks on one string split by the value's last byte: a check that can
/// only hold for values ending in certain bytes (`glob */.aws/credentials`, `endswith .pem`,
/// `= /etc/shadow`, `in (...)`) is tried only on such values. Rulesets list dozens of
/// credential paths; a source file's path ends in none of their bytes.
enum LastByteDispatch {
    /// Shorter runs are cheaper checked one by one.
    static let minimumChecks = 4

    /// `compileOr` compiles the disjunction of some of the checks.
    static func compile(_ checks: ArraySlice<ConditionCompiler.ConstantCheck>,
                        _ compileOr: ([ConditionCompiler.ConstantCheck]) throws(CompileFailure) -> ConstantComparison.BytesPredicate)
        throws(CompileFailure) -> ConstantComparison.BytesPredicate {
        var always: [ConditionCompiler.ConstantCheck] = []
        var byLastByte = [[ConditionCompiler.ConstantCheck]](repeating: [], count: 256)
        for check in checks {
            guard let bytes = lastBytes(check) else {
                always.append(check)
                continue
            }
            for byte in bytes { byLastByte[Int(byte)].append(check) }
        }
        let fallback = try compileOr(always)
        // The bytes no check needs share the fallback.
        var table = [Entry](repeating: Entry(predicate: fallback), count: 256)
        for byte in 0..<256 where !byLastByte[byte].isEmpty {
            table[byte] = Entry(predicate: try compileOr(always + byLastByte[byte]))
        }
        let predicates = table
        return { value in
            guard let last = value.last else { return fallback(value) }
            return predicates[Int(last)].predicate(value)
        }
    }

    /// A nominal type, so that the table holds each predicate without a reabstraction thunk.
    private struct Entry: Sendable {
        var predicate: ConstantComparison.BytesPredicate
    }

    /// The bytes a value must end with for the check to hold; nil when any value may match.
    static func lastBytes(_ check: ConditionCompiler.ConstantCheck) -> Set<UInt8>? {
        let special: Set<UInt8> = [UInt8(ascii: "*"), UInt8(ascii: "?"), UInt8(ascii: "]"), UInt8(ascii: "\\")]
        switch check.op.modifier == nil ? check.op.base : nil {
        case .glob?:
            // A pattern ending in a plain literal byte matches only values ending in it.
            guard check.values.count == 1, case let pattern = Array(check.values[0].utf8), let last = pattern.last,
                !special.contains(last), pattern.count < 2 || pattern[pattern.count - 2] != UInt8(ascii: "\\")
            else { return nil }
            return [last]
        case .endswith?, .equal?, .doubleEqual?, .in?, .intersects?:
            var bytes: Set<UInt8> = []
            for value in check.values {
                guard let last = value.utf8.last else { return nil }
                bytes.insert(last)
            }
            return bytes.isEmpty ? nil : bytes
        default:
            return nil
        }
    }
}
