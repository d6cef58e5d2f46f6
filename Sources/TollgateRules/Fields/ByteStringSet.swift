import TollgateEvents

/// A set of byte strings tuned for `in` lists: a linear scan for short lists, hashing otherwise.
package struct ByteStringSet: Sendable {
    private let small: [[UInt8]]
    private let large: Set<ByteString>
    private let useHash: Bool

    package init(_ values: [[UInt8]]) {
        useHash = values.count > 8
        small = useHash ? [] : values
        large = useHash ? Set(values.map { ByteString($0) }) : []
    }

    package func contains(_ value: ByteString) -> Bool {
        if useHash { return large.contains(value) }
        let bytes = value.bytes
        for candidate in small where candidate.count == bytes.count && candidate.elementsEqual(bytes) {
            return true
        }
        return false
    }
}
