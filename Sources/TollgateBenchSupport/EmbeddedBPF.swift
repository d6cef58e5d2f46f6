import TollgateCapture

/// BPF objects compiled by the EmbedBPF build plugin from this target's `bpf/*.bpf.c`: the
/// benchmarks' own programs, which the shipped binary does not carry. (The plugin adds one
/// `<name>Base64` constant per program; this target's type shadows TollgateCapture's.)
enum EmbeddedBPF {}

/// The ELF object of `floor.bpf.c`: tollgate's capture hooks doing nothing, for benchmarks.
package enum FloorBPF {
    package static let object: [UInt8] = TollgateCapture.EmbeddedBPF.decode(EmbeddedBPF.floorBase64)
}
