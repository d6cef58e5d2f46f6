import TollgateEvents

/// A set of byte strings for `in` lists: a linear scan for short lists, otherwise an
/// open-addressing table with an FNV-1a hash (cheaper than `Hasher` for short strings).
package struct ByteStringSet: Sendable {
    private let small: [[UInt8]]
    private let slots: [[UInt8]?]
    private let mask: Int

    package init(_ values: [[UInt8]]) {
        let unique = Array(Set(values))
        guard unique.count > 6 else {
            small = unique
            slots = []
            mask = 0
            return
        }
        var capacity = 16
        while capacity < unique.count * 3 { capacity <<= 1 }
        var table = [[UInt8]?](repeating: nil, count: capacity)
        for value in unique {
            var slot = Self.hash(value[...]) & (capacity - 1)
            while table[slot] != nil { slot = (slot + 1) & (capacity - 1) }
            table[slot] = value
        }
        small = []
        slots = table
        mask = capacity - 1
    }

    @inline(__always)
    static func hash(_ bytes: ArraySlice<UInt8>) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }

    package func contains(_ value: ByteString) -> Bool { contains(value.bytes) }

    package func contains(_ bytes: ArraySlice<UInt8>) -> Bool {
        if mask == 0 {
            for candidate in small where candidate.count == bytes.count && candidate.elementsEqual(bytes) { return true }
            return false
        }
        var slot = Self.hash(bytes) & mask
        while let candidate = slots[slot] {
            if candidate.count == bytes.count && candidate.elementsEqual(bytes) { return true }
            slot = (slot + 1) & mask
        }
        return false
    }
}
