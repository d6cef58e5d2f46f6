import Foundation
import Testing
@testable import TollgateBaseline

/// The baseline file: golden format, round trip, errors with positions, matching and merging.
struct BaselineFileTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static var sample: Baseline {
        var baseline = Baseline()
        baseline.entries[.executable] = [.init(pattern: "/usr/bin/make <- sh"), .init(pattern: "/usr/bin/cc <- make")]
        baseline.entries[.networkEndpoint] = [.init(pattern: "tcp 140.82.*:443", reason: "github.com, any of its addresses")]
        baseline.entries[.fileWritten] = [.init(pattern: "~/.cache/pip/**")]
        return baseline
    }

    @Test func theFormatMatchesItsGoldenFile() throws {
        let expected = try String(contentsOf: Self.golden.appendingPathComponent("baseline.yaml"), encoding: .utf8)
        #expect(BaselineFile.render(Self.sample) == expected)
    }

    @Test func aRenderedBaselineReadsBackTheSame() throws {
        let text = BaselineFile.render(Self.sample)
        let read = try BaselineFile.parse(text, path: "b.yaml")
        #expect(BaselineFile.render(read) == text)
        #expect(read.entries[.networkEndpoint]?.first?.reason == "github.com, any of its addresses")
        #expect(read.sectionLocations[.executable]?.line == 7)
    }

    @Test(arguments: [
        ("unknown section", "version: 1\nexecutable: []\n", "b.yaml:2:1: error: unknown section 'executable'; did you mean 'executables'? [BASELINE_UNKNOWN_KEY]"),
        ("wrong version", "version: 2\n", "b.yaml:1:10: error: unknown baseline version '2'; this tollgate reads version 1 [BASELINE_VERSION]"),
        ("not a list", "network: tcp\n", "b.yaml:1:10: error: 'network' takes a list of entries, found a scalar [BASELINE_SHAPE]"),
        ("entry without entry", "images:\n  - {reason: x}\n", "b.yaml:2:5: error: an entry of 'images' needs 'entry' [BASELINE_SHAPE]"),
        ("unknown entry key", "images:\n  - {entry: a, why: x}\n", "b.yaml:2:16: error: unknown key 'why' in an entry; use entry and reason [BASELINE_UNKNOWN_KEY]"),
        ("broken YAML", "network: [a\n", "b.yaml:2:1: error: YAML error:"),
    ])
    func badFilesAreRefusedWithTheirPosition(_ name: String, _ text: String, _ expected: String) {
        do {
            _ = try BaselineFile.parse(text, path: "b.yaml")
            Issue.record("\(name) was accepted")
        } catch {
            #expect(error.description.hasPrefix(expected), "\(name): \(error.description)")
        }
    }

    @Test func globsMatchAndMergingKeepsReasons() {
        let entry = Baseline.Entry(pattern: "tcp 140.82.*:443")
        #expect(entry.matches("tcp 140.82.112.3:443") && !entry.matches("tcp 140.83.1.1:443"))
        var other = Baseline()
        other.entries[.networkEndpoint] = [.init(pattern: "tcp 140.82.113.4:443"), .init(pattern: "udp 8.8.8.8:53")]
        let merged = Self.sample.merging(other)
        #expect(merged.entries[.networkEndpoint]?.map(\.pattern) == ["tcp 140.82.*:443", "udp 8.8.8.8:53"])
        #expect(merged.entries[.executable]?.map(\.pattern) == ["/usr/bin/cc <- make", "/usr/bin/make <- sh"])
    }

    @Test func theDiffMatchesItsGoldenFile() throws {
        var new = Self.sample
        new.entries[.fileWritten] = [.init(pattern: "/usr/local/bin/helper")]
        new.entries[.executable]?.append(.init(pattern: "/usr/local/bin/helper <- sh"))
        let diff = BaselineDiff(old: Self.sample, new: new)
        #expect(diff.added.map(\.entry) == ["/usr/local/bin/helper <- sh", "/usr/local/bin/helper"])
        #expect(diff.removed.map(\.entry) == ["~/.cache/pip/**"])
        let expected = try String(contentsOf: Self.golden.appendingPathComponent("diff.md"), encoding: .utf8)
        #expect(diff.markdown == expected)
        #expect(BaselineDiff(old: Self.sample, new: Self.sample).markdown == "No change in behaviour.\n")
    }
}

/// `*` is one name, `**` any run: a normalised hash cannot widen into every path.
struct EntryGlobTests {
    @Test(arguments: [
        ("/*", "/0123456789ab", true), ("/*", "/usr/local/bin/evil", false),
        ("/tmp/*/*/tool <- sh", "/tmp/a/b/tool <- sh", true), ("/tmp/*/*/tool <- sh", "/tmp/a/tool <- sh", false),
        ("~/.cache/pip/**", "~/.cache/pip/wheels/ab/x.whl", true), ("~/.cache/pip/*", "~/.cache/pip/wheels/ab/x.whl", false),
        ("tcp 140.82.*:443", "tcp 140.82.112.3:443", true), ("tcp 140.82.*:443", "tcp 140.82.112.3:80", false),
        ("a?c", "abc", false), ("a[b]c", "abc", false), ("**", "anything/at/all", true), ("x*", "x", true),
    ])
    func matching(_ pattern: String, _ entry: String, _ expected: Bool) {
        #expect(EntryGlob.matches(pattern, entry) == expected, "\(pattern) ~ \(entry)")
    }
}

/// Any name a job gives a file survives the file: written, read back, the same entry.
struct BaselineQuotingTests {
    @Test(arguments: [
        "/root/tgu-\u{85}x\u{2028}y\u{FFFE}", "/tmp/\"quoted\"\\back", "/x/\n\t\r\u{1B}[2J", "/x/\u{FEFF}bom\u{7F}",
        "/x/caf\u{E9}/\u{1F600}", "/x/*/**", "- not: [a, list]", "#not a comment",
    ])
    func namesReadBackAsWritten(_ name: String) throws {
        var baseline = Baseline()
        baseline.entries[.fileWritten] = [.init(pattern: name, reason: name)]
        let text = BaselineFile.render(baseline)
        let read = try BaselineFile.parse(text, path: "q.yaml")
        #expect(read.entries[.fileWritten]?.first?.pattern == name)
        #expect(read.entries[.fileWritten]?.first?.reason == name)
        #expect(!text.unicodeScalars.contains { $0.value == 0x85 || $0.value == 0x2028 || ($0.value < 0x20 && $0 != "\n") })
    }
}
