/// Per-event results of memoized macros: 0 not evaluated yet, 1 false, 2 true.
///
/// The engine makes one per evaluated event, so concurrent evaluations never share one.
package final class MacroMemo {
    package let values: UnsafeMutablePointer<UInt8>
    private let count: Int

    package init(count: Int) {
        self.count = max(count, 1)
        values = UnsafeMutablePointer<UInt8>.allocate(capacity: self.count)
        values.initialize(repeating: 0, count: self.count)
    }

    deinit { values.deallocate() }
}

/// Macros compiled during one load, shared by its rules (compile time only).
package final class MacroCompilationCache {
    package struct Entry {
        package var predicate: EventPredicate
        package var uncapturedFields: Set<String>
        package var deprecatedFields: [(String, SourceLocation)]
        package var exitDataReads: [ExitDataRead]
    }

    package var compiled: [String: Entry] = [:]
    /// Memo slots handed out so far.
    package var slotCount = 0

    package init() {}
}
