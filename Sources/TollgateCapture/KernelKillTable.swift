import CTollgate
import TollgateEvents

/// A rule whose condition the eBPF capture program decides itself at an open's exit, killing
/// the caller there (`--kill-on`).
public struct KernelDecidedRule: Sendable, Equatable {
    public var rule: String
    public var condition: KernelOpenCondition

    public init(rule: String, condition: KernelOpenCondition) {
        self.rule = rule
        self.condition = condition
    }
}

/// The `tg_kill_table` the capture program decides kills from: as many whole rules as fit,
/// in the order given; the others are left to the gate.
public struct KernelKillTable {
    /// The rules the table holds.
    public private(set) var rules: [String] = []
    private(set) var table = tg_kill_table()
    private var tests: [KernelOpenCondition.Test] = []

    /// The table of a run under `--kill-on`, with as many of `decided` as fit.
    public init(_ decided: [KernelDecidedRule]) {
        table.enforcing = 1
        for rule in decided where add(rule.condition) { rules.append(rule.rule) }
    }

    /// Whether `condition` fits a table on its own.
    public static func fits(_ condition: KernelOpenCondition) -> Bool {
        var table = KernelKillTable([])
        return table.add(condition)
    }

    /// Adds every clause of `condition`, or nothing when it does not fit.
    private mutating func add(_ condition: KernelOpenCondition) -> Bool {
        var trial = self
        for clause in condition.clauses {
            guard Int(trial.table.clause_count) < Int(TG_KILL_CLAUSES),
                let passing = trial.bits(clause.passing), let failing = trial.bits(clause.failing)
            else { return false }
            var encoded = tg_kill_clause()
            encoded.tests_true = passing
            encoded.tests_false = failing
            encoded.calls = Self.callBits(clause.calls)
            encoded.facts_required = clause.required.rawValue
            encoded.facts_forbidden = clause.forbidden.rawValue
            Self.store(encoded, at: Int(trial.table.clause_count), in: &trial.table.clauses)
            trial.table.clause_count += 1
        }
        self = trial
        return true
    }

    /// The bits of `tests`, adding those not in the table yet; nil when they do not fit.
    private mutating func bits(_ tests: [KernelOpenCondition.Test]) -> UInt64? {
        var bits: UInt64 = 0
        for test in tests {
            if let index = self.tests.firstIndex(of: test) {
                bits |= 1 << UInt64(index)
                continue
            }
            guard self.tests.count < 64, Int(table.pattern_count) + test.patterns.count <= Int(TG_KILL_PATTERNS) else { return nil }
            let index = self.tests.count
            for pattern in test.patterns {
                var encoded = tg_kill_pattern()
                encoded.test = UInt8(index)
                encoded.subject = test.subject.rawValue
                encoded.prefix_length = UInt8(pattern.prefix.count)
                encoded.suffix_length = UInt8(pattern.suffix.count)
                encoded.exact = pattern.exact ? 1 : 0
                withUnsafeMutableBytes(of: &encoded.prefix) { $0.copyBytes(from: pattern.prefix.prefix($0.count)) }
                withUnsafeMutableBytes(of: &encoded.suffix) { $0.copyBytes(from: pattern.suffix.prefix($0.count)) }
                Self.store(encoded, at: Int(table.pattern_count), in: &table.patterns)
                table.pattern_count += 1
            }
            if test.subject == .executable { table.exe_tests |= 1 << UInt64(index) }
            self.tests.append(test)
            bits |= 1 << UInt64(index)
        }
        return bits
    }

    private static func callBits(_ calls: Set<String>) -> UInt8 {
        let bits: [String: tg_kill_call] = [
            "open": TG_KILL_OPEN, "openat": TG_KILL_OPENAT, "openat2": TG_KILL_OPENAT2, "creat": TG_KILL_CREAT,
            "open_by_handle_at": TG_KILL_OPEN_BY_HANDLE_AT,
        ]
        return calls.reduce(0) { $0 | UInt8(bits[$1]?.rawValue ?? 0) }
    }

    /// Writes `element` at `index` of a C array imported as a tuple.
    private static func store<Element, Array>(_ element: Element, at index: Int, in array: inout Array) {
        withUnsafeMutableBytes(of: &array) { bytes in
            bytes.storeBytes(of: element, toByteOffset: index * MemoryLayout<Element>.stride, as: Element.self)
        }
    }
}
