/// A YAML structure error found while decoding an item (LOAD_ERR_YAML_VALIDATE).
package struct ItemDecodingError: Error, Sendable {
    package var message: String
    package var location: SourceLocation
}

/// Typed access to mapping entries with Falco's reader messages.
package struct YAMLMapping: Sendable {
    package var entries: [YAMLEntry]
    package var location: SourceLocation

    package func entry(_ key: String) -> YAMLEntry? { entries.first { $0.key == key } }
    package func has(_ key: String) -> Bool { entry(key) != nil }

    /// A non-empty scalar string; nil when the key is absent.
    package func string(_ key: String, allowEmpty: Bool = false) throws -> Located<String>? {
        guard let entry = entry(key) else { return nil }
        switch entry.value {
        case .null(let location):
            if allowEmpty { return Located("", location) }
            throw ItemDecodingError(message: "Mapping for key '\(key)' is empty", location: entry.keyLocation)
        case .scalar(let scalar):
            if scalar.string.isEmpty, !allowEmpty {
                throw ItemDecodingError(message: "Value must be non-empty", location: scalar.location)
            }
            return Located(scalar.string, scalar.location)
        default:
            throw ItemDecodingError(message: "Value is not a scalar value", location: entry.value.location)
        }
    }

    package func requiredString(_ key: String) throws -> Located<String> {
        guard let value = try string(key) else {
            throw ItemDecodingError(message: "Item has no mapping for key '\(key)'", location: location)
        }
        return value
    }

    /// YAML 1.1 booleans as yaml-cpp decodes them.
    package func bool(_ key: String) throws -> Located<Bool>? {
        guard let value = try string(key) else { return nil }
        switch value.value.lowercased() {
        case "true", "yes", "on", "y": return Located(true, value.location)
        case "false", "no", "off", "n": return Located(false, value.location)
        default:
            throw ItemDecodingError(
                message: "Can't decode YAML scalar value '\(value.value)' for key '\(key)': expected true or false",
                location: value.location)
        }
    }

    package func integer(_ key: String) throws -> Located<Int>? {
        guard let value = try string(key) else { return nil }
        guard let number = Int(value.value) else {
            throw ItemDecodingError(message: "Can't decode YAML scalar value '\(value.value)' for key '\(key)': expected an integer", location: value.location)
        }
        return Located(number, value.location)
    }

    /// A sequence of non-empty scalars.
    package func strings(_ key: String) throws -> Located<[String]>? {
        guard let entry = entry(key) else { return nil }
        let items = try Self.scalars(of: entry.value, key: key)
        return Located(items.map(\.value), entry.value.location)
    }

    package static func scalars(of value: YAMLValue, key: String) throws -> [Located<String>] {
        switch value {
        case .null: return []
        case .sequence(let items, _):
            return try items.map { item in
                guard let scalar = item.scalar else {
                    throw ItemDecodingError(message: "Value is not a scalar value", location: item.location)
                }
                return Located(scalar.string, scalar.location)
            }
        default:
            throw ItemDecodingError(message: "Value is not a sequence", location: value.location)
        }
    }
}
