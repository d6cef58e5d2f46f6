import TollgateEvents

/// Why a field cannot be compiled.
package struct FieldBindError: Error, Sendable {
    package var message: String
}

/// One field of the registry: name, type, doc, argument rules and how to extract it.
package struct FieldDefinition: Sendable {
    package enum Argument: Sendable {
        case none
        /// `[arg]` or `.arg` may be given (`proc.aname[2]`).
        case allowed
        /// `[arg]` or `.arg` must be given (`evt.arg.flags`).
        case required
    }

    package struct Flags: OptionSet, Sendable {
        package let rawValue: UInt8
        package init(rawValue: UInt8) { self.rawValue = rawValue }
        /// Cannot be used as a right-hand-side field (`val()`).
        package static let noRightHandSide = Flags(rawValue: 1 << 0)
        /// Transformers cannot be applied.
        package static let noTransformer = Flags(rawValue: 1 << 1)
        /// Cannot appear in outputs.
        package static let filterOnly = Flags(rawValue: 1 << 2)
        /// Gives LOAD_DEPRECATED_ITEM.
        package static let deprecated = Flags(rawValue: 1 << 3)
    }

    package enum Status: Sendable {
        /// Extracted from the event and its process/fd state.
        case available
        /// Known to the language, but the event source does not record it yet: the value is
        /// always unknown (`<NA>`) and compiled rules list the field in `uncapturedFields`.
        case notCaptured(String)
        /// Not implemented: using it is a load error naming the reason.
        case unsupported(String)
    }

    package var name: String
    package var type: FieldType
    package var doc: String
    package var argument: Argument
    package var flags: Flags
    package var status: Status
    /// Whether its value needs the call's exit (return value, memory the kernel writes).
    package var exitData: ExitDataDependence = .none
    /// Builds the accessor for an argument (nil when none was given).
    package var bind: @Sendable (String?) throws(FieldBindError) -> FieldAccessor

    package init(
        _ name: String, _ type: FieldType, _ doc: String, argument: Argument = .none, flags: Flags = [],
        status: Status = .available, bind: @escaping @Sendable (String?) throws(FieldBindError) -> FieldAccessor
    ) {
        self.name = name
        self.type = type
        self.doc = doc
        self.argument = argument
        self.flags = flags
        self.status = status
        self.bind = bind
    }

    /// A field without argument.
    package init(_ name: String, _ type: FieldType, _ doc: String, flags: Flags = [], _ accessor: FieldAccessor) {
        self.init(name, type, doc, flags: flags, bind: { _ throws(FieldBindError) in accessor })
    }

    /// A field the event source does not record (always unknown).
    package static func notCaptured(_ name: String, _ type: FieldType, _ doc: String, reason: String, argument: Argument = .none) -> FieldDefinition {
        FieldDefinition(name, type, doc, argument: argument, status: .notCaptured(reason), bind: { _ throws(FieldBindError) in
            type.isString ? .string { _ in nil } : (type == .bool ? .bool { _ in nil } : .integer { _ in nil })
        })
    }

    /// This field, with its value needing exit data as `dependence` says.
    package func needing(_ dependence: ExitDataDependence) -> FieldDefinition {
        var copy = self
        copy.exitData = dependence
        return copy
    }

    /// A field that cannot be used.
    package static func unsupported(_ name: String, _ type: FieldType, _ doc: String, reason: String, argument: Argument = .none) -> FieldDefinition {
        FieldDefinition(name, type, doc, argument: argument, status: .unsupported(reason), bind: { _ throws(FieldBindError) in
            throw FieldBindError(message: "field '\(name)' is not supported: \(reason)")
        })
    }
}
