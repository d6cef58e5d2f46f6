/// Replaces macro references with the macros' ASTs (falcosecurity/falco
/// `filter_macro_resolver.cpp`). Errors are LOAD_ERR_VALIDATE: `Undefined macro 'X' used in
/// filter.` and `reference loop in macro 'X'`.
package struct MacroExpander {
    package struct Failure: Error, Sendable {
        package var message: String
        package var location: SourceLocation
    }

    /// Deepest AST accepted after expansion; visitors recurse once per level, so this keeps
    /// compiling and printing within a 512 KiB thread stack even in debug builds.
    package static let maximumDepth = 120
    /// Deepest chain of macros referencing macros.
    package static let maximumMacroNesting = 32

    /// Parsed (unexpanded) macro bodies with their visibility orders.
    package var macros: [String: (ast: ConditionNode, firstOrder: Int, lastOrder: Int)]
    /// Macro names that any rule or macro referenced.
    package private(set) var used: Set<String> = []
    private var expanded: [String: ConditionNode] = [:]

    package init(macros: [String: (ast: ConditionNode, firstOrder: Int, lastOrder: Int)]) {
        self.macros = macros
    }

    /// Expands a rule condition (rules see every macro).
    package mutating func expandRule(_ node: ConditionNode) throws(Failure) -> ConditionNode {
        var stack: [String] = []
        let result = try expand(node, visibleBefore: Int.max, stack: &stack, depth: 0)
        try Self.checkDepth(result)
        return result
    }

    /// Expands one macro by name (for validating macros no rule uses).
    package mutating func expandMacro(named name: String) throws(Failure) -> ConditionNode? {
        guard macros[name] != nil else { return nil }
        var stack: [String] = []
        return try expandMacroBody(name, stack: &stack, location: nil)
    }

    private mutating func expandMacroBody(_ name: String, stack: inout [String], location: SourceLocation?) throws(Failure) -> ConditionNode {
        if let done = expanded[name] { return done }
        guard let macro = macros[name] else {
            throw Failure(message: "Undefined macro '\(name)' used in filter.", location: location ?? SourceLocation(file: "", line: 0, column: 0))
        }
        if stack.contains(name) {
            throw Failure(message: "reference loop in macro '\(name)'", location: location ?? macro.ast.location)
        }
        if stack.count >= Self.maximumMacroNesting {
            throw Failure(message: "macro '\(name)' is nested more than \(Self.maximumMacroNesting) macros deep", location: location ?? macro.ast.location)
        }
        stack.append(name)
        defer { stack.removeLast() }
        let result = try expand(macro.ast, visibleBefore: macro.lastOrder, stack: &stack, depth: 0)
        expanded[name] = result
        return result
    }

    private mutating func expand(_ node: ConditionNode, visibleBefore: Int, stack: inout [String], depth: Int) throws(Failure) -> ConditionNode {
        if depth > Self.maximumDepth { throw depthFailure(node.location) }
        switch node {
        case .and(let children, let location):
            var result: [ConditionNode] = []
            for child in children { result.append(try expand(child, visibleBefore: visibleBefore, stack: &stack, depth: depth + 1)) }
            return .and(result, location)
        case .or(let children, let location):
            var result: [ConditionNode] = []
            for child in children { result.append(try expand(child, visibleBefore: visibleBefore, stack: &stack, depth: depth + 1)) }
            return .or(result, location)
        case .not(let child, let location):
            return .not(try expand(child, visibleBefore: visibleBefore, stack: &stack, depth: depth + 1), location)
        case .identifier(let name, let location):
            guard let macro = macros[name], macro.firstOrder < visibleBefore || stack.contains(name) else {
                let hint = Suggestion.hint(for: name, in: macros.keys)
                throw Failure(message: "Undefined macro '\(name)' used in filter.\(hint.isEmpty ? "" : " Did you mean '\(Suggestion.closest(to: name, in: macros.keys) ?? "")'?")", location: location)
            }
            used.insert(name)
            return .macro(name, try expandMacroBody(name, stack: &stack, location: location), location)
        case .unary, .binary, .macro:
            return node
        }
    }

    private func depthFailure(_ location: SourceLocation) -> Failure {
        Failure(message: "condition is nested deeper than \(Self.maximumDepth) levels after macro expansion", location: location)
    }

    /// Iterative depth check so later recursive visitors stay within bounds.
    static func checkDepth(_ root: ConditionNode) throws(Failure) {
        var pending: [(ConditionNode, Int)] = [(root, 0)]
        while let (node, depth) = pending.popLast() {
            if depth > maximumDepth {
                throw Failure(message: "condition is nested deeper than \(maximumDepth) levels after macro expansion", location: node.location)
            }
            switch node {
            case .and(let children, _), .or(let children, _):
                pending += children.map { ($0, depth + 1) }
            case .not(let child, _):
                pending.append((child, depth + 1))
            case .macro(_, let body, _):
                pending.append((body, depth))
            default:
                break
            }
        }
    }
}
