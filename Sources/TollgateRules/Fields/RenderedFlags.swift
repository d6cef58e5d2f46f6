import Synchronization
import TollgateEvents

/// Falco's text of flag, enumeration and mode values (`O_WRONLY|O_CREAT|O_TRUNC`), memoized:
/// rules test `evt.arg.flags contains O_CREAT` on most opens, and a build repeats a handful of
/// flag combinations, so each is rendered once instead of once per event.
enum RenderedFlags {
    private struct Key: Hashable {
        var value: UInt64
        var set: UInt8
        var kind: UInt8
        var arch: Architecture
    }

    /// Distinct values kept; past it the table starts over (odd values cannot grow it forever).
    private static let limit = 4096
    private static let table = Mutex<[Key: ByteString]>([:])

    /// The rendered bytes of `value` when it is a flag-like value, else nil.
    static func bytes(_ value: EventValue) -> ByteString? {
        let key: Key
        switch value {
        case .flags(let v, let set, let arch): key = Key(value: v, set: set.rawValue, kind: 0, arch: arch)
        case .enumeration(let v, let set, let arch): key = Key(value: v, set: set.rawValue, kind: 1, arch: arch)
        case .mode(let v): key = Key(value: v, set: 0, kind: 2, arch: .native)
        default: return nil
        }
        if let known = table.withLock({ $0[key] }) { return known }
        let rendered = ByteString(value.rendered)
        table.withLock { entries in
            if entries.count >= limit { entries.removeAll(keepingCapacity: true) }
            entries[key] = rendered
        }
        return rendered
    }
}
