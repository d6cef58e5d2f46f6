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
        var out: [UInt8] = []
        write(into: &out, pretty: false, depth: 0)
        return String(decoding: out, as: UTF8.self)
    }

    /// Two-space indentation, one key per line, ending with a newline.
    package var pretty: String {
        var out: [UInt8] = []
        write(into: &out, pretty: true, depth: 0)
        out.append(UInt8(ascii: "\n"))
        return String(decoding: out, as: UTF8.self)
    }

    private func write(into out: inout [UInt8], pretty: Bool, depth: Int) {
        switch self {
        case .string(let value): JSONValue.writeString(value, into: &out)
        case .integer(let value): out.append(contentsOf: String(value).utf8)
        case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
        case .null: out.append(contentsOf: "null".utf8)
        case .array(let items):
            writeContainer(open: "[", close: "]", count: items.count, into: &out, pretty: pretty, depth: depth) { index, out in
                items[index].write(into: &out, pretty: pretty, depth: depth + 1)
            }
        case .object(let members):
            writeContainer(open: "{", close: "}", count: members.count, into: &out, pretty: pretty, depth: depth) { index, out in
                JSONValue.writeString(members[index].0, into: &out)
                out.append(UInt8(ascii: ":"))
                if pretty { out.append(UInt8(ascii: " ")) }
                members[index].1.write(into: &out, pretty: pretty, depth: depth + 1)
            }
        }
    }

    private func writeContainer(
        open: Unicode.Scalar, close: Unicode.Scalar, count: Int, into out: inout [UInt8], pretty: Bool, depth: Int,
        element: (Int, inout [UInt8]) -> Void
    ) {
        out.append(UInt8(ascii: open))
        guard count > 0 else {
            out.append(UInt8(ascii: close))
            return
        }
        for index in 0..<count {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            if pretty { JSONValue.newline(into: &out, depth: depth + 1) }
            element(index, &out)
        }
        if pretty { JSONValue.newline(into: &out, depth: depth) }
        out.append(UInt8(ascii: close))
    }

    private static func newline(into out: inout [UInt8], depth: Int) {
        out.append(UInt8(ascii: "\n"))
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: depth * 2))
    }

    /// RFC 8259 string escaping; also escapes U+2028/U+2029 so the output is safe JavaScript.
    private static func writeString(_ value: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var value = value
        value.makeContiguousUTF8()  // a no-op for native strings; guarantees the storage below
        _ = value.utf8.withContiguousStorageIfAvailable { bytes in
            var start = 0
            for index in bytes.indices {
                let byte = bytes[index]
                // 0xE2 may start U+2028/U+2029; checked on the slow path.
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == 0xE2 else { continue }
                out.append(contentsOf: bytes[start..<index])
                start = index + 1
                if byte == 0xE2, index + 2 < bytes.count, bytes[index + 1] == 0x80, bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9 {
                    out.append(contentsOf: (bytes[index + 2] == 0xA8 ? "\\u2028" : "\\u2029").utf8)
                    start = index + 3
                } else if byte == 0xE2 {
                    out.append(byte)
                } else {
                    escape(byte, into: &out)
                }
            }
            out.append(contentsOf: bytes[start...])
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func escape(_ byte: UInt8, into out: inout [UInt8]) {
        switch byte {
        case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
        case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
        case UInt8(ascii: "\n"): out.append(contentsOf: "\\n".utf8)
        case UInt8(ascii: "\r"): out.append(contentsOf: "\\r".utf8)
        case UInt8(ascii: "\t"): out.append(contentsOf: "\\t".utf8)
        case 0x08: out.append(contentsOf: "\\b".utf8)
        case 0x0C: out.append(contentsOf: "\\f".utf8)
        default:
            let digits = Array("0123456789abcdef".utf8)
            out.append(contentsOf: "\\u00".utf8)
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
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
