import Foundation
import Testing

@testable import TollgateEvents

/// Every file of the damaged corpus is rejected with the right code, record number and byte
/// offset, and `--salvage` keeps exactly the records before the damage. Never a trap.
struct CaptureDamageTests {
    struct Expected: Sendable, CustomStringConvertible {
        let file: String
        let code: CaptureError.Code
        let record: Int?
        let offset: Int?
        /// Records before the damage (what --salvage analyses).
        let intact: Int
        var description: String { file }
    }

    /// file -> code, record, offset, intact records. The sample has 7 records; record n
    /// starts at the offsets printed by `sampleLayoutIsWhatTheTableAssumes`.
    static let table: [Expected] = [
        Expected(file: "empty.tgcap", code: .truncated, record: nil, offset: 0, intact: 0),
        Expected(file: "magic-cut.tgcap", code: .truncated, record: nil, offset: 5, intact: 0),
        Expected(file: "elf-file.tgcap", code: .badMagic, record: nil, offset: 0, intact: 0),
        Expected(file: "text-file.tgcap", code: .badMagic, record: nil, offset: 0, intact: 0),
        Expected(file: "magic-bit-flipped.tgcap", code: .badMagic, record: nil, offset: 0, intact: 0),
        Expected(file: "zeros.tgcap", code: .badMagic, record: nil, offset: 0, intact: 0),
        Expected(file: "version-2.tgcap", code: .badVersion, record: nil, offset: 8, intact: 0),
        Expected(file: "version-0.tgcap", code: .badVersion, record: nil, offset: 8, intact: 0),
        Expected(file: "header-flags-unknown.tgcap", code: .badHeader, record: nil, offset: 10, intact: 0),
        Expected(file: "header-length-huge.tgcap", code: .badHeader, record: nil, offset: 12, intact: 0),
        Expected(file: "header-length-past-end.tgcap", code: .truncated, record: nil, offset: 12, intact: 0),
        Expected(file: "header-cut.tgcap", code: .truncated, record: nil, offset: 12, intact: 0),
        Expected(file: "header-architecture-unknown.tgcap", code: .badHeader, record: nil, offset: 16, intact: 0),
        Expected(file: "header-record-version-2.tgcap", code: .badVersion, record: nil, offset: 17, intact: 0),
        Expected(file: "header-string-length-huge.tgcap", code: .badHeader, record: nil, offset: 60, intact: 0),
        Expected(file: "header-argv-count-huge.tgcap", code: .badHeader, record: nil, offset: HEADER_ARGV, intact: 0),
        Expected(file: "record-3-cut.tgcap", code: .truncated, record: 3, offset: R3, intact: 2),
        Expected(file: "records-end-without-trailer.tgcap", code: .truncated, record: 8, offset: TRAILER, intact: 7),
        Expected(file: "record-4-length-field-cut.tgcap", code: .truncated, record: 4, offset: R4, intact: 3),
        Expected(file: "record-2-length-huge.tgcap", code: .badLength, record: 2, offset: R2, intact: 1),
        Expected(file: "record-5-length-99.tgcap", code: .badLength, record: 5, offset: R5, intact: 4),
        Expected(file: "record-1-length-zero.tgcap", code: .badTrailer, record: 1, offset: R1 + 4, intact: 0),
        Expected(file: "record-3-length-plus-8.tgcap", code: .badRecord, record: 3, offset: R3_PLUS, intact: 2),
        Expected(file: "record-2-version-9.tgcap", code: .badVersion, record: 2, offset: R2 + 4, intact: 1),
        Expected(file: "record-4-kind-77.tgcap", code: .badRecord, record: 4, offset: R4 + 5, intact: 3),
        Expected(file: "record-2-payload-mask-unknown.tgcap", code: .badRecord, record: 2, offset: R2 + 6, intact: 1),
        Expected(file: "record-6-flags-unknown.tgcap", code: .badRecord, record: 6, offset: R6 + 8, intact: 5),
        Expected(file: "record-2-payload-length-huge.tgcap", code: .badRecord, record: 2, offset: R2 + 100, intact: 1),
        Expected(file: "record-3-pid-bit-flipped.tgcap", code: .badChecksum, record: nil, offset: FOOTER + 8, intact: 7),
        Expected(file: "header-cwd-bit-flipped.tgcap", code: .badChecksum, record: nil, offset: FOOTER + 8, intact: 7),
        Expected(file: "trailer-magic-damaged.tgcap", code: .badTrailer, record: 8, offset: TRAILER + 4, intact: 7),
        Expected(file: "trailer-length-huge.tgcap", code: .badTrailer, record: nil, offset: TRAILER + 8, intact: 7),
        Expected(file: "trailer-cut.tgcap", code: .truncated, record: nil, offset: TRAILER + 8, intact: 7),
        Expected(file: "footer-missing.tgcap", code: .truncated, record: nil, offset: FOOTER, intact: 7),
        Expected(file: "footer-magic-wrong.tgcap", code: .badTrailer, record: nil, offset: FOOTER + 12, intact: 7),
        Expected(file: "footer-trailer-offset-wrong.tgcap", code: .badTrailer, record: nil, offset: FOOTER, intact: 7),
        Expected(file: "bytes-after-footer.tgcap", code: .badTrailer, record: nil, offset: FOOTER + 16, intact: 7),
        Expected(file: "checksum-bit-flipped.tgcap", code: .badChecksum, record: nil, offset: FOOTER + 8, intact: 7),
        Expected(file: "trailer-blind-spot-count-huge.tgcap", code: .badTrailer, record: nil, offset: TRAILER + 76, intact: 7),
        Expected(file: "file-doubled.tgcap", code: .badTrailer, record: nil, offset: FOOTER + 16, intact: 7),
        Expected(file: "record-7-cut-in-payload-free-header.tgcap", code: .truncated, record: 7, offset: R7, intact: 6),
    ]

    /// The outcome of reading `bytes` like `tollgate analyze` does: header, then verify.
    static func outcome(_ bytes: [UInt8]) -> (error: CaptureError?, intact: Int) {
        do {
            let reader = try CaptureReader(bytes: bytes)
            switch reader.verify() {
            case .intact:
                // Resealed tampering: the checksum holds, replay finds the bad record.
                var delivered = 0
                do {
                    try reader.replay { _ in delivered += 1 }
                    return (nil, delivered)
                } catch {
                    return (error, delivered)
                }
            case .damaged(let error, let intact):
                var delivered = 0
                let replayed = (try? reader.replay(limit: intact) { _ in delivered += 1 }) ?? -1
                return (error, replayed == intact && delivered == intact ? intact : -2)
            }
        } catch {
            return (error, 0)
        }
    }

    @Test(arguments: table)
    func damagedFileIsRejectedWithCodeRecordAndOffset(_ expected: Expected) throws {
        let bytes = try [UInt8](Data(contentsOf: CaptureDamageRecipes.folder.appendingPathComponent(expected.file)))
        let (error, intact) = Self.outcome(bytes)
        let found = try #require(error, "\(expected.file) was accepted")
        #expect(found.code == expected.code, "\(found)")
        #expect(found.record == expected.record, "\(found)")
        #expect(found.offset == expected.offset, "\(found)")
        #expect(intact == expected.intact, "\(found)")
        #expect(found.description.hasSuffix("[\(expected.code.rawValue)]"))
    }

    @Test func corpusFilesMatchTheirRecipes() throws {
        let regenerate = ProcessInfo.processInfo.environment["TOLLGATE_REGENERATE_DAMAGED"] == "1"
        for (name, bytes) in CaptureDamageRecipes.all {
            let url = CaptureDamageRecipes.folder.appendingPathComponent(name)
            if regenerate { try Data(bytes).write(to: url) }
            #expect((try? Data(contentsOf: url)) == Data(bytes), "\(name) differs from its recipe")
        }
        #expect(Set(Self.table.map(\.file)) == Set(CaptureDamageRecipes.all.map(\.name)))
        #expect(Self.table.count >= 30)
    }

    /// Inputs the fuzzer found once (kept in Fixtures/damaged/fuzz/): each is rejected or
    /// read, never a trap.
    @Test func fuzzRegressionInputsDoNotTrap() throws {
        let folder = CaptureDamageRecipes.folder.appendingPathComponent("fuzz")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for name in names.sorted() {
            let bytes = try [UInt8](Data(contentsOf: folder.appendingPathComponent(name)))
            _ = Self.outcome(bytes)
        }
        #expect(Bool(true), "\(names.count) fuzz inputs read without trapping")
    }

    @Test func sampleLayoutIsWhatTheTableAssumes() {
        let o = CaptureDamageRecipes.offsets
        #expect(o.count == 8)
        print("sample layout: records at \(o.dropLast()), trailer \(o.last ?? -1), footer \(CaptureDamageRecipes.footer), argv count at \(CaptureDamageRecipes.headerString(5))")
        #expect([R1, R2, R3, R4, R5, R6, R7, TRAILER] == o)
        #expect(FOOTER == CaptureDamageRecipes.footer)
        #expect(HEADER_ARGV == CaptureDamageRecipes.headerString(5))
    }
}

// The sample capture's layout (checked by `sampleLayoutIsWhatTheTableAssumes`).
private let R1 = 193
private let R2 = 293
private let R3 = 467
private let R4 = 582
private let R5 = 682
private let R6 = 782
private let R7 = 882
private let TRAILER = 982
private let FOOTER = 1107
private let HEADER_ARGV = 127
/// Record 3 grown by 8 bytes: its payloads end at the old end, the 8 extra bytes are reported.
private let R3_PLUS = R4
