import Synchronization

/// Slots of `EventValueCache`: one per field spelling (`fd.name`, `proc.aname[2]`) and one
/// per macro body (its canonical condition), shared by every rule set compiled in the
/// process, so events need no per-ruleset cache and identical macros of different rulesets
/// (Falco's three files each define `open_read`) are evaluated once per event.
enum EvaluationSlots {
    private static let fields = Mutex<[String: Int]>([:])
    private static let macros = Mutex<[String: Int]>([:])

    /// The value slot of a field as written.
    static func field(_ spelling: String) -> Int { slot(spelling, in: fields) }

    /// The result slot of a macro body, by its canonical form.
    static func macro(_ canonicalBody: String) -> Int { slot(canonicalBody, in: macros) }

    private static func slot(_ key: String, in table: borrowing Mutex<[String: Int]>) -> Int {
        table.withLock { slots in
            if let slot = slots[key] { return slot }
            let slot = slots.count
            slots[key] = slot
            return slot
        }
    }
}
