/// The AST of a condition (falcosecurity/libs `filter/ast.h`), with source locations.
///
/// `description` prints the canonical form libs' `string_visitor` produces, which Falco shows
/// as `condition_compiled`: `(a and b)`, `(a or b)`, `not x`, `lhs op rhs`, `lhs exists`,
/// lists as `(a, b)`, values re-escaped and quoted when they hold a blank or a special byte.
package indirect enum ConditionNode: Sendable, CustomStringConvertible {
    case and([ConditionNode], SourceLocation)
    case or([ConditionNode], SourceLocation)
    case not(ConditionNode, SourceLocation)
    /// A macro reference.
    case identifier(String, SourceLocation)
    /// An expanded macro: prints as its body; compiled once and memoized per event.
    case macro(String, ConditionNode, SourceLocation)
    case unary(Operand, UnaryOperator, SourceLocation)
    case binary(Operand, BinaryOperator, RightHandSide, SourceLocation)

    package var location: SourceLocation {
        switch self {
        case .and(_, let l), .or(_, let l), .not(_, let l), .identifier(_, let l), .macro(_, _, let l),
             .unary(_, _, let l), .binary(_, _, _, let l):
            return l
        }
    }

    package var description: String {
        switch self {
        case .and(let children, _):
            return "(" + children.map(\.description).joined(separator: " and ") + ")"
        case .or(let children, _):
            return "(" + children.map(\.description).joined(separator: " or ") + ")"
        case .not(let child, _):
            return "not " + child.description
        case .identifier(let name, _):
            return name
        case .macro(_, let body, _):
            return body.description
        case .unary(let operand, let op, _):
            return "\(operand) \(op.rawValue)"
        case .binary(let operand, let op, let rhs, _):
            return "\(operand) \(op) \(rhs)"
        }
    }
}

package enum UnaryOperator: String, Sendable {
    case exists
}

/// A binary comparison operator, with an optional list modifier (`startswith oneof`).
package struct BinaryOperator: Sendable, Hashable, CustomStringConvertible {
    package enum Base: String, Sendable, CaseIterable {
        case equal = "=", doubleEqual = "==", notEqual = "!="
        case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
        case contains, icontains, bcontains, startswith, bstartswith, endswith
        case glob, iglob, regex
        case `in`, intersects, pmatch
    }

    package enum Modifier: String, Sendable, CaseIterable {
        case oneof, anyof, allof
    }

    package var base: Base
    package var modifier: Modifier?

    package init(_ base: Base, _ modifier: Modifier? = nil) {
        self.base = base
        self.modifier = modifier
    }

    package var isListOperator: Bool { base == .in || base == .intersects || base == .pmatch }
    package var isNumeric: Bool { [.less, .lessOrEqual, .greater, .greaterOrEqual].contains(base) }

    package var description: String {
        modifier.map { "\(base.rawValue) \($0.rawValue)" } ?? base.rawValue
    }
}

/// A field, possibly with an argument, or a transformer applied to operands.
package indirect enum Operand: Sendable, Hashable, CustomStringConvertible {
    case field(name: String, argument: String?)
    case transformer(name: String, arguments: [Operand], argument: String?)
    /// A literal argument of a transformer (`join(",", …)`).
    case literal(String)
    /// A transformer list argument `( … )`.
    case list([Operand])

    package var description: String {
        switch self {
        case .field(let name, let argument):
            return name + FieldArgumentPrinter.print(argument)
        case .transformer(let name, let arguments, let argument):
            return name + "(" + arguments.map(\.description).joined(separator: ",") + ")"
                + FieldArgumentPrinter.print(argument)
        case .literal(let value):
            // Transformer literals are always quoted: a bare word there would read as a field.
            let escaped = ValueEscaper.escape(value)
            return escaped.hasPrefix("\"") ? escaped : "\"" + escaped + "\""
        case .list(let items):
            return "(" + items.map(\.description).joined(separator: ", ") + ")"
        }
    }

    /// The field this operand reads, looking through transformers (first field argument).
    package var innermostField: (name: String, argument: String?)? {
        switch self {
        case .field(let name, let argument): return (name, argument)
        case .transformer(_, let arguments, _):
            for argument in arguments { if let field = argument.innermostField { return field } }
            return nil
        case .literal: return nil
        case .list(let items):
            for item in items { if let field = item.innermostField { return field } }
            return nil
        }
    }
}

/// The right-hand side of a binary check.
package enum RightHandSide: Sendable, Hashable, CustomStringConvertible {
    case value(String)
    case list([String])
    /// `val(field)`.
    case fieldValue(Operand)
    /// A transformer (a field comparison).
    case transformer(Operand)

    /// The constant values of a `value` or `list` side; nil for field comparisons.
    package var constants: [String]? {
        switch self {
        case .value(let value): return [value]
        case .list(let values): return values
        case .fieldValue, .transformer: return nil
        }
    }

    package var description: String {
        switch self {
        case .value(let value):
            return ValueEscaper.escape(value)
        case .list(let values):
            return "(" + values.map(ValueEscaper.escape).joined(separator: ", ") + ")"
        case .fieldValue(let operand):
            return "val(\(operand))"
        case .transformer(let operand):
            return operand.description
        }
    }
}

enum FieldArgumentPrinter {
    static func print(_ argument: String?) -> String {
        guard let argument else { return "" }
        return "[" + ValueEscaper.escape(argument) + "]"
    }
}

/// libs `escape_str`: escapes control bytes, backslashes and quotes, and wraps the value in
/// double quotes when it holds a blank, `=`, a quote, a backslash or a control byte.
package enum ValueEscaper {
    package static func escape(_ value: String) -> String {
        if value.isEmpty { return "\"\"" }
        var result = ""
        var quote = false
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\u{8}": result += "\\b"; quote = true
            case "\u{C}": result += "\\f"; quote = true
            case "\n": result += "\\n"; quote = true
            case "\r": result += "\\r"; quote = true
            case "\t": result += "\\t"; quote = true
            case " ", "=", "'", "(", ")", ",": result.unicodeScalars.append(scalar); quote = true
            case "\\": result += "\\\\"; quote = true
            case "\"": result += "\\\""; quote = true
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    result += "\\x" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 2)
                    quote = true
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return quote ? "\"" + result + "\"" : result
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
