import Foundation

/// BPF objects compiled by the EmbedBPF build plugin from this target's `bpf/*.bpf.c`.
///
/// The plugin adds one `<name>Base64` constant per program in generated extensions; this type
/// decodes each object once, on first use.
package enum EmbeddedBPF {
    /// The ELF object of `tollgate.bpf.c`, the capture program.
    package static let capture: [UInt8] = decode(tollgateBase64)

    /// An object the plugin wrote as base64 (here or in another target that embeds its own).
    package static func decode(_ base64: StaticString) -> [UInt8] {
        let text = base64.withUTF8Buffer { String(decoding: $0, as: UTF8.self) }
        // The plugin wrote this text with base64(1); failing to decode it is a build defect.
        guard let data = Data(base64Encoded: text) else {
            preconditionFailure("EmbedBPF produced an invalid base64 object")
        }
        return [UInt8](data)
    }
}
