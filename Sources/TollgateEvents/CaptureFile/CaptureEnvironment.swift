/// What a capture keeps of environment variables when values are not asked for
/// (`--capture-env` absent): the names only.
public enum CaptureEnvironment {
    /// `NAME=value` -> `NAME`; an entry without `=` stays as it is.
    public static func name(of entry: ByteString) -> ByteString {
        guard let equals = entry.bytes.firstIndex(of: UInt8(ascii: "=")) else { return entry }
        return ByteString(entry.bytes[entry.bytes.startIndex..<equals])
    }

    /// A NUL-separated environment block with every value removed (`A=1\0B=2\0` -> `A\0B\0`).
    public static func namesOnly<C: Collection>(_ block: C) -> [UInt8] where C.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(block.count)
        var inValue = false
        for byte in block {
            if byte == 0 {
                inValue = false
                out.append(0)
            } else if !inValue {
                if byte == UInt8(ascii: "=") { inValue = true } else { out.append(byte) }
            }
        }
        return out
    }

    /// `event` with the values removed from its `env` payload; true when something was removed.
    /// Only `processExec` records carry `env`; other records pass unchanged.
    public static func strippingValues(_ event: inout RawEvent) -> Bool {
        guard event.kind == .processExec, let block = event.payload(.env) else { return false }
        let names = namesOnly(block.bytes)
        guard names.count != block.count else { return false }
        event.setPayload(.env, names)
        return true
    }
}
