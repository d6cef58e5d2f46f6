/// Turns a rule's `exceptions:` into condition text (falcosecurity/falco
/// `rule_loader_compiler.cpp` `build_rule_exception_infos`): `(<cond>) and not <X1> and not <X2>…`
/// where each X is built from the exception's fields, comps and values, then validated.
package struct ExceptionText {
    package struct Failure: Error, Sendable {
        package var message: String
        package var location: SourceLocation
        package var exceptionName: String
    }

    static let comparisonOperators: Set<String> = [
        "=", "==", "!=", "<", "<=", ">", ">=", "contains", "icontains", "bcontains", "startswith",
        "bstartswith", "endswith", "glob", "iglob", "regex", "in", "intersects", "pmatch",
    ]
    static let modifiableOperators: Set<String> = [
        "=", "==", "!=", "contains", "icontains", "bcontains", "startswith", "bstartswith", "endswith", "glob", "iglob", "regex",
    ]
    static let listOperators: Set<String> = ["in", "intersects", "pmatch"]

    /// Decides whether an exception field names a valid left-hand side.
    package var isValidField: (String) -> Bool

    package init(isValidField: @escaping (String) -> Bool) {
        self.isValidField = isValidField
    }

    /// The rule condition with every exception that has values appended.
    package func apply(_ exceptions: [ExceptionItem], to condition: ConditionText) throws(Failure) -> ConditionText {
        var parts: [(String, SourceLocation)] = []
        for exception in exceptions {
            if let text = try text(for: exception) { parts.append((text, exception.location)) }
        }
        if exceptions.isEmpty { return condition }
        var result = ConditionText("(", at: condition.location(at: 0))
        result.append(condition)
        result.append(")", at: condition.location(at: max(0, condition.bytes.count - 1)))
        for (text, location) in parts {
            result.append(" and not " + text, at: location)
        }
        return result
    }

    /// Validates an exception and builds its text; nil when it has no values.
    package func text(for exception: ExceptionItem) throws(Failure) -> String? {
        let name = exception.name.value
        func fail(_ message: String, _ location: SourceLocation? = nil) -> Failure {
            Failure(message: message, location: location ?? exception.location, exceptionName: name)
        }
        guard let fields = exception.fields else {
            throw fail("Rule exception must have fields property with a list of fields")
        }
        let values = exception.values ?? []
        switch fields {
        case .scalar(let field):
            let comp: Located<String>
            switch exception.comps {
            case .none: comp = Located("in", exception.location)
            case .scalar(let value): comp = Located(value.value.trimmingBlanks(), value.location)
            case .list: throw fail("Fields and comps must both be strings")
            }
            guard Self.listOperators.contains(comp.value) || Self.isModifierForm(comp.value) else {
                throw fail("When fields is a single value, comps must be one of (in, pmatch, intersects) or a modifier operator (e.g. startswith oneof)", comp.location)
            }
            try checkField(field, fail)
            if values.isEmpty { return nil }
            var items: [String] = []
            for value in values {
                guard let scalar = value.scalar else { throw fail("Expected values array to contain a list of strings", value.location) }
                items.append(Self.quoted(scalar.string))
            }
            return "(\(field.value) \(comp.value) (\(items.joined(separator: ", "))))"
        case .list(let fieldList):
            let comps: [Located<String>]
            switch exception.comps {
            case .none: comps = fieldList.map { Located("=", $0.location) }
            case .scalar(let value): comps = [Located(value.value.trimmingBlanks(), value.location)]
            case .list(let list): comps = list.map { Located($0.value.trimmingBlanks(), $0.location) }
            }
            guard comps.count == fieldList.count else { throw fail("Fields and comps lists must have equal length") }
            for comp in comps where !(Self.comparisonOperators.contains(comp.value) || Self.isModifierForm(comp.value)) {
                let hint = Suggestion.hint(for: comp.value, in: Self.comparisonOperators)
                throw fail("'\(comp.value)' is not a supported comparison operator\(hint)", comp.location)
            }
            for field in fieldList { try checkField(field, fail) }
            if values.isEmpty { return nil }
            var tuples: [String] = []
            for value in values {
                guard case .sequence(let elements, let location) = value else {
                    throw fail("Fields and values lists must have equal length", value.location)
                }
                guard elements.count == fieldList.count else { throw fail("Fields and values lists must have equal length", location) }
                var checks: [String] = []
                for ((field, comp), element) in zip(zip(fieldList, comps), elements) {
                    checks.append("\(field.value) \(comp.value) \(try rightHandSide(element, comp: comp.value, fail))")
                }
                tuples.append(checks.count == 1 ? checks[0] : "(" + checks.joined(separator: " and ") + ")")
            }
            return tuples.count == 1 ? tuples[0] : "(" + tuples.joined(separator: " or ") + ")"
        }
    }

    private func rightHandSide(_ element: YAMLValue, comp: String, _ fail: (String, SourceLocation?) -> Failure) throws(Failure) -> String {
        switch element {
        case .sequence(let items, _):
            var texts: [String] = []
            for item in items {
                guard let scalar = item.scalar else { throw fail("Expected values array to contain a list of strings", item.location) }
                texts.append(Self.quoted(scalar.string))
            }
            return "(" + texts.joined(separator: ", ") + ")"
        case .scalar(let scalar):
            // Falco parenthesizes a scalar for a list operator unless it already is (a list
            // reference such as `(cat_cmdlines)`), and quotes nothing inside.
            if Self.listOperators.contains(comp) || Self.isModifierForm(comp) {
                return scalar.string.hasPrefix("(") ? scalar.string : "(" + scalar.string + ")"
            }
            return Self.quoted(scalar.string)
        case .null:
            return "\"\""
        case .mapping(_, let location):
            throw fail("Expected values array to contain a list of strings", location)
        }
    }

    private func checkField(_ field: Located<String>, _ fail: (String, SourceLocation?) -> Failure) throws(Failure) {
        if !isValidField(field.value) {
            throw fail("'\(field.value)' is not a supported filter field", field.location)
        }
    }

    static func quoted(_ value: String) -> String { ListSubstitution.quotedIfBlank(value) }

    /// `<string op> oneof|anyof|allof`.
    static func isModifierForm(_ comp: String) -> Bool {
        let parts = comp.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2, let modifier = BinaryOperator.Modifier(rawValue: String(parts[1])) else { return false }
        _ = modifier
        return modifiableOperators.contains(String(parts[0]))
    }
}
