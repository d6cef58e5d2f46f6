/// A JSON document with ordered object keys, so reports serialize byte-for-byte the same way
/// every time (goldens) and read in a sensible order (SARIF's `version` before `runs`).
package indirect enum JSONValue: Sendable, Equatable {
    case string(String)
    case integer(Int64)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([(String, JSONValue)])

    package static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)): return a == b
        case (.integer(let a), .integer(let b)): return a == b
        case (.bool(let a), .bool(let b)): return a == b
        case (.null, .null): return true
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// One line, no spaces (Falco's JSON lines).
    package var compact: String {
        var out = ""
        write(into: &out, indent: nil, depth: 0)
        return out
    }

    /// Two-space indentation, one key per line, ending with a newline.
    package var pretty: String {
        var out = ""
        write(into: &out, indent: "  ", depth: 0)
        out.append("\n")
        return out
    }

    private func write(into out: inout String, indent: String?, depth: Int) {
        switch self {
        case .string(let value): JSONValue.writeString(value, into: &out)
        case .integer(let value): out.append(String(value))
        case .bool(let value): out.append(value ? "true" : "false")
        case .null: out.append("null")
        case .array(let items):
            writeContainer(open: "[", close: "]", count: items.count, into: &out, indent: indent, depth: depth) { index, out in
                items[index].write(into: &out, indent: indent, depth: depth + 1)
            }
        case .object(let members):
            writeContainer(open: "{", close: "}", count: members.count, into: &out, indent: indent, depth: depth) { index, out in
                JSONValue.writeString(members[index].0, into: &out)
                out.append(indent == nil ? ":" : ": ")
                members[index].1.write(into: &out, indent: indent, depth: depth + 1)
            }
        }
    }

    private func writeContainer(
        open: Character, close: Character, count: Int, into out: inout String, indent: String?, depth: Int,
        element: (Int, inout String) -> Void
    ) {
        out.append(open)
        guard count > 0 else {
            out.append(close)
            return
        }
        for index in 0..<count {
            if index > 0 { out.append(",") }
            if let indent {
                out.append("\n")
                out.append(String(repeating: indent, count: depth + 1))
            }
            element(index, &out)
        }
        if let indent {
            out.append("\n")
            out.append(String(repeating: indent, count: depth))
        }
        out.append(close)
    }

    /// RFC 8259 string escaping; also escapes U+2028/U+2029 so the output is safe JavaScript.
    private static func writeString(_ value: String, into out: inout String) {
        out.append("\"")
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out.append("\\\"")
            case "\\": out.append("\\\\")
            case "\n": out.append("\\n")
            case "\r": out.append("\\r")
            case "\t": out.append("\\t")
            case "\u{08}": out.append("\\b")
            case "\u{0C}": out.append("\\f")
            case _ where scalar.value < 0x20 || scalar == "\u{2028}" || scalar == "\u{2029}":
                let hex = String(scalar.value, radix: 16, uppercase: false)
                out.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out.append("\"")
    }
}

extension JSONValue {
    /// `.string` or `.null`.
    package static func optional(_ value: String?) -> JSONValue {
        value.map(JSONValue.string) ?? .null
    }
}

/// Builds an ordered JSON object, skipping members whose value is nil.
package struct JSONObjectBuilder {
    package private(set) var members: [(String, JSONValue)] = []

    package init() {}

    package mutating func add(_ key: String, _ value: JSONValue?) {
        if let value { members.append((key, value)) }
    }

    package mutating func add(_ key: String, _ value: String?) {
        if let value { members.append((key, .string(value))) }
    }

    package var value: JSONValue { .object(members) }
}
