import TollgateEvents

/// A set of byte strings for `in` lists: a linear scan for short lists, otherwise an
/// open-addressing table with an FNV-1a hash (cheaper than `Hasher` for short strings).
package struct ByteStringSet: Sendable {
    /// The distinct members, in first-seen order (`index(of:)` answers positions in it).
    package let members: [[UInt8]]
    /// Positions in `members` by open-addressing slot (-1 for empty); empty for short lists.
    private let slots: [Int]
    private let mask: Int

    package init(_ values: [[UInt8]]) {
        var seen: Set<[UInt8]> = []
        let unique = values.filter { seen.insert($0).inserted }
        members = unique
        guard unique.count > 6 else {
            slots = []
            mask = 0
            return
        }
        var capacity = 16
        while capacity < unique.count * 3 { capacity <<= 1 }
        var table = [Int](repeating: -1, count: capacity)
        for (position, value) in unique.enumerated() {
            var slot = Self.hash(value) & (capacity - 1)
            while table[slot] >= 0 { slot = (slot + 1) & (capacity - 1) }
            table[slot] = position
        }
        slots = table
        mask = capacity - 1
    }

    @inline(__always)
    static func hash<C: Collection>(_ bytes: C) -> Int where C.Element == UInt8 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }

    package func contains(_ value: ByteString) -> Bool { value.bytes.withUnsafeBufferPointer(contains) }

    package func contains(_ bytes: ArraySlice<UInt8>) -> Bool { bytes.withUnsafeBufferPointer(contains) }

    package func contains(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool { index(of: bytes) != nil }

    /// The position of `bytes` in `members`, nil when not a member.
    package func index(of bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        if mask == 0 {
            for (position, candidate) in members.enumerated() where Self.equal(candidate, bytes) { return position }
            return nil
        }
        var slot = Self.hash(bytes) & mask
        while case let position = slots[slot], position >= 0 {
            if Self.equal(members[position], bytes) { return position }
            slot = (slot + 1) & mask
        }
        return nil
    }

    @inline(__always)
    private static func equal(_ candidate: [UInt8], _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard candidate.count == bytes.count else { return false }
        return candidate.withUnsafeBufferPointer { candidate in
            var i = 0
            while i < candidate.count, candidate[i] == bytes[i] { i += 1 }
            return i == candidate.count
        }
    }
}
