/// A decoded `struct sockaddr`.
public enum SocketAddress: Sendable, Hashable, CustomStringConvertible {
    /// IPv4 address in host order (`0x7F000001` is 127.0.0.1) and port.
    case ipv4(address: UInt32, port: UInt16)
    /// IPv6 address as 16 network-order bytes, and port.
    case ipv6(address: IPv6Address, port: UInt16)
    /// A unix socket path (abstract names start with a NUL byte, rendered as `@`).
    case unix(path: ByteString)
    /// Another family, kept by number.
    case other(family: UInt16)

    public static let AF_UNIX: UInt16 = 1
    public static let AF_INET: UInt16 = 2
    public static let AF_INET6: UInt16 = 10

    /// Decodes sockaddr bytes (little-endian family, network-order port). Nil when too short.
    public init?(bytes: ByteString) {
        let b = bytes
        guard b.count >= 2 else { return nil }
        let family = UInt16(b[offset: 0]) | UInt16(b[offset: 1]) << 8
        switch family {
        case Self.AF_INET:
            guard b.count >= 8 else { return nil }
            let port = UInt16(b[offset: 2]) << 8 | UInt16(b[offset: 3])
            let addr = UInt32(b[offset: 4]) << 24 | UInt32(b[offset: 5]) << 16 | UInt32(b[offset: 6]) << 8
                | UInt32(b[offset: 7])
            self = .ipv4(address: addr, port: port)
        case Self.AF_INET6:
            guard b.count >= 24 else { return nil }
            let port = UInt16(b[offset: 2]) << 8 | UInt16(b[offset: 3])
            self = .ipv6(address: IPv6Address(bytes: b.slice(8..<24)), port: port)
        case Self.AF_UNIX:
            var path = b.slice(2..<b.count)
            // The path ends at the first NUL, except for abstract names (leading NUL).
            if path.count > 0, path[offset: 0] != 0, let nul = path.bytes.firstIndex(of: 0) {
                path = ByteString(path.bytes[path.bytes.startIndex..<nul])
            }
            self = .unix(path: path)
        default:
            self = .other(family: family)
        }
    }

    /// The sockaddr bytes (for building test events): inverse of `init(bytes:)`.
    public var encoded: [UInt8] {
        switch self {
        case .ipv4(let address, let port):
            return [2, 0, UInt8(port >> 8), UInt8(port & 0xFF),
                    UInt8(address >> 24), UInt8((address >> 16) & 0xFF), UInt8((address >> 8) & 0xFF),
                    UInt8(address & 0xFF)] + [UInt8](repeating: 0, count: 8)
        case .ipv6(let address, let port):
            return [10, 0, UInt8(port >> 8), UInt8(port & 0xFF), 0, 0, 0, 0] + address.bytes + [0, 0, 0, 0]
        case .unix(let path):
            return [1, 0] + Array(path.bytes) + (path.count > 0 && path[offset: 0] == 0 ? [] : [0])
        case .other(let family):
            return [UInt8(family & 0xFF), UInt8(family >> 8)]
        }
    }

    public var family: UInt16 {
        switch self {
        case .ipv4: Self.AF_INET
        case .ipv6: Self.AF_INET6
        case .unix: Self.AF_UNIX
        case .other(let f): f
        }
    }

    /// The port for IP addresses.
    public var port: UInt16? {
        switch self {
        case .ipv4(_, let p), .ipv6(_, let p): p
        default: nil
        }
    }

    /// The address without the port (`1.2.3.4`, `::1`, the unix path).
    public var addressString: String {
        switch self {
        case .ipv4(let a, _): "\(a >> 24).\((a >> 16) & 0xFF).\((a >> 8) & 0xFF).\(a & 0xFF)"
        case .ipv6(let a, _): a.description
        case .unix(let path):
            path.count > 0 && path[offset: 0] == 0 ? "@" + path.slice(1..<path.count).description : path.description
        case .other(let f): "family \(f)"
        }
    }

    /// `1.2.3.4:80`, `::1:80`, or the unix path (Falco's tuple spelling).
    public var description: String {
        if let port { return "\(addressString):\(port)" }
        return addressString
    }
}

/// An IPv6 address (16 bytes, network order).
public struct IPv6Address: Sendable, Hashable, CustomStringConvertible {
    public let high: UInt64
    public let low: UInt64

    public init(bytes: ByteString) {
        var h: UInt64 = 0, l: UInt64 = 0
        for i in 0..<8 { h = h << 8 | UInt64(bytes.count > i ? bytes[offset: i] : 0) }
        for i in 8..<16 { l = l << 8 | UInt64(bytes.count > i ? bytes[offset: i] : 0) }
        high = h
        low = l
    }

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    public var bytes: [UInt8] {
        (0..<8).map { UInt8((high >> UInt64(56 - 8 * $0)) & 0xFF) }
            + (0..<8).map { UInt8((low >> UInt64(56 - 8 * $0)) & 0xFF) }
    }

    /// An IPv4-mapped address (`::ffff:a.b.c.d`) as its IPv4 value.
    public var mappedIPv4: UInt32? {
        high == 0 && low >> 32 == 0xFFFF ? UInt32(low & 0xFFFF_FFFF) : nil
    }

    public var isUnspecified: Bool { high == 0 && low == 0 }

    /// RFC 5952 text form (longest zero run compressed; IPv4-mapped as `::ffff:a.b.c.d`, as
    /// inet_ntop writes it).
    public var description: String {
        if let v4 = mappedIPv4 {
            return "::ffff:\(v4 >> 24).\((v4 >> 16) & 0xFF).\((v4 >> 8) & 0xFF).\(v4 & 0xFF)"
        }
        let groups = (0..<8).map { i -> UInt16 in
            let word = i < 4 ? high : low
            return UInt16((word >> UInt64(48 - 16 * (i % 4))) & 0xFFFF)
        }
        var bestStart = -1, bestLength = 0, runStart = -1
        for i in 0...8 {
            if i < 8 && groups[i] == 0 {
                if runStart < 0 { runStart = i }
            } else if runStart >= 0 {
                if i - runStart > bestLength && i - runStart > 1 { bestStart = runStart; bestLength = i - runStart }
                runStart = -1
            }
        }
        func hex(_ range: Range<Int>) -> String { range.map { String(groups[$0], radix: 16) }.joined(separator: ":") }
        if bestStart < 0 { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
    }
}
