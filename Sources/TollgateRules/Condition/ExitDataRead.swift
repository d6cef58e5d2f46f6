import TollgateEvents

/// A compiled check that reads a field needing exit data (`ExitDataDependence`), kept so the
/// loader can ask what the check says on an event without that data.
package struct ExitDataRead: Sendable {
    /// The field as written (`evt.arg.fd`).
    package var field: String
    /// The field's argument (`fd`).
    package var argument: String?
    package var dependence: ExitDataDependence
    /// Under an odd number of `not`: the rule needs the check false, not true.
    package var negated: Bool
    package var check: EventPredicate
    /// The event types on which the check can matter: those its enclosing `and`s can match.
    package var eventTypes: EventTypeSet

    /// This read of a macro body, as used at a place whose `and`s match `context`, under one
    /// more `not` when `negated` (the body's own event types then no longer hold).
    package func used(within context: EventTypeSet, negated flip: Bool) -> ExitDataRead {
        var copy = self
        if flip {
            copy.negated.toggle()
            copy.eventTypes = .all
        }
        copy.eventTypes = copy.eventTypes.intersection(context)
        return copy
    }
}
