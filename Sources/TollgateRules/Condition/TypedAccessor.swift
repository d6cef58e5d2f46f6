import TollgateEvents

/// A field accessor with its type, as the compiler checks and combines it.
package struct TypedAccessor: Sendable {
    package var kind: FieldAccessor
    package var type: FieldType
    /// The field as written (`proc.aname[2]`), for messages and output field names.
    package var name: String
    package var flags: FieldDefinition.Flags
    /// For a string field kept in the event's value cache: its slot and the uncached getter.
    package var cached: CachedString?

    package struct CachedString: Sendable {
        var slot: Int
        var compute: @Sendable (Event) -> ByteString?
    }

    package init(_ kind: FieldAccessor, type: FieldType, name: String, flags: FieldDefinition.Flags, cached: CachedString? = nil) {
        self.kind = kind
        self.type = type
        self.name = name
        self.flags = flags
        self.cached = cached
    }

    /// A check on the bytes of this string field, read with `get` (its `.string` getter);
    /// `unknown` when the field has no value. A cached field lends its bytes from the event's
    /// value cache, so the check neither copies nor retains them.
    func bytesCheck(_ get: @escaping @Sendable (Event) -> ByteString?, _ predicate: @escaping ConstantComparison.BytesPredicate,
                    unknown: Bool) -> EventPredicate {
        if let cached {
            let slot = cached.slot, compute = cached.compute
            return { event in
                event.values.withBytes(slot, event: event.number, { compute(event) }) { bytes in
                    guard let bytes else { return unknown }
                    return predicate(bytes)
                }
            }
        }
        return { event in
            guard let value = get(event) else { return unknown }
            return value.bytes.withUnsafeBufferPointer(predicate)
        }
    }

    func renamed(_ newName: String) -> TypedAccessor {
        var copy = self
        copy.name = newName
        return copy
    }

    /// `exists`: the field extracted a value.
    package var exists: EventPredicate {
        switch kind {
        case .string(let f): return { f($0) != nil }
        case .integer(let f): return { f($0) != nil }
        case .bool(let f): return { f($0) != nil }
        case .address(let f): return { f($0) != nil }
        case .anyString(let f): return { f($0) { _ in true } }
        case .anyInteger(let f): return { !f($0).isEmpty }
        case .anyAddress(let f): return { let (a, b) = f($0); return a != nil || b != nil }
        case .stringList(let f): return { f($0) != nil }
        }
    }

    /// The value as a string, for transformers that take any field.
    package var stringValue: @Sendable (Event) -> ByteString? {
        switch kind {
        case .string(let f): return f
        default:
            let kind = self.kind
            return { event in kind.render(event).map { ByteString($0) } }
        }
    }

    /// Concatenates string renderings of several accessors (`concat`, transformer lists).
    static func concatenation(_ parts: [TypedAccessor], separator: UInt8?) -> TypedAccessor {
        let getters = parts.map(\.stringValue)
        return TypedAccessor(.string { event in
            var out: [UInt8] = []
            for (index, get) in getters.enumerated() {
                guard let value = get(event) else { return nil }
                if index > 0, let separator { out.append(separator) }
                out += value.bytes
            }
            return ByteString(out)
        }, type: .charbuf, name: parts.map(\.name).joined(separator: ","), flags: [])
    }
}
