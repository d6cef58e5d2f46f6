/// Constant string values that name a field (`proc.name = proc.pname`): almost always a field
/// meant as `val(proc.pname)`, which Falco warns about ("may be a valid field misused as a
/// const string value"). Blanks are ignored when matching, as Falco does.
enum FieldLikeConstants {
    /// Every such value of an expanded condition, with the place of its comparison.
    static func find(in node: ConditionNode) -> [(String, SourceLocation)] {
        switch node {
        case .and(let children, _), .or(let children, _):
            return children.flatMap(find)
        case .not(let child, _), .macro(_, let child, _):
            return find(in: child)
        case .identifier, .unary:
            return []
        case .binary(let operand, _, let rhs, let location):
            if case .field("evt.type", nil) = operand { return [] }
            return (rhs.constants ?? []).filter(namesField).map { ($0, location) }
        }
    }

    static func namesField(_ value: String) -> Bool {
        guard value.utf8.contains(UInt8(ascii: ".")) else { return false }
        let text = value.filter { !$0.isWhitespace }
        guard let first = text.first, first.isLetter else { return false }
        var name = Substring(text)
        if text.last == "]", let open = text.firstIndex(of: "[") { name = text[..<open] }
        return FieldRegistry.shared.knows(String(name))
    }
}
