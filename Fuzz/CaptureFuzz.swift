// Fuzz target for the capture reader: built only by scripts/fuzz (target `capture`), against
// the TollgateEvents module (no effect on the package build).
//
// Reads the input as a capture file the way `tollgate analyze --salvage` does: header,
// verification, then replay of the intact records. Any trap is a bug.
import TollgateEvents

@_cdecl("LLVMFuzzerTestOneInput")
public func captureFuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let reader = try? CaptureReader(bytes: bytes) else { return 0 }
    var count = 0
    switch reader.verify() {
    case .intact(let trailer):
        // Intact structure and checksum; a record's content may still be invalid (a file
        // resealed after tampering), which replay reports as an error.
        if (try? reader.replay { _ in count += 1 }) != nil {
            precondition(UInt64(count) == trailer.records, "an intact capture delivers every record")
        }
    case .damaged(_, let intact):
        let delivered = (try? reader.replay(limit: intact) { event in
            _ = event.payload(.env)
            count += 1
        }) ?? -1
        precondition(delivered == intact, "salvage must deliver exactly the intact records")
    }
    // Records must also decode on their own, from any offset, without trapping.
    if size >= 4 {
        _ = try? RawEvent.decode(bytes, at: Int(bytes[0]) % size)
    }
    return 0
}
