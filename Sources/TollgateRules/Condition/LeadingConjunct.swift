/// A condition split into its first conjunct and the rest, so that the engine can test a
/// conjunct that several rules begin with (`open_read`, `open_write`, `container`) once for
/// all of them and skip the whole group when it is false.
package struct LeadingConjunct {
    /// The first conjunct: not itself an `and`.
    package var first: ConditionNode
    /// What must hold besides `first`; nil when `first` is the whole condition.
    package var rest: ConditionNode?

    /// Conditions that compile to the same predicate have the same key (the canonical form).
    package var key: String { first.description }

    /// Splits `node`, descending into nested `and`s: `((a and b) and c)` is `a` and `(b and c)`.
    package init(_ node: ConditionNode) {
        guard case .and(let children, let location) = node, let head = children.first else {
            self.first = node
            self.rest = nil
            return
        }
        let inner = LeadingConjunct(head)
        var remaining: [ConditionNode] = []
        switch inner.rest {
        case .and(let grandchildren, _)?: remaining = grandchildren
        case let other?: remaining = [other]
        case nil: break
        }
        remaining += children.dropFirst()
        self.first = inner.first
        switch remaining.count {
        case 0: self.rest = nil
        case 1: self.rest = remaining[0]
        default: self.rest = .and(remaining, location)
        }
    }
}
