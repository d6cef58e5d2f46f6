import TollgateEvents

/// Compiles `field op constant(s)` for every field type, with constants parsed once.
enum ConstantComparison {
    /// A check on a string value's bytes, borrowed for the call.
    typealias BytesPredicate = @Sendable (UnsafeBufferPointer<UInt8>) -> Bool

    static func compile(_ lhs: TypedAccessor, _ op: BinaryOperator, values: [String], isList: Bool,
                        at location: SourceLocation) throws(CompileFailure) -> EventPredicate {
        func fail(_ message: String) -> CompileFailure { CompileFailure(message: message, location: location, code: .compileCondition) }
        switch lhs.kind {
        case .string(let get):
            let predicate = try stringPredicate(lhs, op, values, at: location)
            if UnknownResult.fields.contains(lhs.name), UnknownResult.everySuccessPasses(op, values) {
                let check = lhs.bytesCheck(get, predicate, unknown: false), field = lhs.name
                return { event in check(event) || UnknownResult.applies(to: event, field: field) }
            }
            return lhs.bytesCheck(get, predicate, unknown: false)
        case .anyString(let get):
            let predicate = try stringPredicate(lhs, op, values, at: location)
            return { event in get(event) { $0.bytes.withUnsafeBufferPointer(predicate) } }
        case .stringList(let get):
            guard op.modifier == nil, op.base == .in || op.base == .intersects else {
                throw fail("list filter '\(lhs.name)' only supports operators 'exists', 'in' and 'intersects'")
            }
            let set = ByteStringSet(values.map { Array($0.utf8) })
            if op.base == .in {
                return { event in get(event).map { $0.allSatisfy(set.contains) } ?? false }
            }
            return { event in get(event).map { $0.contains(where: set.contains) } ?? false }
        case .integer(let get):
            let predicate = try numericPredicate(lhs, op, values, at: location)
            if UnknownResult.fields.contains(lhs.name), UnknownResult.everySuccessPasses(op, values) {
                let field = lhs.name
                return { event in get(event).map(predicate) ?? UnknownResult.applies(to: event, field: field) }
            }
            return { event in get(event).map(predicate) ?? false }
        case .anyInteger(let get):
            let predicate = try numericPredicate(lhs, op, values, at: location)
            if op.base == .notEqual {
                let equal = try numericPredicate(lhs, BinaryOperator(.equal), values, at: location)
                return { event in let all = get(event); return !all.isEmpty && !all.contains(where: equal) }
            }
            return { event in get(event).contains(where: predicate) }
        case .bool(let get):
            guard op.modifier == nil, [.equal, .doubleEqual, .notEqual, .in, .intersects].contains(op.base) else {
                throw fail("'\(op)' operator not supported for boolean filters")
            }
            var acceptsTrue = false
            var acceptsFalse = false
            for value in values {
                switch value.lowercased() {
                case "true": acceptsTrue = true
                case "false": acceptsFalse = true
                default: throw fail("'\(value)' is not a boolean value for field '\(lhs.name)'; use true or false")
                }
            }
            let negate = op.base == .notEqual
            let yes = acceptsTrue != negate
            let no = acceptsFalse != negate
            return { event in
                guard let value = get(event) else { return false }
                return value ? yes : no
            }
        case .address(let get):
            let predicate = try addressPredicate(lhs, op, values, at: location)
            return { event in get(event).map(predicate) ?? false }
        case .anyAddress(let get):
            if op.base == .notEqual {
                let equal = try addressPredicate(lhs, BinaryOperator(.equal), values, at: location)
                return { event in
                    let (a, b) = get(event)
                    guard a != nil || b != nil else { return false }
                    return !(a.map(equal) ?? false) && !(b.map(equal) ?? false)
                }
            }
            let predicate = try addressPredicate(lhs, op, values, at: location)
            return { event in
                let (a, b) = get(event)
                return (a.map(predicate) ?? false) || (b.map(predicate) ?? false)
            }
        }
    }

    // MARK: - Strings

    static func stringPredicate(_ lhs: TypedAccessor, _ op: BinaryOperator, _ values: [String],
                                at location: SourceLocation) throws(CompileFailure) -> BytesPredicate {
        if let modifier = op.modifier {
            if modifier == .anyof, op.base == .equal || op.base == .doubleEqual {
                let set = ByteStringSet(values.map { Array($0.utf8) })
                return { set.contains($0) }
            }
            if modifier == .allof, op.base == .notEqual {
                let set = ByteStringSet(values.map { Array($0.utf8) })
                return { !set.contains($0) }
            }
            var built: [BytesPredicate] = []
            for value in values { built.append(try single(lhs, op.base, value, at: location)) }
            let parts = built
            switch modifier {
            case .anyof: return { value in parts.contains { $0(value) } }
            case .allof: return { value in parts.allSatisfy { $0(value) } }
            case .oneof:
                return { value in
                    var matches = 0
                    for part in parts where part(value) {
                        matches += 1
                        if matches > 1 { return false }
                    }
                    return matches == 1
                }
            }
        }
        switch op.base {
        case .in, .intersects:
            let set = ByteStringSet(values.map { Array($0.utf8) })
            return { set.contains($0) }
        case .pmatch:
            let trie = PathPrefixSet(values.map { Array($0.utf8) })
            return { trie.matches($0) }
        default:
            guard values.count == 1 else {
                throw CompileFailure(message: "operator '\(op)' needs a single value, not a list", location: location, code: .compileCondition)
            }
            return try single(lhs, op.base, values[0], at: location)
        }
    }

    static func single(_ lhs: TypedAccessor, _ base: BinaryOperator.Base, _ value: String,
                       at location: SourceLocation) throws(CompileFailure) -> BytesPredicate {
        func fail(_ message: String) -> CompileFailure { CompileFailure(message: message, location: location, code: .compileCondition) }
        let constant = Array(value.utf8)
        switch base {
        case .equal, .doubleEqual: return { StringMatchers.equal($0, constant) }
        case .notEqual: return { !StringMatchers.equal($0, constant) }
        case .less: return { value in constant.withUnsafeBufferPointer { StringMatchers.compare(value, $0) < 0 } }
        case .lessOrEqual: return { value in constant.withUnsafeBufferPointer { StringMatchers.compare(value, $0) <= 0 } }
        case .greater: return { value in constant.withUnsafeBufferPointer { StringMatchers.compare(value, $0) > 0 } }
        case .greaterOrEqual: return { value in constant.withUnsafeBufferPointer { StringMatchers.compare(value, $0) >= 0 } }
        case .contains: return { StringMatchers.contains($0, constant) }
        case .icontains:
            guard lhs.type != .bytebuf else { throw fail("'icontains' operator not supported for buffer filters") }
            let lowered = constant.map(StringMatchers.lower)
            return { StringMatchers.containsIgnoringCase($0, lowered) }
        case .startswith: return { StringMatchers.hasPrefix($0, constant) }
        case .endswith: return { StringMatchers.hasSuffix($0, constant) }
        case .bcontains, .bstartswith:
            guard lhs.type == .bytebuf else { throw fail("'\(base.rawValue)' operator not supported for string filters") }
            guard let bytes = StringMatchers.unhex(value) else { throw fail("bcontains and bstartswith operator support hex strings only") }
            if base == .bcontains { return { StringMatchers.contains($0, bytes) } }
            return { StringMatchers.hasPrefix($0, bytes) }
        case .glob, .iglob:
            let matcher = GlobMatcher(constant, caseFold: base == .iglob)
            return { matcher.matches($0) }
        case .regex:
            let regex = try CompiledRegex(value, at: location)
            return { regex.wholeMatch($0) }
        case .in, .intersects:
            return { StringMatchers.equal($0, constant) }
        case .pmatch:
            let trie = PathPrefixSet([constant])
            return { trie.matches($0) }
        }
    }

    // MARK: - Numbers and addresses

    static func parseInteger(_ text: String) -> Int64? {
        var body = Substring(text)
        var negative = false
        if body.hasPrefix("+") { body = body.dropFirst() } else if body.hasPrefix("-") { negative = true; body = body.dropFirst() }
        let magnitude: UInt64?
        if body.hasPrefix("0x") || body.hasPrefix("0X") { magnitude = UInt64(body.dropFirst(2), radix: 16) } else { magnitude = UInt64(body) }
        guard let magnitude else { return nil }
        let signed = Int64(bitPattern: magnitude)
        return negative ? -signed : signed
    }

    static func numericPredicate(_ lhs: TypedAccessor, _ op: BinaryOperator, _ values: [String],
                                 at location: SourceLocation) throws(CompileFailure) -> @Sendable (Int64) -> Bool {
        func fail(_ message: String) -> CompileFailure { CompileFailure(message: message, location: location, code: .compileCondition) }
        guard op.modifier == nil else { throw fail("'\(op)' operator not supported for numeric filters") }
        var numbers: [Int64] = []
        for value in values {
            guard let number = parseInteger(value) else { throw fail("'\(value)' is not a valid number for field '\(lhs.name)'") }
            numbers.append(number)
        }
        switch op.base {
        case .in, .intersects:
            let set = Set(numbers)
            return { set.contains($0) }
        case .equal, .doubleEqual, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual:
            guard numbers.count == 1 else { throw fail("operator '\(op)' needs a single value, not a list") }
            let n = numbers[0]
            switch op.base {
            case .equal, .doubleEqual: return { $0 == n }
            case .notEqual: return { $0 != n }
            case .less: return { $0 < n }
            case .lessOrEqual: return { $0 <= n }
            case .greater: return { $0 > n }
            default: return { $0 >= n }
            }
        default:
            throw fail("'\(op.base.rawValue)' operator not supported for numeric filters")
        }
    }

    static func addressPredicate(_ lhs: TypedAccessor, _ op: BinaryOperator, _ values: [String],
                                 at location: SourceLocation) throws(CompileFailure) -> @Sendable (IPAddressValue) -> Bool {
        func fail(_ message: String) -> CompileFailure { CompileFailure(message: message, location: location, code: .compileCondition) }
        guard op.modifier == nil, [.equal, .doubleEqual, .notEqual, .in, .intersects].contains(op.base) else {
            throw fail("'\(op)' operator not supported for IP address filters")
        }
        let negate = op.base == .notEqual
        if lhs.type == .ipnet {
            var networks: [IPNetwork] = []
            for value in values {
                guard let network = IPNetwork(parsing: value) else { throw fail("'\(value)' is not a valid IP network for field '\(lhs.name)'") }
                networks.append(network)
            }
            let nets = networks
            return { address in nets.contains { $0.contains(address) } != negate }
        }
        var addresses: Set<IPAddressValue> = []
        for value in values {
            guard let address = IPAddressValue(parsing: value) else { throw fail("'\(value)' is not a valid IP address for field '\(lhs.name)'") }
            addresses.insert(address)
        }
        let set = addresses
        return { set.contains($0) != negate }
    }
}

/// A `regex` pattern compiled once (Swift Regex, full anchored match on the UTF-8 text).
struct CompiledRegex: @unchecked Sendable {
    private let regex: Regex<AnyRegexOutput>

    init(_ pattern: String, at location: SourceLocation) throws(CompileFailure) {
        do {
            regex = try Regex(pattern)
        } catch {
            throw CompileFailure(message: "invalid regex pattern: \(pattern): \(error)", location: location, code: .compileCondition)
        }
    }

    func wholeMatch(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        return (try? regex.wholeMatch(in: text)) != nil
    }
}
