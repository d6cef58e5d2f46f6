import TollgateEvents

/// Compiled predicates called one after another in a loop, with no reference counting per
/// call: the rule engine's candidates of one event type, the children of a long and/or chain.
///
/// A plain array of closures would hold them at maximal abstraction (a thunk copying the
/// `Event` per call), and reading a closure out of an array retains its context. Here each
/// predicate sits in a `let` of a final class, reached through an unretained reference
/// while the list keeps it alive, so a call is a load and an indirect call.
package final class PredicateList: Sendable {
    private final class Entry: Sendable {
        let predicate: EventPredicate
        let tag: Int
        init(_ predicate: @escaping EventPredicate, tag: Int) {
            self.predicate = predicate
            self.tag = tag
        }
    }

    /// Owns the entries that `unretained` points to.
    private let entries: [Entry]
    private let unretained: [Unmanaged<Entry>]

    /// A predicate with the tag `forEachMatch` reports for it. (A nominal type: in a tuple
    /// inside an array the closure would be stored maximally abstracted, behind a thunk.)
    package struct Tagged {
        package var predicate: EventPredicate
        package var tag: Int
        package init(_ predicate: @escaping EventPredicate, tag: Int) {
            self.predicate = predicate
            self.tag = tag
        }
    }

    package init(_ predicates: [Tagged]) {
        entries = predicates.map { Entry($0.predicate, tag: $0.tag) }
        unretained = entries.map { Unmanaged.passUnretained($0) }
    }

    /// Whether every predicate holds, stopping at the first that does not.
    package func all(_ event: Event) -> Bool {
        unretained.withUnsafeBufferPointer { list in
            for entry in list where !entry._withUnsafeGuaranteedRef({ $0.predicate(event) }) { return false }
            return true
        }
    }

    /// Whether some predicate holds, stopping at the first that does.
    package func any(_ event: Event) -> Bool {
        unretained.withUnsafeBufferPointer { list in
            for entry in list where entry._withUnsafeGuaranteedRef({ $0.predicate(event) }) { return true }
            return false
        }
    }

    /// Calls `body` with the tag of every predicate that holds, in order.
    package func forEachMatch(_ event: Event, _ body: (Int) -> Void) {
        unretained.withUnsafeBufferPointer { list in
            for entry in list {
                entry._withUnsafeGuaranteedRef { entry in
                    if entry.predicate(event) { body(entry.tag) }
                }
            }
        }
    }
}
