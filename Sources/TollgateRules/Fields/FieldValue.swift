import TollgateEvents

/// Falco's field types (libs `PT_*`), for documentation and type checks.
package enum FieldType: String, Sendable {
    case charbuf = "CHARBUF", bytebuf = "BYTEBUF", fspath = "FSPATH"
    case int16 = "INT16", int32 = "INT32", int64 = "INT64"
    case uint32 = "UINT32", uint64 = "UINT64"
    case bool = "BOOL", ipaddr = "IPADDR", ipnet = "IPNET", port = "PORT"
    case reltime = "RELTIME", abstime = "ABSTIME", double = "DOUBLE", dyn = "DYN"

    var isString: Bool { self == .charbuf || self == .bytebuf || self == .fspath }
}

/// An IPv4 or IPv6 address, as compared by `fd.*ip` and `fd.*net` fields.
package enum IPAddressValue: Sendable, Hashable, CustomStringConvertible {
    case v4(UInt32)
    case v6(high: UInt64, low: UInt64)

    package init?(_ address: SocketAddress?) {
        switch address {
        case .ipv4(let a, _)?: self = .v4(a)
        case .ipv6(let a, _)?:
            if let mapped = a.mappedIPv4 { self = .v4(mapped) } else { self = .v6(high: a.high, low: a.low) }
        default: return nil
        }
    }

    /// Parses dotted IPv4 or RFC 4291 IPv6 text.
    package init?(parsing text: String) {
        if let v4 = Self.parseIPv4(Substring(text)) {
            self = .v4(v4)
        } else if let (high, low) = Self.parseIPv6(text) {
            if high == 0, low >> 32 == 0xFFFF { self = .v4(UInt32(low & 0xFFFF_FFFF)) } else { self = .v6(high: high, low: low) }
        } else {
            return nil
        }
    }

    package var description: String {
        switch self {
        case .v4(let a): return "\(a >> 24).\((a >> 16) & 0xFF).\((a >> 8) & 0xFF).\(a & 0xFF)"
        case .v6(let high, let low): return IPv6Address(high: high, low: low).description
        }
    }

    static func parseIPv4(_ text: Substring) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, let octet = UInt32(part), octet <= 255 else { return nil }
            value = value << 8 | octet
        }
        return value
    }

    static func parseIPv6(_ text: String) -> (UInt64, UInt64)? {
        guard text.contains(":") else { return nil }
        var groups: [UInt16] = []
        var tail: [UInt16] = []
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func parse(_ part: String) -> [UInt16]? {
            if part.isEmpty { return [] }
            var out: [UInt16] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if index == pieces.count - 1, piece.contains("."), let v4 = parseIPv4(piece) {
                    out += [UInt16(v4 >> 16), UInt16(v4 & 0xFFFF)]
                } else {
                    guard !piece.isEmpty, piece.count <= 4, let value = UInt16(piece, radix: 16) else { return nil }
                    out.append(value)
                }
            }
            return out
        }
        guard let head = parse(halves[0]) else { return nil }
        groups = head
        if halves.count == 2 {
            guard let rest = parse(halves[1]), groups.count + rest.count < 8 else { return nil }
            tail = rest
            groups += Array(repeating: 0, count: 8 - groups.count - tail.count) + tail
        }
        guard groups.count == 8 else { return nil }
        var high: UInt64 = 0, low: UInt64 = 0
        for i in 0..<4 { high = high << 16 | UInt64(groups[i]) }
        for i in 4..<8 { low = low << 16 | UInt64(groups[i]) }
        return (high, low)
    }
}

/// An IP network (`10.0.0.0/8`, `fd00::/8`); a bare address is a host network.
package struct IPNetwork: Sendable, Hashable {
    package var address: IPAddressValue
    package var prefixLength: Int

    package init?(parsing text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddressValue(parsing: String(parts[0])) else { return nil }
        let maximum: Int
        if case .v4 = address { maximum = 32 } else { maximum = 128 }
        if parts.count == 2 {
            guard let length = Int(parts[1]), length >= 0, length <= maximum else { return nil }
            prefixLength = length
        } else {
            prefixLength = maximum
        }
        self.address = address
    }

    package func contains(_ candidate: IPAddressValue) -> Bool {
        switch (address, candidate) {
        case (.v4(let network), .v4(let value)):
            if prefixLength == 0 { return true }
            let mask = UInt32.max << UInt32(32 - prefixLength)
            return network & mask == value & mask
        case (.v6(let nh, let nl), .v6(let vh, let vl)):
            if prefixLength == 0 { return true }
            if prefixLength <= 64 {
                let mask = UInt64.max << UInt64(64 - prefixLength)
                return nh & mask == vh & mask
            }
            let mask = prefixLength == 128 ? UInt64.max : UInt64.max << UInt64(128 - prefixLength)
            return nh == vh && nl & mask == vl & mask
        default:
            return false
        }
    }
}

/// How a compiled check reads a field from an event.
///
/// `any…` accessors hold several values of which one matching is enough (ancestor fields
/// without an index, `fd.ip` meaning client or server); `stringList` is a real list field
/// (`fd.types`) where `in` needs every element in the set and `intersects` needs one.
package enum FieldAccessor: Sendable {
    case string(@Sendable (Event) -> ByteString?)
    case integer(@Sendable (Event) -> Int64?)
    case bool(@Sendable (Event) -> Bool?)
    case address(@Sendable (Event) -> IPAddressValue?)
    /// Calls the visitor on each value until it returns true; returns whether one did.
    case anyString(@Sendable (Event, (ByteString) -> Bool) -> Bool)
    case anyInteger(@Sendable (Event) -> [Int64])
    /// Two addresses of which either may match (client and server).
    case anyAddress(@Sendable (Event) -> (IPAddressValue?, IPAddressValue?))
    case stringList(@Sendable (Event) -> [ByteString]?)

    /// The text an output shows for the field, nil when unknown (`<NA>`).
    package func render(_ event: Event) -> String? {
        switch self {
        case .string(let f): return f(event)?.description
        case .integer(let f): return f(event).map { String($0) }
        case .bool(let f): return f(event).map { $0 ? "true" : "false" }
        case .address(let f): return f(event)?.description
        case .anyString(let f):
            var first: ByteString?
            _ = f(event) { first = $0; return true }
            return first?.description
        case .anyInteger(let f): return f(event).first.map { String($0) }
        case .anyAddress(let f):
            let (a, b) = f(event)
            return (a ?? b)?.description
        case .stringList(let f): return f(event).map { $0.map(\.description).joined(separator: ",") }
        }
    }
}
