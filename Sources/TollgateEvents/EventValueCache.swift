/// Field values and macro results computed for the event being evaluated, so that the dozens
/// of rules reading `fd.name` or `evt.arg.flags`, or sharing the `open_read` macro, compute
/// each once per event.
///
/// One cache per decoder, shared by the events it makes; a slot holds one value for one event
/// number and is recomputed for any other. Slot numbers are handed out by the rule compiler
/// (one per field spelling, one per macro body) and the storage grows on first use. Not
/// thread-safe, like the decoder: evaluate an event on the task that decoded it.
public final class EventValueCache {
    @usableFromInline
    struct Entry {
        /// The `evt.num` the value belongs to; 0 (never an event number) when empty.
        @usableFromInline var event: UInt64
        @usableFromInline var value: ByteString?
        @usableFromInline init(event: UInt64, value: ByteString?) {
            self.event = event
            self.value = value
        }
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
    @usableFromInline var entries: UnsafeMutablePointer<Entry>
    @usableFromInline var capacity: Int
    @usableFromInline var results: UnsafeMutablePointer<Result>
    @usableFromInline var resultCapacity: Int

    public init() {
        capacity = 16
        entries = .allocate(capacity: capacity)
        entries.initialize(repeating: Entry(event: 0, value: nil), count: capacity)
        resultCapacity = 64
        results = .allocate(capacity: resultCapacity)
        results.initialize(repeating: Result(event: 0, value: false), count: resultCapacity)
    }

    deinit {
        entries.deinitialize(count: capacity)
        entries.deallocate()
        results.deallocate()
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
        if slot < capacity, entries[slot].event == number { return entries[slot].value }
        return store(slot, event: number, compute())
    }

    @usableFromInline
    func store(_ slot: Int, event number: UInt64, _ value: ByteString?) -> ByteString? {
        if slot >= capacity { (entries, capacity) = Self.grow(entries, capacity, toHold: slot, empty: Entry(event: 0, value: nil)) }
        entries[slot] = Entry(event: number, value: value)
        return value
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
