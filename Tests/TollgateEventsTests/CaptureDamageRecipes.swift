import Foundation

@testable import TollgateEvents

/// How each file of `Fixtures/damaged/` is made from the sample capture. The files are
/// committed; `CaptureDamageTests` checks they still match their recipe and regenerates them
/// when `TOLLGATE_REGENERATE_DAMAGED=1`.
enum CaptureDamageRecipes {
    static let sample = CaptureSamples.file()
    static let offsets = CaptureSamples.recordOffsets(sample)
    /// Start of record n (1-based); n = records + 1 is the trailer.
    static func record(_ n: Int) -> Int { offsets[n - 1] }
    static var trailer: Int { offsets[offsets.count - 1] }
    static var footer: Int { sample.count - CaptureTrailer.footerLength }
    static let headerBody = CaptureHeader.prefixLength

    static func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * UInt32($0))) & 0xFF) } }
    static func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }

    static func patched(_ at: Int, _ bytes: [UInt8], base: [UInt8] = sample) -> [UInt8] {
        var out = base
        out.replaceSubrange(at..<(at + bytes.count), with: bytes)
        return out
    }

    static func flipped(_ at: Int, bit: Int = 0) -> [UInt8] {
        var out = sample
        out[at] ^= UInt8(1 << bit)
        return out
    }

    /// The sample with its CRC recomputed, so only the structural damage is seen.
    static func resealed(_ bytes: [UInt8]) -> [UInt8] {
        var out = bytes
        let at = out.count - 8
        guard at >= 0 else { return out }
        out.replaceSubrange(at..<(at + 4), with: le32(CRC32C.checksum(out[0..<at])))
        return out
    }

    /// Offset of the length field of the header string after `skipping` strings.
    static func headerString(_ skipping: Int) -> Int {
        var offset = headerBody + 44
        for _ in 0..<skipping { offset += 4 + Int(sample.readLittleEndianUInt32(at: offset)) }
        return offset
    }

    static let all: [(name: String, bytes: [UInt8])] = [
        ("empty.tgcap", []),
        ("magic-cut.tgcap", Array(sample.prefix(5))),
        ("elf-file.tgcap", [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0] + [UInt8](repeating: 0, count: 56)),
        ("text-file.tgcap", Array("hello, this is not a capture\n".utf8)),
        ("magic-bit-flipped.tgcap", flipped(3, bit: 5)),
        ("zeros.tgcap", [UInt8](repeating: 0, count: 4096)),
        ("version-2.tgcap", patched(8, le16(2))),
        ("version-0.tgcap", patched(8, le16(0))),
        ("header-flags-unknown.tgcap", patched(10, le16(0x8001))),
        ("header-length-huge.tgcap", patched(12, le32(0xFFFF_FFFF))),
        ("header-length-past-end.tgcap", patched(12, le32(UInt32(sample.count)))),
        ("header-cut.tgcap", Array(sample.prefix(40))),
        ("header-architecture-unknown.tgcap", patched(headerBody, [7])),
        ("header-record-version-2.tgcap", patched(headerBody + 1, [2])),
        ("header-string-length-huge.tgcap", patched(headerString(0), le32(0xFFFF_FF00))),
        ("header-argv-count-huge.tgcap", patched(headerString(5), le32(0x4000_0000))),
        ("record-3-cut.tgcap", Array(sample.prefix(record(3) + 50))),
        ("records-end-without-trailer.tgcap", Array(sample.prefix(trailer))),
        ("record-4-length-field-cut.tgcap", Array(sample.prefix(record(4) + 2))),
        ("record-2-length-huge.tgcap", resealed(patched(record(2), le32(0xFFFF_FFFF)))),
        ("record-5-length-99.tgcap", resealed(patched(record(5), le32(99)))),
        ("record-1-length-zero.tgcap", resealed(patched(record(1), le32(0)))),
        ("record-3-length-plus-8.tgcap",
         resealed(patched(record(3), le32(UInt32(record(4) - record(3) + 8))))),
        ("record-2-version-9.tgcap", resealed(patched(record(2) + 4, [9]))),
        ("record-4-kind-77.tgcap", resealed(patched(record(4) + 5, [77]))),
        ("record-2-payload-mask-unknown.tgcap", resealed(patched(record(2) + 6, le16(0x8000)))),
        ("record-6-flags-unknown.tgcap", resealed(patched(record(6) + 8, le32(0x8000)))),
        ("record-2-payload-length-huge.tgcap", resealed(patched(record(2) + 100, le32(0x7FFF_FFFF)))),
        ("record-3-pid-bit-flipped.tgcap", flipped(record(3) + 20, bit: 3)),
        ("header-cwd-bit-flipped.tgcap", flipped(headerString(3) + 6, bit: 1)),
        ("trailer-magic-damaged.tgcap", resealed(patched(trailer + 4, Array("XXXX".utf8)))),
        ("trailer-length-huge.tgcap", resealed(patched(trailer + 8, le32(0xFFFF_FFF0)))),
        ("trailer-cut.tgcap", Array(sample.prefix(trailer + 30))),
        ("footer-missing.tgcap", Array(sample.prefix(footer))),
        ("footer-magic-wrong.tgcap", patched(sample.count - 4, Array("NOPE".utf8))),
        ("footer-trailer-offset-wrong.tgcap", resealed(patched(footer, le32(UInt32(trailer + 8))))),
        ("bytes-after-footer.tgcap", sample + Array("junk".utf8)),
        ("checksum-bit-flipped.tgcap", flipped(footer + 9, bit: 7)),
        ("trailer-blind-spot-count-huge.tgcap", resealed(patched(trailer + 12 + 64, le32(0x1000_0000)))),
        ("file-doubled.tgcap", sample + sample),
        ("record-7-cut-in-payload-free-header.tgcap", Array(sample.prefix(record(7) + 99))),
    ]

    static var folder: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/damaged")
    }
}
