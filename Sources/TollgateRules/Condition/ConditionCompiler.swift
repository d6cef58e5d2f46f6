import TollgateEvents

/// A compiled condition: true when the event matches.
package typealias EventPredicate = @Sendable (Event) -> Bool

/// A field or condition that does not compile (LOAD_ERR_COMPILE_CONDITION or LOAD_UNKNOWN_FIELD).
package struct CompileFailure: Error, Sendable {
    package var message: String
    package var location: SourceLocation
    package var code: LoadCode
}

/// Compiles an expanded AST into closures, with constants pre-parsed: lists become sets or
/// prefix tries, globs and regexes are compiled once, numbers and addresses parsed once.
package struct ConditionCompiler {
    package let registry: FieldRegistry
    /// Fields used that the event source does not record (always unknown).
    package private(set) var uncapturedFields: Set<String> = []
    /// Deprecated fields used, with where.
    package internal(set) var deprecatedFields: [(String, SourceLocation)] = []
    /// Checks that read fields needing exit data, with their polarity.
    package private(set) var exitDataReads: [ExitDataRead] = []
    /// Inside an odd number of `not`.
    private var negated = false
    /// The event types the enclosing `and`s can match.
    private var context: EventTypeSet = .all
    /// The exit-data fields the check being compiled reads; nil outside checks (outputs).
    private var checkFields: [(written: String, argument: String?, dependence: ExitDataDependence)]?
    /// Exit-data fields read outside checks (outputs), with their arguments.
    package internal(set) var outputExitData: [(argument: String?, dependence: ExitDataDependence)] = []

    /// Compiled macros shared by every rule of a load.
    package let macros: MacroCompilationCache

    package init(registry: FieldRegistry = .shared, macros: MacroCompilationCache = MacroCompilationCache()) {
        self.registry = registry
        self.macros = macros
    }

    package mutating func compile(_ node: ConditionNode) throws(CompileFailure) -> EventPredicate {
        let outer = context
        defer { context = outer }
        if case .and = node { context = context.intersection(EventTypeSet.of(node, negated: negated)) }
        switch node {
        case .and(let children, _):
            return try combine(children[...], conjunction: true)
        case .or(let children, _):
            return try combine(children[...], conjunction: false)
        case .not(let child, _):
            negated.toggle()
            defer { negated.toggle() }
            let inner = try compile(child)
            return { !inner($0) }
        case .identifier(let name, let location):
            throw CompileFailure(message: "Undefined macro '\(name)' used in filter.", location: location, code: .validate)
        case .macro(let name, let body, _):
            return try compileMacro(name, body)
        case .unary(let operand, _, let location):
            return try check { compiler throws(CompileFailure) in try compiler.typedAccessor(operand, at: location).exists }
        case .binary(let operand, let op, let rhs, let location):
            return try check { compiler throws(CompileFailure) in try compiler.compileBinary(operand, op, rhs, at: location) }
        }
    }

    /// Compiles one check, noting it in `exitDataReads` for each exit-data field it reads.
    private mutating func check(_ make: (inout ConditionCompiler) throws(CompileFailure) -> EventPredicate) throws(CompileFailure) -> EventPredicate {
        checkFields = []
        defer { checkFields = nil }
        let leaf = try make(&self)
        for field in checkFields ?? [] {
            exitDataReads.append(ExitDataRead(field: field.written, argument: field.argument, dependence: field.dependence,
                                              negated: negated, check: leaf, eventTypes: context))
        }
        return leaf
    }

    /// A macro is compiled once per load and evaluated at most once per event: rules share
    /// macros such as `open_read` or `spawned_process`, and the memo keeps their result.
    private mutating func compileMacro(_ name: String, _ body: ConditionNode) throws(CompileFailure) -> EventPredicate {
        if let cached = macros.compiled[name] {
            uncapturedFields.formUnion(cached.uncapturedFields)
            deprecatedFields += cached.deprecatedFields
            exitDataReads += cached.exitDataReads.map { [context, negated] in $0.used(within: context, negated: negated) }
            return cached.predicate
        }
        let before = (uncapturedFields, deprecatedFields, exitDataReads, negated, context)
        uncapturedFields = []
        deprecatedFields = []
        exitDataReads = []
        negated = false
        context = .all
        defer { (negated, context) = (before.3, before.4) }
        let inner = try compile(body)
        let slot = EvaluationSlots.macro(body.description)
        let memoized: EventPredicate = { event in event.values.result(slot, event: event.number) { inner(event) } }
        macros.compiled[name] = MacroCompilationCache.Entry(
            predicate: memoized, uncapturedFields: uncapturedFields, deprecatedFields: deprecatedFields,
            exitDataReads: exitDataReads)
        uncapturedFields.formUnion(before.0)
        deprecatedFields = before.1 + deprecatedFields
        exitDataReads = before.2 + exitDataReads.map { $0.used(within: before.4, negated: before.3) }
        return memoized
    }

    /// Compiles an and/or chain: two items as one closure, longer chains as a loop over a
    /// `PredicateList`; runs of checks on one string field are read once (`SameFieldChecks`).
    mutating func combine(_ children: ArraySlice<ConditionNode>, conjunction: Bool) throws(CompileFailure) -> EventPredicate {
        try combine(Self.chainItems(children)[...], conjunction: conjunction)
    }

    mutating func combine(_ items: ArraySlice<ChainItem>, conjunction: Bool) throws(CompileFailure) -> EventPredicate {
        // In `Tagged`s, not `[EventPredicate]`: see `PredicateList.Tagged`.
        var predicates: [PredicateList.Tagged] = []
        for item in items { predicates.append(PredicateList.Tagged(try compile(item, conjunction: conjunction), tag: predicates.count)) }
        switch predicates.count {
        case 1:
            return predicates[0].predicate
        case 2:
            let left = predicates[0].predicate, right = predicates[1].predicate
            if conjunction { return { left($0) && right($0) } }
            return { left($0) || right($0) }
        default:
            let list = PredicateList(predicates)
            if conjunction { return { list.all($0) } }
            return { list.any($0) }
        }
    }

    private mutating func compile(_ item: ChainItem, conjunction: Bool) throws(CompileFailure) -> EventPredicate {
        switch item {
        case .node(let node): return try compile(node)
        case .sameField(let operand, let negated, let checks):
            return try compileSameField(operand, negated: negated, checks, conjunction: conjunction)
        }
    }

    // MARK: - Operands

    /// Resolves a field (or transformer) used in a condition or an output.
    package mutating func typedAccessor(_ operand: Operand, at location: SourceLocation, rightHandSide: Bool = false) throws(CompileFailure) -> TypedAccessor {
        switch operand {
        case .field(let name, let argument):
            let resolved: FieldRegistry.Resolved
            do {
                resolved = try registry.resolve(name, argument: argument)
            } catch {
                // A field Falco does not know either: Falco's code.
                throw CompileFailure(message: error.message, location: location, code: .compileCondition)
            }
            let definition = resolved.definition
            switch definition.status {
            case .available: break
            case .notCaptured: uncapturedFields.insert(definition.name)
            case .unsupported(let reason):
                throw CompileFailure(message: "field '\(resolved.written)' is not supported: \(reason)", location: location, code: .unknownField)
            }
            if definition.flags.contains(.deprecated) { deprecatedFields.append((definition.name, location)) }
            if case .none = definition.exitData {} else if checkFields != nil {
                checkFields?.append((resolved.written, resolved.argument, definition.exitData))
            } else {
                outputExitData.append((resolved.argument, definition.exitData))
            }
            if rightHandSide, definition.flags.contains(.noRightHandSide) {
                throw CompileFailure(message: "field '\(resolved.written)' cannot be used on the right-hand side", location: location, code: .compileCondition)
            }
            var accessor: FieldAccessor
            do {
                accessor = try definition.bind(resolved.argument)
            } catch {
                throw CompileFailure(message: error.message, location: location, code: .compileCondition)
            }
            // Many rules read the same string fields of one event: compute each once per event.
            if case .string(let get) = accessor {
                let slot = EvaluationSlots.field(resolved.written)
                accessor = .string { event in event.values.string(slot, event: event.number) { get(event) } }
                return TypedAccessor(accessor, type: definition.type, name: resolved.written, flags: definition.flags, cached: .init(slot: slot, compute: get))
            }
            return TypedAccessor(accessor, type: definition.type, name: resolved.written, flags: definition.flags)
        case .transformer(let name, let arguments, let argument):
            return try transformer(name, arguments, argument, at: location)
        case .literal(let value):
            let bytes = ByteString(value)
            return TypedAccessor(.string { _ in bytes }, type: .charbuf, name: ValueEscaper.escape(value), flags: [])
        case .list:
            throw CompileFailure(message: "a list can only be a transformer argument", location: location, code: .compileCondition)
        }
    }

    private mutating func transformer(_ name: String, _ arguments: [Operand], _ argument: String?, at location: SourceLocation) throws(CompileFailure) -> TypedAccessor {
        func fail(_ message: String) -> CompileFailure { CompileFailure(message: message, location: location, code: .compileCondition) }
        var inputs: [TypedAccessor] = []
        for operand in arguments {
            if case .list(let items) = operand {
                var parts: [TypedAccessor] = []
                for item in items { parts.append(try typedAccessor(item, at: location)) }
                inputs.append(TypedAccessor.concatenation(parts, separator: nil))
                continue
            }
            let input = try typedAccessor(operand, at: location)
            if input.flags.contains(.noTransformer) { throw fail("field '\(input.name)' does not support transformers") }
            inputs.append(input)
        }
        let inputList = inputs
        let label = "\(name)(" + arguments.map(\.description).joined(separator: ",") + ")"
        switch name {
        case "tolower", "toupper", "b64", "basename":
            guard inputs.count == 1, case .string(let get) = inputs[0].kind, inputs[0].type.isString else {
                throw fail("transformer '\(name)' needs one string field, not '\(arguments.map(\.description).joined(separator: ","))'")
            }
            let transform: @Sendable (ByteString) -> ByteString?
            switch name {
            case "tolower": transform = { ByteString(bytes: $0.bytes.lazy.map(StringMatchers.lower)) }
            case "toupper": transform = { ByteString(bytes: $0.bytes.lazy.map { $0 >= 97 && $0 <= 122 ? $0 & 0xDF : $0 }) }
            case "b64": transform = { StringMatchers.base64Decode($0.bytes).map { ByteString($0) } }
            default: transform = { $0.lastPathComponent }
            }
            return TypedAccessor(.string { event in get(event).flatMap(transform) }, type: inputs[0].type, name: label, flags: [])
        case "len":
            guard inputs.count == 1 else { throw fail("transformer 'len' takes one field") }
            switch inputs[0].kind {
            case .string(let get): return TypedAccessor(.integer { event in get(event).map { Int64($0.count) } }, type: .uint64, name: label, flags: [])
            case .stringList(let get): return TypedAccessor(.integer { event in get(event).map { Int64($0.count) } }, type: .uint64, name: label, flags: [])
            default: throw fail("transformer 'len' needs a string, buffer or list field")
            }
        case "concat":
            guard inputs.count >= 2 else { throw fail("transformer 'concat' needs at least two arguments") }
            return TypedAccessor.concatenation(inputs, separator: nil).renamed(label)
        case "join":
            guard inputs.count == 2, case .string(let separator) = inputs[0].kind else { throw fail("transformer 'join' takes a separator and a list") }
            return TypedAccessor(.string { event in
                guard let sep = separator(event) else { return nil }
                let parts: [ByteString]
                switch inputList[1].kind {
                case .stringList(let get): parts = get(event) ?? []
                case .anyString(let get):
                    var collected: [ByteString] = []
                    _ = get(event) { collected.append($0); return false }
                    parts = collected
                case .string(let get): parts = get(event).map { [$0] } ?? []
                default: parts = []
                }
                var out: [UInt8] = []
                for (index, part) in parts.enumerated() {
                    if index > 0 { out += sep.bytes }
                    out += part.bytes
                }
                return ByteString(out)
            }, type: .charbuf, name: label, flags: [])
        default:
            _ = argument
            throw fail("transformer '\(name)' is not supported")
        }
    }

    // MARK: - Binary checks

    private mutating func compileBinary(_ operand: Operand, _ op: BinaryOperator, _ rhs: RightHandSide, at location: SourceLocation) throws(CompileFailure) -> EventPredicate {
        if case .field("evt.type", nil) = operand, op.modifier == nil, let predicate = try eventTypeCheck(op, rhs, at: location) {
            return predicate
        }
        let lhs = try typedAccessor(operand, at: location)
        switch rhs {
        case .fieldValue(let field), .transformer(let field):
            if op.base == .regex || op.base == .pmatch {
                throw CompileFailure(message: "'\(op.base.rawValue)' operator does not accept a field on the right-hand side", location: location, code: .compileCondition)
            }
            let right = try typedAccessor(field, at: location, rightHandSide: true)
            return try FieldComparison.compile(lhs, op, right, at: location)
        case .value(let value):
            return try ConstantComparison.compile(lhs, op, values: [value], isList: false, at: location)
        case .list(let values):
            return try ConstantComparison.compile(lhs, op, values: values, isList: true, at: location)
        }
    }

    /// `evt.type = X`, `!= X`, `in (…)`: checked against the dense event-type id.
    private func eventTypeCheck(_ op: BinaryOperator, _ rhs: RightHandSide, at location: SourceLocation) throws(CompileFailure) -> EventPredicate? {
        guard let names = rhs.constants else { return nil }
        guard [.equal, .doubleEqual, .notEqual, .in, .intersects].contains(op.base) else { return nil }
        var member = [Bool](repeating: false, count: SyscallTable.all.count)
        for name in names {
            guard let type = EventType(named: name) else {
                let hint = Suggestion.hint(for: name, in: SyscallTable.all.map(\.name))
                throw CompileFailure(message: "unknown event type '\(name)'\(hint)", location: location, code: .compileCondition)
            }
            member[Int(type.rawValue)] = true
        }
        let table = member
        if op.base == .notEqual { return { !table[Int($0.type.rawValue)] } }
        return { table[Int($0.type.rawValue)] }
    }
}
