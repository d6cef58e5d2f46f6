// The condition grammar (falcosecurity/libs `filter/parser.cpp`, as documented in the rule
// language reference §1.3). Blanks (space, \t, \b, \r, \n) may appear between any two tokens
// unless stated otherwise; the whole input must be consumed.
//
//   Condition        = OrExpr ;
//   OrExpr           = AndExpr , { "or" , ( Blank+ , AndExpr | "(" , Embedded ) } ;
//   AndExpr          = NotExpr , { "and" , ( Blank+ , NotExpr | "(" , Embedded ) } ;
//   NotExpr          = { "not" , Space+ } , ( "not(" , Embedded | Check ) ;   (* each not toggles *)
//   Embedded         = OrExpr , ")" ;
//   Check            = "(" , Embedded
//                    | Field , Comparison
//                    | Transformer , Comparison
//                    | Identifier ;                                (* macro reference *)
//   Comparison       = "exists"
//                    | NumOp , ( TransformerOrVal | HexNumber | Number )
//                    | StrOp , Modifier , ( ListLiteral | Identifier )
//                    | StrOp , ( TransformerOrVal | QuotedStr | BareStr )
//                    | ListOp , ( ListLiteral | TransformerOrVal | Identifier ) ;
//   NumOp            = "<=" | "<" | ">=" | ">" ;
//   StrOp            = "==" | "=" | "!=" | ( "glob" | "iglob" | "contains" | "icontains"
//                    | "bcontains" | "startswith" | "bstartswith" | "endswith" | "regex" ) , Blank+ ;
//   Modifier         = ( "oneof" | "anyof" | "allof" ) , Blank+ ;  (* only before "(" or an
//                                                       identifier other than and/or/not *)
//   ListOp           = "intersects" | "in" | "pmatch" ;            (* no blank needed *)
//   ListLiteral      = "(" , [ ListItem , { "," , ListItem } ] , ")" ;
//   ListItem         = QuotedStr | BareStr ;
//   Field            = FieldName , [ FieldArg ] ;                  (* no blank before "[" *)
//   FieldArg         = "[" , ( QuotedStr | FieldArgBareStr ) , "]" ;
//   Transformer      = TransformerName , "(" , TransformerArg , { "," , TransformerArg } , ")" , [ FieldArg ] ;
//   TransformerName  = "tolower" | "toupper" | "b64" | "basename" | "len" | "join" | "concat" | "getopt" ;
//   TransformerArg   = HexNumber | Number | QuotedStr | TransformerList | Transformer | Field ;
//   TransformerList  = "(" , [ TransformerArg , { "," , TransformerArg } ] , ")" ;
//   TransformerOrVal = "val(" , Field , ")" , [ FieldArg ] | Transformer ;
//
//   Identifier       = [a-zA-Z]+[a-zA-Z0-9_]* ;
//   FieldName        = Identifier , ( "." , Identifier )+ ;
//   FieldArgBareStr  = [^][\"'[:space:]]+ ;
//   HexNumber        = 0[xX][0-9a-fA-F]+ ;
//   Number           = [+-]?[0-9]+\.?[0-9]*([eE][+-][0-9]+)? ;
//   QuotedStr        = '"' … '"' | "'" … "'" ;  (* ends at the first delimiter not preceded by
//                                                 a backslash; escapes \b \f \n \r \t \\ \/ \xHH,
//                                                 \" and \' inside their own quotes, legacy "\ " *)
//   BareStr          = [^()\"'[:space:]=,]+ ;
//
// Precedence: or < and < not < check. Chains become one n-ary node; `not not x` is `x`.
// `and`/`or`/`not` are not reserved words. Nesting is bounded (`maximumDepth`) so hostile input
// cannot exhaust a 512 KiB thread stack; and/or chains are loops, not recursion.

/// A condition syntax error with the byte offset where it was found.
package struct ConditionSyntaxError: Error, Sendable, Equatable {
    package var message: String
    package var offset: Int
}

/// Recursive-descent parser for the grammar above.
package struct ConditionParser {
    /// Deepest nesting of parentheses, `not`s and transformers accepted.
    package static let maximumDepth = 100

    private let text: ConditionText
    private let bytes: [UInt8]
    private var position = 0
    private var depth = 0
    private var lastToken = ""

    package static let transformerNames = ["tolower", "toupper", "b64", "basename", "len", "join", "concat", "getopt"]

    private init(_ text: ConditionText) {
        self.text = text
        self.bytes = text.bytes
    }

    /// Parses a whole condition.
    package static func parse(_ text: ConditionText) -> Result<ConditionNode, ConditionSyntaxError> {
        var parser = ConditionParser(text)
        do {
            return .success(try parser.parseCondition())
        } catch let error as ConditionSyntaxError {
            return .failure(error)
        } catch {
            return .failure(ConditionSyntaxError(message: "\(error)", offset: 0))
        }
    }

    package static func parse(_ string: String, at location: SourceLocation = SourceLocation(file: "<condition>", line: 1, column: 1)) -> Result<ConditionNode, ConditionSyntaxError> {
        parse(ConditionText(string, at: location))
    }

    // MARK: - Expressions

    private mutating func parseCondition() throws -> ConditionNode {
        if bytes.isEmpty { throw fail("filter input string is empty") }
        let result = try parseOr()
        if position != bytes.count {
            throw fail("unexpected token after '\(lastToken)', expecting 'or', 'and'")
        }
        return result
    }

    private mutating func parseOr() throws -> ConditionNode {
        try enter()
        defer { depth -= 1 }
        skipBlanks()
        let start = position
        var children = [try parseAnd()]
        skipBlanks()
        while matchKeyword("or") {
            children.append(try parseAfterKeyword("or", then: { try $0.parseAnd() }))
            skipBlanks()
        }
        return children.count == 1 ? children[0] : .or(children, location(start))
    }

    private mutating func parseAnd() throws -> ConditionNode {
        skipBlanks()
        let start = position
        var children = [try parseNot()]
        skipBlanks()
        while matchKeyword("and") {
            children.append(try parseAfterKeyword("and", then: { try $0.parseNot() }))
            skipBlanks()
        }
        return children.count == 1 ? children[0] : .and(children, location(start))
    }

    private mutating func parseAfterKeyword(
        _ keyword: String, then next: (inout ConditionParser) throws -> ConditionNode
    ) throws -> ConditionNode {
        if skipBlanks() { return try next(&self) }
        if match("(") { return try parseEmbeddedRemainder() }
        throw fail("expected blank or '(' after '\(keyword)'")
    }

    private mutating func parseNot() throws -> ConditionNode {
        skipBlanks()
        let start = position
        var negated = false
        while matchNotWithSpace() { negated.toggle() }
        let child: ConditionNode
        if match("not(") {
            negated.toggle()
            try enter()
            defer { depth -= 1 }
            child = try parseEmbeddedRemainder()
        } else {
            child = try parseCheck()
        }
        return negated ? .not(child, location(start)) : child
    }

    private mutating func parseEmbeddedRemainder() throws -> ConditionNode {
        skipBlanks()
        let child = try parseOr()
        skipBlanks()
        if !match(")") { throw fail("expected a ')' token") }
        return child
    }

    private mutating func parseCheck() throws -> ConditionNode {
        skipBlanks()
        let start = position
        if match("(") { return try parseEmbeddedRemainder() }
        if let name = lexFieldName() {
            let field = try parseFieldRemainder(name)
            return try parseComparison(field, start: start)
        }
        if let name = lexTransformerOpen() {
            let transformer = try parseTransformerRemainder(name)
            return try parseComparison(transformer, start: start)
        }
        if let name = lexIdentifier() {
            return .identifier(name, location(start))
        }
        throw fail("expected a '(' token, a field check, or an identifier")
    }

    // MARK: - Fields and transformers

    private mutating func parseFieldRemainder(_ name: String) throws -> Operand {
        guard match("[") else { return .field(name: name, argument: nil) }
        return .field(name: name, argument: try parseFieldArgumentRemainder())
    }

    /// After `[`: the argument and `]`.
    private mutating func parseFieldArgumentRemainder() throws -> String {
        guard let argument = try lexQuotedString() ?? lexRun(where: Self.isFieldArgumentByte) else {
            throw fail("expected a valid field argument: a quoted string or a bare string")
        }
        if !match("]") { throw fail("expected a ']' token") }
        return argument
    }

    /// After `name(`: arguments, `)` and an optional `[arg]`.
    private mutating func parseTransformerRemainder(_ name: String) throws -> Operand {
        try enter()
        defer { depth -= 1 }
        var arguments = [try parseTransformerArgument(of: name)]
        skipBlanks()
        while match(",") {
            arguments.append(try parseTransformerArgument(of: name))
            skipBlanks()
        }
        if !match(")") { throw fail("expected a ')' token closing the transformer") }
        let argument = match("[") ? try parseFieldArgumentRemainder() : nil
        return .transformer(name: name, arguments: arguments, argument: argument)
    }

    private mutating func parseTransformerArgument(of name: String) throws -> Operand {
        skipBlanks()
        if let nested = lexTransformerOpen() { return try parseTransformerRemainder(nested) }
        if let field = lexFieldName() { return try parseFieldRemainder(field) }
        if let quoted = try lexQuotedString() { return .literal(quoted) }
        if let number = lexHexNumber() ?? lexNumber() { return .literal(number) }
        if match("(") {
            try enter()
            defer { depth -= 1 }
            var items: [Operand] = []
            skipBlanks()
            if !match(")") {
                items.append(try parseTransformerArgument(of: name))
                skipBlanks()
                while match(",") {
                    items.append(try parseTransformerArgument(of: name))
                    skipBlanks()
                }
                if !match(")") { throw fail("expected a ')' token") }
            }
            return .list(items)
        }
        throw fail("expected a field or a nested valid transformer: \(Self.transformerList)")
    }

    private static var transformerList: String {
        (["val"] + transformerNames).map { "'\($0)'" }.joined(separator: ", ")
    }

    /// `val(field)` or a transformer on a right-hand side, or nil.
    private mutating func parseTransformerOrValue() throws -> RightHandSide? {
        if match("val(") {
            skipBlanks()
            guard let name = lexFieldName() else { throw fail("expected a field within 'val' transformer") }
            let field = try parseFieldRemainder(name)
            skipBlanks()
            if !match(")") { throw fail("expected a ')' token closing the transformer") }
            if match("["), case .field(let name, _) = field {
                return .fieldValue(.field(name: name, argument: try parseFieldArgumentRemainder()))
            }
            return .fieldValue(field)
        }
        if let name = lexTransformerOpen() {
            return .transformer(try parseTransformerRemainder(name))
        }
        return nil
    }

    // MARK: - Comparisons

    private static let numericOperators: [(String, BinaryOperator.Base)] = [
        ("<=", .lessOrEqual), ("<", .less), (">=", .greaterOrEqual), (">", .greater),
    ]
    private static let stringSymbolOperators: [(String, BinaryOperator.Base)] = [
        ("==", .doubleEqual), ("=", .equal), ("!=", .notEqual),
    ]
    private static let stringWordOperators: [(String, BinaryOperator.Base)] = [
        ("glob", .glob), ("iglob", .iglob), ("contains", .contains), ("icontains", .icontains),
        ("bcontains", .bcontains), ("startswith", .startswith), ("bstartswith", .bstartswith),
        ("endswith", .endswith), ("regex", .regex),
    ]
    private static let listOperators: [(String, BinaryOperator.Base)] = [
        ("intersects", .intersects), ("in", .in), ("pmatch", .pmatch),
    ]

    package static var operatorNames: [String] {
        ["exists"] + (numericOperators + stringSymbolOperators + stringWordOperators + listOperators).map(\.0)
    }

    private mutating func parseComparison(_ left: Operand, start: Int) throws -> ConditionNode {
        skipBlanks()
        let here = location(start)
        if match("exists") {
            lastToken = "exists"
            return .unary(left, .exists, here)
        }
        for (token, base) in Self.numericOperators where match(token) {
            lastToken = token
            skipBlanks()
            if let rhs = try parseTransformerOrValue() { return .binary(left, BinaryOperator(base), rhs, here) }
            if let number = lexHexNumber() ?? lexNumber() {
                return .binary(left, BinaryOperator(base), .value(number), here)
            }
            throw fail("expected a number value or a field with a valid transformer: \(Self.transformerList)")
        }
        if let base = lexStringOperator() {
            skipBlanks()
            if let modifier = lexModifier() {
                let op = BinaryOperator(base, modifier)
                if match("(") { return .binary(left, op, .list(try parseListRemainder()), here) }
                if let identifier = lexIdentifier() { return .binary(left, op, .value(identifier), here) }
                throw fail("expected a list or an identifier after '\(modifier.rawValue)'")
            }
            if let rhs = try parseTransformerOrValue() { return .binary(left, BinaryOperator(base), rhs, here) }
            if let value = try lexQuotedString() ?? lexRun(where: Self.isBareStringByte) {
                return .binary(left, BinaryOperator(base), .value(value), here)
            }
            throw fail("expected a string value or a field with a valid transformer: \(Self.transformerList)")
        }
        for (token, base) in Self.listOperators where match(token) {
            lastToken = token
            skipBlanks()
            if match("(") { return .binary(left, BinaryOperator(base), .list(try parseListRemainder()), here) }
            if let rhs = try parseTransformerOrValue() { return .binary(left, BinaryOperator(base), rhs, here) }
            if let identifier = lexIdentifier() { return .binary(left, BinaryOperator(base), .value(identifier), here) }
            throw fail("expected a list, an identifier, or a field with a valid transformer: \(Self.transformerList)")
        }
        throw fail("expected a valid check operator: one of \(Self.operatorNames.map { "'\($0)'" }.joined(separator: ", "))")
    }

    private mutating func lexStringOperator() -> BinaryOperator.Base? {
        for (token, base) in Self.stringSymbolOperators where match(token) {
            lastToken = token
            return base
        }
        for (token, base) in Self.stringWordOperators where lookingAt(token) {
            let after = position + token.utf8.count
            if after < bytes.count, Self.isBlank(bytes[after]) {
                position = after
                lastToken = token
                return base
            }
        }
        return nil
    }

    /// `oneof|anyof|allof` + blanks, only when a list or a non-keyword identifier follows.
    private mutating func lexModifier() -> BinaryOperator.Modifier? {
        for modifier in BinaryOperator.Modifier.allCases where lookingAt(modifier.rawValue) {
            var cursor = position + modifier.rawValue.utf8.count
            guard cursor < bytes.count, Self.isBlank(bytes[cursor]) else { continue }
            while cursor < bytes.count, Self.isBlank(bytes[cursor]) { cursor += 1 }
            guard cursor < bytes.count else { continue }
            if bytes[cursor] == UInt8(ascii: "(") {
                position = cursor
                return modifier
            }
            let saved = position
            position = cursor
            if let word = lexIdentifier(), !["and", "or", "not"].contains(word) {
                position = cursor
                return modifier
            }
            position = saved
        }
        return nil
    }

    /// After `(`: list items and `)`.
    private mutating func parseListRemainder() throws -> [String] {
        var values: [String] = []
        skipBlanks()
        if let first = try lexQuotedString() ?? lexRun(where: Self.isBareStringByte) {
            values.append(first)
            skipBlanks()
            while match(",") {
                skipBlanks()
                guard let item = try lexQuotedString() ?? lexRun(where: Self.isBareStringByte) else {
                    throw fail("expected a string value")
                }
                values.append(item)
                skipBlanks()
            }
        }
        if !match(")") { throw fail("expected a ')' token") }
        return values
    }

    // MARK: - Lexing

    private mutating func enter() throws {
        depth += 1
        if depth > Self.maximumDepth {
            throw fail("exceeded max depth limit of \(Self.maximumDepth) nested expressions")
        }
    }

    @discardableResult
    private mutating func skipBlanks() -> Bool {
        let start = position
        while position < bytes.count, Self.isBlank(bytes[position]) { position += 1 }
        return position > start
    }

    private func lookingAt(_ token: String) -> Bool {
        var cursor = position
        for byte in token.utf8 {
            guard cursor < bytes.count, bytes[cursor] == byte else { return false }
            cursor += 1
        }
        return true
    }

    private mutating func match(_ token: String) -> Bool {
        guard lookingAt(token) else { return false }
        position += token.utf8.count
        lastToken = token
        return true
    }

    /// `and`/`or` are prefix matches as in libs (`orx` then fails for want of a blank).
    private mutating func matchKeyword(_ keyword: String) -> Bool { match(keyword) }

    private mutating func matchNotWithSpace() -> Bool {
        guard lookingAt("not") else { return false }
        var cursor = position + 3
        guard cursor < bytes.count, Self.isSpace(bytes[cursor]) else { return false }
        while cursor < bytes.count, Self.isSpace(bytes[cursor]) { cursor += 1 }
        position = cursor
        lastToken = "not"
        return true
    }

    private mutating func lexIdentifier() -> String? {
        guard position < bytes.count, Self.isLetter(bytes[position]) else { return nil }
        let start = position
        position += 1
        while position < bytes.count, Self.isWordByte(bytes[position]) { position += 1 }
        return token(from: start)
    }

    private mutating func lexFieldName() -> String? {
        let start = position
        guard lexIdentifier() != nil else { return nil }
        var components = 1
        while position + 1 < bytes.count, bytes[position] == UInt8(ascii: "."), Self.isLetter(bytes[position + 1]) {
            position += 1
            _ = lexIdentifier()
            components += 1
        }
        if components < 2 {
            position = start
            return nil
        }
        return token(from: start)
    }

    private mutating func lexTransformerOpen() -> String? {
        for name in Self.transformerNames where lookingAt(name + "(") {
            position += name.utf8.count + 1
            lastToken = name + "("
            skipBlanks()
            return name
        }
        return nil
    }

    private mutating func lexHexNumber() -> String? {
        guard position + 2 < bytes.count, bytes[position] == UInt8(ascii: "0"),
              bytes[position + 1] | 0x20 == UInt8(ascii: "x"), Self.isHexDigit(bytes[position + 2]) else { return nil }
        let start = position
        position += 2
        while position < bytes.count, Self.isHexDigit(bytes[position]) { position += 1 }
        return token(from: start)
    }

    private mutating func lexNumber() -> String? {
        let start = position
        var cursor = position
        if cursor < bytes.count, bytes[cursor] == UInt8(ascii: "+") || bytes[cursor] == UInt8(ascii: "-") { cursor += 1 }
        let digitsStart = cursor
        while cursor < bytes.count, Self.isDigit(bytes[cursor]) { cursor += 1 }
        guard cursor > digitsStart else { return nil }
        if cursor < bytes.count, bytes[cursor] == UInt8(ascii: ".") { cursor += 1 }
        while cursor < bytes.count, Self.isDigit(bytes[cursor]) { cursor += 1 }
        if cursor + 2 < bytes.count, bytes[cursor] | 0x20 == UInt8(ascii: "e"),
           bytes[cursor + 1] == UInt8(ascii: "+") || bytes[cursor + 1] == UInt8(ascii: "-"),
           Self.isDigit(bytes[cursor + 2]) {
            cursor += 2
            while cursor < bytes.count, Self.isDigit(bytes[cursor]) { cursor += 1 }
        }
        position = cursor
        return token(from: start)
    }

    private mutating func lexRun(where accept: (UInt8) -> Bool) -> String? {
        let start = position
        while position < bytes.count, accept(bytes[position]) { position += 1 }
        return position > start ? token(from: start) : nil
    }

    /// A quoted string, unescaped; nil if there is none (or it never terminates).
    private mutating func lexQuotedString() throws -> String? {
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") || bytes[position] == UInt8(ascii: "'") else {
            return nil
        }
        let delimiter = bytes[position]
        var cursor = position + 1
        var previous = delimiter
        while cursor < bytes.count {
            if bytes[cursor] == delimiter, previous != UInt8(ascii: "\\") {
                let raw = Array(bytes[(position + 1)..<cursor])
                let start = position
                position = cursor + 1
                lastToken = String(decoding: bytes[start..<position], as: UTF8.self)
                return try unescape(raw, delimiter: delimiter, at: start)
            }
            previous = bytes[cursor]
            cursor += 1
        }
        return nil
    }

    private func unescape(_ raw: [UInt8], delimiter: UInt8, at offset: Int) throws -> String {
        var result: [UInt8] = []
        result.reserveCapacity(raw.count)
        var index = 0
        while index < raw.count {
            let byte = raw[index]
            index += 1
            guard byte == UInt8(ascii: "\\") else {
                result.append(byte)
                continue
            }
            guard index < raw.count else { break }
            let escaped = raw[index]
            index += 1
            switch escaped {
            case UInt8(ascii: "b"): result.append(0x08)
            case UInt8(ascii: "f"): result.append(0x0C)
            case UInt8(ascii: "n"): result.append(0x0A)
            case UInt8(ascii: "r"): result.append(0x0D)
            case UInt8(ascii: "t"): result.append(0x09)
            case UInt8(ascii: " "), UInt8(ascii: "\\"): result.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "/"): result.append(UInt8(ascii: "/"))
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                if escaped != delimiter {
                    let quote = delimiter == UInt8(ascii: "'") ? "'" : "\""
                    let bad = escaped == UInt8(ascii: "\"") ? "\\\"" : "\\'"
                    throw ConditionSyntaxError(message: "invalid \(bad) escape in \(quote)-quoted string", offset: offset)
                }
                result.append(escaped)
            case UInt8(ascii: "x"):
                guard index + 1 < raw.count, let high = Self.hexValue(raw[index]), let low = Self.hexValue(raw[index + 1]) else {
                    throw ConditionSyntaxError(message: "invalid \\x escape: expected two hex digits", offset: offset)
                }
                result.append(high << 4 | low)
                index += 2
            default:
                throw ConditionSyntaxError(
                    message: "unsupported string escape sequence: \\\(String(decoding: [escaped], as: UTF8.self))",
                    offset: offset)
            }
        }
        return String(decoding: result, as: UTF8.self)
    }

    private mutating func token(from start: Int) -> String {
        let value = String(decoding: bytes[start..<position], as: UTF8.self)
        lastToken = value
        return value
    }

    private func location(_ offset: Int) -> SourceLocation { text.location(at: offset) }

    private func fail(_ message: String) -> ConditionSyntaxError {
        ConditionSyntaxError(message: message, offset: position)
    }

    // MARK: - Byte classes

    static func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x08 || b == 0x0D || b == 0x0A }
    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }
    static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= UInt8(ascii: "a") && (b | 0x20) <= UInt8(ascii: "z") }
    static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
    static func isWordByte(_ b: UInt8) -> Bool { isLetter(b) || isDigit(b) || b == UInt8(ascii: "_") }
    static func isHexDigit(_ b: UInt8) -> Bool { hexValue(b) != nil }
    static func hexValue(_ b: UInt8) -> UInt8? {
        if isDigit(b) { return b - UInt8(ascii: "0") }
        let lower = b | 0x20
        if lower >= UInt8(ascii: "a"), lower <= UInt8(ascii: "f") { return lower - UInt8(ascii: "a") + 10 }
        return nil
    }
    static func isBareStringByte(_ b: UInt8) -> Bool {
        !(isSpace(b) || b == UInt8(ascii: "(") || b == UInt8(ascii: ")") || b == UInt8(ascii: "\"")
            || b == UInt8(ascii: "'") || b == UInt8(ascii: "=") || b == UInt8(ascii: ","))
    }
    static func isFieldArgumentByte(_ b: UInt8) -> Bool {
        !(isSpace(b) || b == UInt8(ascii: "[") || b == UInt8(ascii: "]") || b == UInt8(ascii: "\"") || b == UInt8(ascii: "'"))
    }
}
