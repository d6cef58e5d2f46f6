import TollgateEvents

/// Compiles `field op val(field)` / `field op transformer(...)`: both sides read per event.
enum FieldComparison {
    static func compile(_ lhs: TypedAccessor, _ op: BinaryOperator, _ rhs: TypedAccessor,
                        at location: SourceLocation) throws(CompileFailure) -> EventPredicate {
        func fail(_ message: String) -> CompileFailure { CompileFailure(message: message, location: location, code: .compileCondition) }
        guard op.modifier == nil else { throw fail("modifiers cannot be used with a field on the right-hand side") }
        switch (lhs.kind, rhs.kind) {
        case (.integer(let left), .integer(let right)):
            let compare = try numeric(op, fail)
            return { event in
                guard let a = left(event), let b = right(event) else { return false }
                return compare(a, b)
            }
        case (.string(let left), .string(let right)):
            let compare = try strings(op, fail)
            return { event in
                guard let a = left(event), let b = right(event) else { return false }
                return compare(a, b)
            }
        case (.anyString(let left), .string(let right)):
            let compare = try strings(op, fail)
            return { event in
                guard let b = right(event) else { return false }
                return left(event) { compare($0, b) }
            }
        default:
            throw fail("fields '\(lhs.name)' and '\(rhs.name)' have different types (\(lhs.type.rawValue), \(rhs.type.rawValue)) and cannot be compared")
        }
    }

    static func numeric(_ op: BinaryOperator, _ fail: (String) -> CompileFailure) throws(CompileFailure) -> @Sendable (Int64, Int64) -> Bool {
        switch op.base {
        case .equal, .doubleEqual, .in, .intersects: return { $0 == $1 }
        case .notEqual: return { $0 != $1 }
        case .less: return { $0 < $1 }
        case .lessOrEqual: return { $0 <= $1 }
        case .greater: return { $0 > $1 }
        case .greaterOrEqual: return { $0 >= $1 }
        default: throw fail("'\(op.base.rawValue)' operator not supported for numeric filters")
        }
    }

    /// Compares two values' bytes; the right-hand one is a pattern or needle for the matchers.
    static func strings(_ op: BinaryOperator, _ fail: (String) -> CompileFailure) throws(CompileFailure) -> @Sendable (ByteString, ByteString) -> Bool {
        let bytes = try bytePredicate(op, fail)
        return { left, right in
            left.bytes.withUnsafeBufferPointer { a in right.bytes.withUnsafeBufferPointer { b in bytes(a, b) } }
        }
    }

    private static func bytePredicate(_ op: BinaryOperator, _ fail: (String) -> CompileFailure) throws(CompileFailure) -> @Sendable (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> Bool {
        switch op.base {
        case .equal, .doubleEqual, .in, .intersects: return { $0.elementsEqual($1) }
        case .notEqual: return { !$0.elementsEqual($1) }
        case .less: return { StringMatchers.compare($0, $1) < 0 }
        case .lessOrEqual: return { StringMatchers.compare($0, $1) <= 0 }
        case .greater: return { StringMatchers.compare($0, $1) > 0 }
        case .greaterOrEqual: return { StringMatchers.compare($0, $1) >= 0 }
        case .contains: return { StringMatchers.contains($0, Array($1)) }
        case .icontains: return { StringMatchers.containsIgnoringCase($0, $1.map(StringMatchers.lower)) }
        case .startswith: return { StringMatchers.hasPrefix($0, Array($1)) }
        case .endswith: return { StringMatchers.hasSuffix($0, Array($1)) }
        case .glob, .iglob:
            let fold = op.base == .iglob
            return { GlobMatcher(Array($1), caseFold: fold).matches($0) }
        default: throw fail("'\(op.base.rawValue)' operator does not accept a field on the right-hand side")
        }
    }
}
