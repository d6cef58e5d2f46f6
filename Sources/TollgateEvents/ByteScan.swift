/// Finding one byte value in a buffer eight bytes at a time (the zero-byte test on 64-bit
/// words), for the scans that dominate path checks: slashes, a pattern's anchor byte.
public enum ByteScan {
    /// Calls `visit` with each index in `start..<end` whose byte is `byte`, in order, while
    /// it returns true; returns false when `visit` stopped the scan.
    @inlinable
    public static func forEach(_ byte: UInt8, in buffer: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int,
                               _ visit: (Int) -> Bool) -> Bool {
        var i = start
        if let base = buffer.baseAddress {
            let raw = UnsafeRawPointer(base)
            let ones: UInt64 = 0x0101_0101_0101_0101
            let pattern = ones &* UInt64(byte)
            while i + 8 <= end {
                let x = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) ^ pattern
                // Bytes equal to `byte` are zero in x and get their high bit set here; a
                // borrow can also flag a byte above a real hit, so each hit is checked.
                var found = (x &- ones) & ~x & (ones &* 0x80)
                while found != 0 {
                    let index = i + found.trailingZeroBitCount / 8
                    if buffer[index] == byte, !visit(index) { return false }
                    found &= found &- 1
                }
                i += 8
            }
        }
        while i < end {
            if buffer[i] == byte, !visit(i) { return false }
            i += 1
        }
        return true
    }

    /// The first index in `start..<end` whose byte is `byte`.
    @inlinable
    public static func firstIndex(of byte: UInt8, in buffer: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int? {
        var first: Int?
        _ = forEach(byte, in: buffer, from: start, to: end) { index in
            first = index
            return false
        }
        return first
    }
}
