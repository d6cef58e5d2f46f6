import TollgateEvents

/// Byte-level string predicates used by compiled checks (constants prepared once).
enum StringMatchers {
    static func lower(_ b: UInt8) -> UInt8 { b >= 65 && b <= 90 ? b | 0x20 : b }

    /// memmem; the empty needle is always found.
    static func contains(_ hay: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
        let n = needle.count
        if n == 0 { return true }
        let h = hay.count
        if n > h { return false }
        return needle.withUnsafeBufferPointer { ndl in
            // Some start of the needle matches: the scan stops there.
            !ByteScan.forEach(ndl[0], in: hay, from: 0, to: h - n + 1) { i in
                var j = 1
                while j < n && hay[i + j] == ndl[j] { j += 1 }
                return j < n
            }
        }
    }

    /// ASCII case-insensitive substring search; `needle` is already lower-case.
    static func containsIgnoringCase(_ hay: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
        let n = needle.count
        if n == 0 { return true }
        let h = hay.count
        if n > h { return false }
        return needle.withUnsafeBufferPointer { ndl in
            var i = 0
            while i <= h - n {
                var j = 0
                while j < n && lower(hay[i + j]) == ndl[j] { j += 1 }
                if j == n { return true }
                i += 1
            }
            return false
        }
    }

    static func hasPrefix(_ value: UnsafeBufferPointer<UInt8>, _ prefix: [UInt8]) -> Bool {
        value.count >= prefix.count && equalBytes(value, at: 0, prefix)
    }

    static func hasSuffix(_ value: UnsafeBufferPointer<UInt8>, _ suffix: [UInt8]) -> Bool {
        value.count >= suffix.count && equalBytes(value, at: value.count - suffix.count, suffix)
    }

    static func equal(_ value: UnsafeBufferPointer<UInt8>, _ constant: [UInt8]) -> Bool {
        value.count == constant.count && equalBytes(value, at: 0, constant)
    }

    /// Whether `value` holds `bytes` at `offset` (which leaves room for them).
    @inline(__always)
    private static func equalBytes(_ value: UnsafeBufferPointer<UInt8>, at offset: Int, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { bytes in
            var i = 0
            while i < bytes.count, value[offset + i] == bytes[i] { i += 1 }
            return i == bytes.count
        }
    }

    /// `strcmp`-style ordering: negative, zero or positive.
    static func compare(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        for (x, y) in zip(a, b) where x != y { return Int(x) - Int(y) }
        return a.count - b.count
    }

    /// Hex text (`CAFEBABE`) to bytes, nil when not an even-length hex string.
    static func unhex(_ text: String) -> [UInt8]? {
        let bytes = Array(text.utf8)
        guard bytes.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            guard let high = ConditionParser.hexValue(bytes[i]), let low = ConditionParser.hexValue(bytes[i + 1]) else { return nil }
            out.append(high << 4 | low)
            i += 2
        }
        return out
    }

    /// Base64 decoding (padding optional); nil for invalid input.
    static func base64Decode(_ input: ArraySlice<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for byte in input {
            let value: UInt8
            switch byte {
            case 65...90: value = byte - 65
            case 97...122: value = byte - 71
            case 48...57: value = byte + 4
            case 43, 45: value = 62
            case 47, 95: value = 63
            case 61: continue
            default: return nil
            }
            buffer = buffer << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((buffer >> UInt32(bits)) & 0xFF))
            }
        }
        return out
    }
}
