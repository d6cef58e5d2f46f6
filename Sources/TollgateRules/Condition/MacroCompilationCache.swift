/// Macros compiled during one load, shared by its rules (compile time only).
package final class MacroCompilationCache {
    package struct Entry {
        package var predicate: EventPredicate
        package var uncapturedFields: Set<String>
        package var deprecatedFields: [(String, SourceLocation)]
        package var exitDataReads: [ExitDataRead]
    }

    package var compiled: [String: Entry] = [:]

    package init() {}
}
