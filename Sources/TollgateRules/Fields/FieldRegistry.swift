/// Every field the engine knows, by name (syscall source: `evt proc thread user group fd
/// fs.path container k8s`).
package struct FieldRegistry: Sendable {
    package static let shared = FieldRegistry(EventFields.all + ProcessFields.all + FileDescriptorFields.all + ContextFields.all + CIFields.all + StepFields.all)

    package let fields: [String: FieldDefinition]
    package let ordered: [FieldDefinition]

    init(_ definitions: [FieldDefinition]) {
        ordered = definitions
        fields = Dictionary(definitions.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// A field reference resolved to its definition and argument.
    package struct Resolved: Sendable {
        package var definition: FieldDefinition
        package var argument: String?
        /// The name as written (`proc.aname[2]`, `evt.arg.flags`).
        package var written: String
    }

    /// Resolves `name` plus an optional bracket argument (`evt.arg.flags`, `proc.aname[2]`).
    package func resolve(_ name: String, argument: String?) throws(FieldBindError) -> Resolved {
        let written = name + (argument.map { "[\($0)]" } ?? "")
        if let definition = fields[name] {
            try check(definition, argument: argument)
            return Resolved(definition: definition, argument: argument, written: written)
        }
        if let (definition, dotted) = dottedDefinition(name) {
            guard argument == nil else {
                throw FieldBindError(message: "field '\(name)' has both a dotted and a bracket argument")
            }
            return Resolved(definition: definition, argument: dotted, written: written)
        }
        let hint = Suggestion.hint(for: name, in: fields.keys)
        throw FieldBindError(message: "unknown field '\(name)'\(hint)")
    }

    /// True when `name` is a field, plainly or with a dotted argument; cheap (no suggestion).
    package func knows(_ name: String) -> Bool {
        fields[name] != nil || dottedDefinition(name) != nil
    }

    /// Dotted argument (`evt.arg.flags`): the longest registered prefix that takes an argument.
    private func dottedDefinition(_ name: String) -> (FieldDefinition, String)? {
        var prefix = Substring(name)
        while let dot = prefix.lastIndex(of: ".") {
            prefix = prefix[..<dot]
            if let definition = fields[String(prefix)], definition.argument != .none {
                return (definition, String(name[name.index(after: dot)...]))
            }
        }
        return nil
    }

    private func check(_ definition: FieldDefinition, argument: String?) throws(FieldBindError) {
        switch (definition.argument, argument) {
        case (.none, .some):
            throw FieldBindError(message: "field '\(definition.name)' does not take an argument")
        case (.required, .none):
            throw FieldBindError(message: "field '\(definition.name)' requires an argument")
        default:
            break
        }
    }
}
