/// Field values and macro results computed for the event being evaluated, so that the dozens
/// of rules reading `fd.name` or `evt.arg.flags`, or sharing the `open_read` macro, compute
/// each once per event.
///
/// One cache per decoder, shared by the events it makes; a slot holds one value for one event
/// number and is recomputed for any other. Slot numbers are handed out by the rule compiler
/// (one per field spelling, one per macro body) and the storage grows on first use. Not
/// thread-safe, like the decoder: evaluate an event on the task that decoded it.
///
/// String values are also copied into an arena that lives until a value of another event is
/// stored, so that checks can read them through `withBytes` without retaining anything.
public final class EventValueCache {
    /// What a string slot holds besides the value itself: plain data, so that a hit through
    /// `withBytes` reads memory and compares, with no reference counting.
    @usableFromInline
    struct Tag {
        /// The `evt.num` the value belongs to; 0 (never an event number) when empty.
        @usableFromInline var event: UInt64
        /// The arena generation `bytes` belong to: they are stale once it has moved on.
        @usableFromInline var generation: UInt64
        /// The value's bytes in the arena; nil when the value is nil.
        @usableFromInline var bytes: UnsafeBufferPointer<UInt8>?
        /// Whether `values` holds the value too: a value stored through `withBytes` is kept in
        /// the arena only, which spares a retain and a release per value.
        @usableFromInline var hasValue: Bool
        @usableFromInline init(event: UInt64, generation: UInt64, bytes: UnsafeBufferPointer<UInt8>?, hasValue: Bool) {
            self.event = event
            self.generation = generation
            self.bytes = bytes
            self.hasValue = hasValue
        }
        @usableFromInline static var empty: Tag { Tag(event: 0, generation: 0, bytes: nil, hasValue: false) }
    }

    @usableFromInline
    struct Result {
        @usableFromInline var event: UInt64
        @usableFromInline var value: Bool
        @usableFromInline init(event: UInt64, value: Bool) {
            self.event = event
            self.value = value
        }
    }

    // Inlined into the rule engine's field and macro closures: a hit is a load and a compare.
    @usableFromInline var tags: UnsafeMutablePointer<Tag>
    @usableFromInline var values: UnsafeMutablePointer<ByteString?>
    @usableFromInline var capacity: Int
    @usableFromInline var results: UnsafeMutablePointer<Result>
    @usableFromInline var resultCapacity: Int
    /// Counts arena resets (starts at 1, so empty tags are never current).
    @usableFromInline var arenaGeneration: UInt64 = 1
    /// The arena's current chunk; it never moves, so bytes handed out stay put while the
    /// event's values are stored. Values that do not fit get chunks of their own in `spilled`.
    private let arena: UnsafeMutablePointer<UInt8>
    private static let arenaCapacity = 64 * 1024
    private var arenaUsed = 0
    private var spilled: [UnsafeMutablePointer<UInt8>] = []
    /// The event whose values the arena holds.
    private var arenaEvent: UInt64 = 0

    public init() {
        capacity = 16
        tags = .allocate(capacity: capacity)
        tags.initialize(repeating: .empty, count: capacity)
        values = .allocate(capacity: capacity)
        values.initialize(repeating: nil, count: capacity)
        resultCapacity = 64
        results = .allocate(capacity: resultCapacity)
        results.initialize(repeating: Result(event: 0, value: false), count: resultCapacity)
        arena = .allocate(capacity: Self.arenaCapacity)
    }

    deinit {
        tags.deallocate()
        values.deinitialize(count: capacity)
        values.deallocate()
        results.deallocate()
        arena.deallocate()
        for chunk in spilled { chunk.deallocate() }
    }

    /// The result of `slot` (a macro) for event `number`, computed by `compute` unless known.
    @inlinable
    public func result(_ slot: Int, event number: UInt64, _ compute: () -> Bool) -> Bool {
        if slot < resultCapacity, results[slot].event == number { return results[slot].value }
        return store(slot, event: number, compute())
    }

    @usableFromInline
    func store(_ slot: Int, event number: UInt64, _ value: Bool) -> Bool {
        if slot >= resultCapacity {
            (results, resultCapacity) = Self.grow(results, resultCapacity, toHold: slot, empty: Result(event: 0, value: false))
        }
        results[slot] = Result(event: number, value: value)
        return value
    }

    /// The value of `slot` for event `number`, computed by `compute` unless already known.
    @inlinable
    public func string(_ slot: Int, event number: UInt64, _ compute: () -> ByteString?) -> ByteString? {
        if slot < capacity, tags[slot].event == number {
            if tags[slot].hasValue { return values[slot] }
            if tags[slot].generation == arenaGeneration { return keepValue(slot) }
        }
        let value = compute()
        store(slot, event: number, value, keepingValue: true)
        return value
    }

    /// Calls `body` with the bytes of `slot` for event `number` (nil when the value is
    /// unknown), computing and storing the value unless already known. The bytes are valid
    /// while `body` runs; nothing is retained or copied on a hit.
    @inlinable
    public func withBytes<R>(_ slot: Int, event number: UInt64, _ compute: () -> ByteString?,
                             _ body: (UnsafeBufferPointer<UInt8>?) -> R) -> R {
        if slot < capacity, tags[slot].event == number, tags[slot].generation == arenaGeneration {
            return body(tags[slot].bytes)
        }
        store(slot, event: number, compute(), keepingValue: false)
        return body(tags[slot].bytes)
    }

    /// The value of a slot stored through `withBytes`, made from its arena bytes and kept.
    @usableFromInline
    func keepValue(_ slot: Int) -> ByteString? {
        let value = tags[slot].bytes.map { ByteString(Array($0)) }
        values[slot] = value
        tags[slot].hasValue = true
        return value
    }

    /// Stores the value's bytes in the arena and, when `keepingValue`, the value in `values`.
    @usableFromInline
    func store(_ slot: Int, event number: UInt64, _ value: ByteString?, keepingValue: Bool) {
        if slot >= capacity {
            let grownTags = Self.grow(tags, capacity, toHold: slot, empty: .empty)
            (values, _) = Self.grow(values, capacity, toHold: slot, empty: nil)
            (tags, capacity) = grownTags
        }
        if number != arenaEvent { resetArena(for: number) }
        // Not `value.map(copyToArena)`: the method reference would retain the cache per store.
        let bytes: UnsafeBufferPointer<UInt8>? = if let value { copyToArena(value) } else { nil }
        tags[slot] = Tag(event: number, generation: arenaGeneration, bytes: bytes, hasValue: keepingValue)
        if keepingValue { values[slot] = value }
    }

    /// Frees the arena for the values of event `number`: the bytes of earlier values go stale.
    private func resetArena(for number: UInt64) {
        arenaEvent = number
        arenaGeneration &+= 1
        arenaUsed = 0
        for chunk in spilled { chunk.deallocate() }
        spilled.removeAll(keepingCapacity: true)
    }

    /// A copy of the value's bytes that stays valid until a value of another event is stored.
    private func copyToArena(_ value: ByteString) -> UnsafeBufferPointer<UInt8> {
        let count = value.count
        let destination: UnsafeMutablePointer<UInt8>
        if arenaUsed + count <= Self.arenaCapacity {
            destination = arena + arenaUsed
            arenaUsed += count
        } else {
            destination = .allocate(capacity: max(count, 1))
            spilled.append(destination)
        }
        value.bytes.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { destination.update(from: base, count: count) }
        }
        return UnsafeBufferPointer(start: destination, count: count)
    }

    /// Storage doubled until `slot` fits, the old entries moved over and the new ones empty.
    private static func grow<T>(_ storage: UnsafeMutablePointer<T>, _ capacity: Int, toHold slot: Int, empty: T) -> (UnsafeMutablePointer<T>, Int) {
        var newCapacity = capacity
        while newCapacity <= slot { newCapacity *= 2 }
        let grown = UnsafeMutablePointer<T>.allocate(capacity: newCapacity)
        grown.moveInitialize(from: storage, count: capacity)
        (grown + capacity).initialize(repeating: empty, count: newCapacity - capacity)
        storage.deallocate()
        return (grown, newCapacity)
    }
}
