import TollgateEvents

/// Reduces a rule's condition to what the eBPF capture program can decide at the exit of a
/// successful open (`KernelOpenCondition`): the event type, the open's flags, `fd.name`,
/// `fd.directory`, `fd.filename` and `proc.exepath` against constants.
///
/// The condition goes to disjunctive normal form over those checks. A clause that holds a
/// check of anything else is dropped, so what is left implies the condition: when the program
/// kills on it, the gate's own evaluation of the same record finds the rule. A condition with
/// no clause left, or too many, is not decided in the kernel.
package enum KernelOpenCompiler {
    /// Clauses a condition may expand to before it is left to user space.
    static let clauseLimit = 64

    /// Longest constant a pattern holds (`TG_KILL_PATTERN_BYTES`).
    static let patternBytes = 64

    package static func condition(of node: ConditionNode) -> KernelOpenCondition? {
        guard let clauses = normalForm(node, positive: true), !clauses.isEmpty else { return nil }
        let built = clauses.compactMap(clause)
        guard !built.isEmpty else { return nil }
        return KernelOpenCondition(clauses: Array(Set(built)).sorted { $0.description < $1.description })
    }

    /// One check of a clause, with its polarity.
    private enum Literal: Hashable {
        case calls(Set<String>)
        case fact(KernelOpenCondition.Facts, Bool)
        case test(KernelOpenCondition.Test, Bool)
        case constant(Bool)
        /// A check the program cannot make: its clause is dropped.
        case unknown

        var negated: Literal {
            switch self {
            case .calls(let calls): return .calls(Set(KernelOpenCondition.calls).subtracting(calls))
            case .fact(let fact, let set): return .fact(fact, !set)
            case .test(let test, let passes): return .test(test, !passes)
            case .constant(let value): return .constant(!value)
            case .unknown: return .unknown
            }
        }
    }

    private typealias Clauses = [[Literal]]

    /// `node` (or its negation) as clauses of literals; nil when it grows past the limit.
    private static func normalForm(_ node: ConditionNode, positive: Bool) -> Clauses? {
        switch node {
        case .and(let children, _):
            return positive ? product(children, positive: true) : union(children, positive: false)
        case .or(let children, _):
            return positive ? union(children, positive: true) : product(children, positive: false)
        case .not(let child, _):
            return normalForm(child, positive: !positive)
        case .macro(_, let body, _):
            return normalForm(body, positive: positive)
        case .identifier, .unary:
            return [[.unknown]]
        case .binary(let operand, let op, let rhs, _):
            let literal = atom(operand, op, rhs)
            return [[positive ? literal : literal.negated]]
        }
    }

    private static func union(_ children: [ConditionNode], positive: Bool) -> Clauses? {
        var result: Clauses = []
        for child in children {
            guard let clauses = normalForm(child, positive: positive) else { return nil }
            result += clauses.filter(isSatisfiable)
            if result.count > clauseLimit { return nil }
        }
        return result
    }

    private static func product(_ children: [ConditionNode], positive: Bool) -> Clauses? {
        var result: Clauses = [[]]
        for child in children {
            guard let clauses = normalForm(child, positive: positive) else { return nil }
            var next: Clauses = []
            for left in result {
                for right in clauses {
                    let combined = left + right
                    if isSatisfiable(combined) { next.append(combined) }
                }
                if next.count > clauseLimit { return nil }
            }
            result = next
        }
        return result
    }

    /// Drops clauses the program could never confirm early, so products stay small.
    private static func isSatisfiable(_ clause: [Literal]) -> Bool {
        !clause.contains(.unknown) && !clause.contains(.constant(false))
    }

    /// The clause `literals` make, or nil when it can never hold at an open.
    private static func clause(_ literals: [Literal]) -> KernelOpenCondition.Clause? {
        var clause = KernelOpenCondition.Clause(calls: Set(KernelOpenCondition.calls))
        for literal in literals {
            switch literal {
            case .calls(let calls): clause.calls.formIntersection(calls)
            case .fact(let fact, true): clause.required.formUnion(fact)
            case .fact(let fact, false): clause.forbidden.formUnion(fact)
            case .test(let test, true): if !clause.passing.contains(test) { clause.passing.append(test) }
            case .test(let test, false): if !clause.failing.contains(test) { clause.failing.append(test) }
            case .constant(true): continue
            case .constant(false), .unknown: return nil
            }
        }
        guard !clause.calls.isEmpty, clause.required.isDisjoint(with: clause.forbidden),
            clause.failing.allSatisfy({ !clause.passing.contains($0) })
        else { return nil }
        return clause
    }

    // MARK: - Checks

    private static let subjects: [String: KernelOpenCondition.Subject] = [
        "fd.name": .name, "fd.directory": .directory, "fd.filename": .filename, "proc.exepath": .executable,
    ]

    /// The literal one comparison makes at a successful open.
    private static func atom(_ operand: Operand, _ op: BinaryOperator, _ rhs: RightHandSide) -> Literal {
        guard op.modifier == nil, case .field(let field, nil) = operand, let values = rhs.constants else { return .unknown }
        let equal = op.base == .equal || op.base == .doubleEqual
        switch field {
        case "evt.type":
            let names = Set(values).intersection(KernelOpenCondition.calls)
            if equal || op.base == .in { return .calls(names) }
            if op.base == .notEqual { return Literal.calls(names).negated }
            return .unknown
        case "evt.dir" where values.count == 1 && (equal || op.base == .notEqual):
            return .constant((values[0] == "<") == equal)
        case "evt.failed" where values.count == 1 && equal:
            return boolean(values[0]).map { .constant(!$0) } ?? .unknown
        case "fd.num" where values == ["0"] && op.base == .greaterOrEqual:
            return .constant(true)
        case "evt.is_open_read" where values.count == 1 && equal:
            return boolean(values[0]).map { .fact(.read, $0) } ?? .unknown
        case "evt.is_open_write" where values.count == 1 && equal:
            return boolean(values[0]).map { .fact(.write, $0) } ?? .unknown
        case "fd.typechar", "fd.type":
            guard values.count == 1, equal || op.base == .notEqual else { return .unknown }
            let directory = field == "fd.type" ? "directory" : "d", file = field == "fd.type" ? "file" : "f"
            let literal: Literal = values[0] == directory ? .fact(.directory, true) : values[0] == file ? .fact(.directory, false) : .constant(false)
            return equal ? literal : literal.negated
        default:
            guard let subject = subjects[field], let patterns = patterns(op.base, values) else { return .unknown }
            let test = KernelOpenCondition.Test(subject: subject, patterns: patterns)
            return .test(test, op.base != .notEqual)
        }
    }

    private static func boolean(_ value: String) -> Bool? {
        switch value {
        case "true": return true
        case "false": return false
        default: return nil
        }
    }

    /// The patterns a string comparison is, when every value fits one.
    private static func patterns(_ op: BinaryOperator.Base, _ values: [String]) -> [KernelOpenCondition.Pattern]? {
        var patterns: [KernelOpenCondition.Pattern] = []
        for value in values {
            let bytes = Array(value.utf8)
            guard !bytes.contains(0) else { return nil }
            switch op {
            case .equal, .doubleEqual, .notEqual, .in: patterns.append(.equal(bytes))
            case .startswith: patterns.append(KernelOpenCondition.Pattern(prefix: bytes))
            case .endswith: patterns.append(KernelOpenCondition.Pattern(suffix: bytes))
            case .glob:
                guard let pattern = globPattern(bytes) else { return nil }
                patterns.append(pattern)
            case .pmatch:
                guard let prefixes = pathPrefixPatterns(bytes) else { return nil }
                patterns += prefixes
            default:
                return nil
            }
        }
        guard patterns.allSatisfy({ $0.prefix.count <= patternBytes && $0.suffix.count <= patternBytes }) else { return nil }
        return patterns
    }

    /// A glob of literals and at most one `*` (which matches any run, `/` included).
    private static func globPattern(_ glob: [UInt8]) -> KernelOpenCondition.Pattern? {
        guard !glob.contains(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "\\") }) else { return nil }
        let parts = glob.split(separator: UInt8(ascii: "*"), omittingEmptySubsequences: false)
        switch parts.count {
        case 1: return .equal(glob)
        case 2: return KernelOpenCondition.Pattern(prefix: Array(parts[0]), suffix: Array(parts[1]))
        default: return nil
        }
    }

    /// `pmatch` with an absolute, wildcard-free folder: the folder itself and what is below it
    /// (the program's names are absolute and free of empty components).
    private static func pathPrefixPatterns(_ folder: [UInt8]) -> [KernelOpenCondition.Pattern]? {
        guard folder.first == UInt8(ascii: "/"),
            !folder.contains(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "[") })
        else { return nil }
        let components = PathPrefixSet.components(folder)
        if components.isEmpty { return [KernelOpenCondition.Pattern()] }
        let path = components.flatMap { [UInt8(ascii: "/")] + $0 }
        return [.equal(path), KernelOpenCondition.Pattern(prefix: path + [UInt8(ascii: "/")])]
    }
}

extension KernelOpenCondition.Clause {
    /// A stable order for the clauses of a condition.
    var description: String { "\(calls.sorted()) \(required.rawValue) \(forbidden.rawValue) \(passing) \(failing)" }
}
